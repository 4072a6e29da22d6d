"""One WordPress comment from its node: author, time, permalink, kind, and its own text."""

from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from threadkeep.dates import displayed_date, parse_date
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, same_name, squash, text_content, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import content_id
from threadkeep.sites.wordpress.content import _content_box, _drop, _noise_in, _read_in_place
from threadkeep.sites.wordpress.markup import AUTHOR_NAME, AUTHOR_NOISE, CONTENT, DATE_ATTR, DATE_TEXT, PINGBACK_LINK
from threadkeep.sites.wordpress.nodes import _ANCHOR, CommentNode, _comment_hits, _first, own_roots


def comment_of(page: Page, node: CommentNode, article: Article) -> Comment:
    hits = _comment_hits(node)  # what every selector below finds (noted on find_comment_nodes' walk)
    cid = node.cid or ""  # an element without a comment id: a stable id from its content, below
    # author
    name_el = _first(hits, AUTHOR_NAME)
    name = _author_text(name_el)
    url = None
    if name_el is not None:
        link = name_el if name_el.tag == "a" else next(iter(name_el.iter("a")), None)
        if link is not None and not (link.get("href") or "").startswith("#"):
            url = page.absolute(link.get("href"))
    if not name and node.kind != "comment":
        link = _first(hits, PINGBACK_LINK)
        if link is not None:
            name, url = text_of(link) or None, page.absolute(link.get("href"))
    is_post_author = "bypostauthor" in node.classes or same_name(name, article.author.name)
    # date
    published = None
    date_el = _first(hits, DATE_ATTR)
    if date_el is not None:
        published = parse_date(date_el.get("datetime") or date_el.get("title") or date_el.get("content"))
    if published is None:
        for sel in DATE_TEXT:
            for el in hits.get(sel, ()):
                published = parse_date(el.get("title")) if el.get("title") else None
                published = published or displayed_date(text_of(el), languages=page.languages)
                if published:
                    break
            if published:
                break
    # permalink
    permalink = None
    for a in hits.get(_ANCHOR, ()):
        href = a.get("href") or ""
        if href.endswith(f"#comment-{cid}") and "replytocom=" not in href:
            base = page.url or article.url
            href = href.strip()
            absolute = href.startswith(("https://", "http://")) and "/." not in href
            permalink = urljoin(base, href) if base and not absolute else href
            break
    if permalink is None and node.cid:
        base = article.url or page.url
        permalink = f"{base.split('#')[0]}#comment-{cid}" if base else f"#comment-{cid}"
    # text
    html, text = _comment_content(node, _first(hits, CONTENT))
    kind = node.kind
    if kind == "comment" and _PINGBACK_TEXT.match(text):
        kind = text.split(":", 1)[0].strip().lower()
    if not cid:
        cid = content_id(name, published, text)
    return Comment(
        id=cid,
        text=text,
        html=html,
        author=make_author(name, url, is_post_author=is_post_author),
        published=published,
        permalink=permalink,
        deleted=False,
        kind=kind,
    )


def _author_text(el) -> str | None:
    if el is None:
        return None
    # Without children only el itself could be noise, and it is never dropped: nothing to copy.
    if len(el) and AUTHOR_NOISE(el):
        el = copy.deepcopy(el)
        el.tail = None
        for junk in AUTHOR_NOISE(el):
            if junk is not el:
                _drop(junk)
    name = squash(text_content(el))
    name = _SAYS.sub("", name)
    return name or None


_PINGBACK_TEXT = re.compile(r"(?i)^(pingback|trackback)\s*:")
_SAYS = re.compile(r"\s*(says|sagt|dit|dice|schreibt|wrote|écrit)\s*:?\s*$", re.I)


def _comment_content(node: CommentNode, el) -> tuple[str, str]:
    """HTML and text of a comment without its author, meta, reply and like markup.

    The content element (`.comment-content`, `.comment-text`, `.comment-body`, ...) when there
    is one, else all of the comment's own markup. Blocks left wordless are dropped, unless that
    leaves nothing (a comment of only "????" is still a comment). el: the content element.
    """
    # The comment's own subtrees: only a box without a content element, or of only noise, reads them.
    roots = own_roots(node) if el is None else None
    read = _read_in_place(el) if el is not None else None
    noise = _noise_in(el, roots) if read is None or not read[1] else {}
    html, text = read or content(_content_box(node, roots, el, noise, drop_empty=True))
    if not text:
        html, text = content(_content_box(node, roots, el, noise, drop_empty=False))
    if not text:  # only noise: take all of it rather than nothing
        box = lxml_html.Element("div")
        for root in roots if roots is not None else own_roots(node):
            box.append(copy.deepcopy(root))
        html, text = content(box)
    return html, text


def dedupe_ids(comments: list[Comment], parents: dict[str, str | None]) -> None:
    """Comment ids are unique in a thread; a repeated one (a theme quirk) gets a suffix."""
    seen: set[str] = set()
    for c in comments:
        if c.id in seen:
            old = c.id
            n = 2
            while f"{old}-{n}" in seen:
                n += 1
            c.id = f"{old}-{n}"
            parents[c.id] = parents.get(old)
        seen.add(c.id)
