"""Blogger's "Back up content" export (Atom, and Google Takeout's 2018 form): every post with
its comments, nested by their related-link parents and ordered as the page shows them."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from threadkeep.dates import parse_date
from threadkeep.errors import ExtractError
from threadkeep.html.text import make_author, squash
from threadkeep.model import Author, Comment
from threadkeep.sites.blogger.feed import (
    _EDIT_POST_ID,
    _NS,
    _TRAILING_ID,
    ATOM,
    MAX_EXPORT_BYTES,
    _comment_id,
    _Entry,
    _make_comment,
    nest,
)

# ---------------------------------------------------------------------- the Atom export


@dataclass
class ExportThread:
    """One post of a Blogger export with its comments (nested, ordered as the page shows them)."""

    post_id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: Author = field(default_factory=Author)
    comments: list[Comment] = field(default_factory=list)


def _xml_text(el, path: str) -> str | None:
    found = el.find(path, _NS)
    return found.text if found is not None and found.text is not None else None


def _kind(entry) -> str | None:
    """'post', 'comment', 'page' (or another kind) of an export entry; None when it names none."""
    for cat in entry.findall("a:category", _NS):
        term = cat.get("term") or ""
        if "#kind" in (cat.get("scheme") or "") or "/kind#" in term:
            return term.rsplit("#", 1)[-1].lower()
    t = _xml_text(entry, "b:type")
    return t.strip().lower() if t else None


def _links(entry, rel: str) -> list[str]:
    return [lk.get("href") for lk in entry.findall("a:link", _NS) if lk.get("rel") == rel and lk.get("href")]


def _xml_entry(entry, index: int) -> _Entry:
    cid = _comment_id(_xml_text(entry, "a:id"))
    if cid is None:
        raise ExtractError(f"Blogger export: comment entry {index} has no comment id (tag:...post-ID)")
    content = entry.find("a:content", _NS)
    if content is None:
        content = entry.find("a:summary", _NS)
    author = entry.find("a:author", _NS)
    reply_to = entry.find("thr:in-reply-to", _NS)
    post_ref = reply_to.get("ref") if reply_to is not None else None
    if post_ref is None:
        post_ref = _xml_text(entry, "b:parent")
    if post_ref is None:
        m = next((m for h in _links(entry, "edit") + _links(entry, "self") if (m := _EDIT_POST_ID.search(h))), None)
        post_ref = f".post-{m.group(1)}" if m else None
    parent_ref = None
    in_reply_to = _xml_text(entry, "b:inReplyTo")  # Takeout exports name the parent comment directly
    if in_reply_to:
        m = _TRAILING_ID.search(in_reply_to)
        parent_ref = m.group(1) if m else None
    removed = any(
        p.get("name") == "blogger.contentRemoved" and (p.get("value") or "").lower() == "true"
        for p in entry.findall("{http://schemas.google.com/g/2005}extendedProperty")
    )
    return _Entry(
        id=cid,
        content=(content.text or "") if content is not None else "",
        content_type=(content.get("type") or "html") if content is not None else "html",
        author_name=_xml_text(author, "a:name") if author is not None else None,
        author_url=_xml_text(author, "a:uri") if author is not None else None,
        published=_xml_text(entry, "a:published"),
        alternate=next(iter(_links(entry, "alternate")), None),
        related=_links(entry, "related"),
        post_ref=post_ref,
        removed=removed,
        parent_ref=parent_ref,
    )


def parse_atom_export(xml_bytes: bytes | str) -> list[ExportThread]:
    """The posts of a Blogger "Back up content" Atom export, each with its comment tree.

    Comment entries (category kind#comment, or `blogger:type` COMMENT in a Takeout export)
    are grouped by their post (thr:in-reply-to ref), nested by their rel=related parent link.
    Posts come in export order (pages too, they can have comments); comments whose post is
    not in the export get a thread of their own, after the posts.
    """
    data = xml_bytes.encode("utf-8") if isinstance(xml_bytes, str) else xml_bytes
    if not data or not data.strip():
        raise ExtractError("Blogger export: the file is empty")
    if len(data) > MAX_EXPORT_BYTES:
        raise ExtractError(f"Blogger export too large: {len(data):,} bytes (limit {MAX_EXPORT_BYTES:,})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"Blogger export: not well-formed XML: {squash(str(exc))}") from None
    if root is None or root.tag != f"{{{ATOM}}}feed":
        raise ExtractError("Blogger export: not an Atom feed (no <feed> root)")
    threads: dict[str, ExportThread] = {}
    comments: dict[str, list[Comment]] = {}
    parents: dict[str, dict[str, str | None]] = {}
    pending: list[tuple[_Entry, int]] = []
    for index, entry in enumerate(root.findall("a:entry", _NS), start=1):
        kind = _kind(entry)
        if kind in ("post", "page"):
            post_id = _comment_id(_xml_text(entry, "a:id"))
            if post_id is None or post_id in threads:
                continue
            author = entry.find("a:author", _NS)
            threads[post_id] = ExportThread(
                post_id=post_id,
                title=squash(_xml_text(entry, "a:title")) or None,
                url=next(iter(_links(entry, "alternate")), None),
                published=parse_date(_xml_text(entry, "a:published")),
                author=make_author(
                    _xml_text(author, "a:name") if author is not None else None,
                    _xml_text(author, "a:uri") if author is not None else None,
                ),
            )
        elif kind == "comment":
            pending.append((_xml_entry(entry, index), index))
    for entry, _index in pending:
        post_id = _comment_id(entry.post_ref) or ""
        thread = threads.get(post_id)
        if thread is None:
            thread = threads[post_id] = ExportThread(post_id=post_id)
        post_author = thread.author if (thread.author.name or thread.author.url) else None
        comment, parent = _make_comment(entry, post_author)
        seen = parents.setdefault(post_id, {})
        if comment.id in seen:
            continue
        comments.setdefault(post_id, []).append(comment)
        seen[comment.id] = parent
    for post_id, thread in threads.items():
        thread.comments = nest(comments.get(post_id, []), parents.get(post_id, {}))
    return list(threads.values())
