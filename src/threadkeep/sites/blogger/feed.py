"""Blogger's comment feeds: the JSON comment feed of a post, and the "Back up content" Atom export.

A Blogger page may not show every comment (threads collapsed behind "Load more", comment
paging), but the post's comment feed lists them all, a page of entries at a time:

    https://HOST/feeds/POST_ID/comments/default?alt=json&orderby=published&start-index=N&max-results=M

The feed is Atom mapped to JSON (`$t` for text, `ns$name` for `ns:name`). What matters in it:

- a comment's id is the number after `.post-` in the entry id (`tag:blogger.com,1999:blog-B.post-ID`);
- a reply names its parent in a `rel="related"` link ending in `/comments/default/PARENT_ID`
  (often with `?v=2`); `thr$in-reply-to` names the *post*, never the parent comment;
- the `alternate` link is the comment's permalink, `...?showComment=EPOCH_MS#cID`: the exact
  instant (UTC), the same one the page extractor reads;
- `gd$extendedProperty` carries `blogger.contentRemoved` ("true" for a removed comment),
  `blogger.itemClass` (a per-commenter CSS class, `pid-N`: not a post-author marker) and
  `blogger.displayTime`.

Everything here is pure: the orchestrator fetches, these functions read what it fetched.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from threadkeep.dates import parse_date
from threadkeep.errors import ExtractError
from threadkeep.html.sanitize import clean_html, html_to_text
from threadkeep.html.text import make_author, same_name, squash
from threadkeep.model import Author, Comment
from threadkeep.sites.blogger.page import is_removed
from threadkeep.timefmt import epoch_ms_to_iso
from threadkeep.tree import break_cycles, build_tree, copy_comment, merge_sources, sort_by_time

MAX_EXPORT_BYTES = 256 * 1024 * 1024

_POST_ID = re.compile(r"\.post-(\d+)$")
_FEED_POST_ID = re.compile(r"\.post-?(\d+)\.\.?comments$")
_RELATED_PARENT = re.compile(r"/comments/default/(\d+)/?(?:[?#].*)?$")
_EDIT_POST_ID = re.compile(r"/feeds/\d+/(\d+)/comments/default/")
_SHOW_COMMENT = re.compile(r"[?&]showComment=(\d{10,16})")
_TRAILING_ID = re.compile(r"(\d+)\s*$")

ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"  # the Google Takeout export format
_NS = {"a": ATOM, "thr": THR, "b": BLOGGER_2018}


# ---------------------------------------------------------------------- URLs and paging


def feed_url(page_url_or_blog_base: str, post_id: str, *, start_index: int = 1, max_results: int = 500) -> str:
    """The URL of one page of a post's JSON comment feed, on the blog's own host (custom domains too)."""
    base = (page_url_or_blog_base or "").strip()
    if "//" not in base:
        base = "https://" + base
    parts = urlsplit(base)
    host = parts.netloc.rsplit("@", 1)[-1]  # never carry credentials along
    if not parts.hostname:
        raise ExtractError(f"Blogger comment feed: no host in {page_url_or_blog_base!r}")
    post_id = str(post_id).strip()
    if not post_id.isdecimal():
        raise ExtractError(f"Blogger comment feed: post id {post_id!r} is not a number")
    if start_index < 1 or max_results < 1:
        raise ExtractError(f"Blogger comment feed: bad paging (start-index {start_index}, max-results {max_results})")
    scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
    query = urlencode({"alt": "json", "orderby": "published", "start-index": start_index, "max-results": max_results})
    return f"{scheme}://{host}/feeds/{post_id}/comments/default?{query}"


@dataclass
class FeedPage:
    """One page of a post's comment feed, read."""

    comments: list[Comment]  # flat, in feed order; each reply's parent_id is set from its related link
    parents: dict[str, str | None]  # comment id -> parent comment id (None: top level)
    total: int | None = None  # openSearch$totalResults
    start_index: int | None = None  # openSearch$startIndex
    items_per_page: int | None = None  # openSearch$itemsPerPage
    post_id: str | None = None  # the post the comments belong to (thr$in-reply-to / the feed id)


def next_start_index(page: FeedPage, *, requested: int | None = None, seen: Iterable[str] | None = None) -> int | None:
    """The start-index of the next page to ask for, or None when there is nothing more to get.

    Stops when the page came back empty, when `total` is reached, or when the page made no
    progress: every comment on it already `seen` (ids from the pages before), or a next index
    that would not move past the one `requested` for this page (a server that ignores
    start-index and keeps returning the same page). Short pages do not stop the paging:
    Blogger has capped max-results at 500, 150 and 100 over the years.
    """
    count = len(page.comments)
    if count == 0:
        return None
    if seen is not None:
        seen_ids = seen if isinstance(seen, set | frozenset | dict) else set(seen)
        if all(c.id in seen_ids for c in page.comments):
            return None
    start = page.start_index if page.start_index and page.start_index > 0 else (requested or 1)
    nxt = start + count
    if requested is not None and nxt <= requested:
        return None
    if page.total is not None and nxt > page.total:
        return None
    return nxt


# ---------------------------------------------------------------------- the JSON comment feed


def _text(value: Any) -> str | None:
    """The text of an Atom-in-JSON value: {"$t": "..."} or a plain string."""
    if isinstance(value, dict):
        value = value.get("$t")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: Any) -> int | None:
    text = _text(value)
    try:
        return int(text.strip()) if text is not None else None
    except ValueError:
        return None


def _list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


@dataclass
class _Entry:
    """A comment entry's fields, whichever format it came from."""

    id: str
    content: str = ""
    content_type: str = "html"
    author_name: str | None = None
    author_url: str | None = None
    published: str | None = None
    alternate: str | None = None
    related: list[str] = field(default_factory=list)
    post_ref: str | None = None
    removed: bool = False
    parent_ref: str | None = None  # a parent given directly (the Takeout export's blogger:inReplyTo)


def _comment_id(entry_id: str | None) -> str | None:
    m = _POST_ID.search((entry_id or "").strip())
    return m.group(1) if m else None


def _parent_from_related(hrefs: list[str]) -> str | None:
    for href in hrefs:
        m = _RELATED_PARENT.search(href.strip())
        if m:
            return m.group(1)
    return None


def _published(entry: _Entry) -> str | None:
    m = _SHOW_COMMENT.search(entry.alternate or "")
    exact = epoch_ms_to_iso(m.group(1)) if m else None
    return exact or parse_date(entry.published)


def _norm_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return url.strip().rstrip("/").casefold() or None
    return f"{parts.netloc.casefold()}{parts.path.rstrip('/')}"


def _is_post_author(name: str | None, url: str | None, post_author: Author | None) -> bool:
    """A commenter is the post's author when their profile URLs match; by name only when no URL is known.

    A name alone proves little (anyone can type one), so a post author with a known profile
    URL is matched by URL only; "Anonymous" never matches.
    """
    if post_author is None or not (name or url):
        return False
    if squash(name).casefold() in ("anonymous", "unknown"):
        return False
    mine, theirs = _norm_url(url), _norm_url(post_author.url)
    if theirs:
        return mine == theirs
    return same_name(name, post_author.name)


def _make_comment(entry: _Entry, post_author: Author | None) -> tuple[Comment, str | None]:
    raw = entry.content or ""
    if entry.content_type == "text":
        raw = html_lib.escape(raw).replace("\n", "<br>")
    html = clean_html(raw)
    text = html_to_text(html)
    deleted = entry.removed or is_removed(text)
    name = squash(entry.author_name) or None
    parent = entry.parent_ref or _parent_from_related(entry.related)
    if parent == entry.id:
        parent = None
    comment = Comment(
        id=entry.id,
        text=text,
        html=html,
        author=make_author(
            name or ("Anonymous" if not deleted else None),
            entry.author_url,
            is_post_author=_is_post_author(name, entry.author_url, post_author),
        ),
        published=_published(entry),
        permalink=entry.alternate or None,
        deleted=deleted,
        parent_id=parent,
        depth=1 if parent is None else 2,
    )
    return comment, parent


def _json_entry(raw: Any, index: int) -> _Entry:
    if not isinstance(raw, dict):
        raise ExtractError(f"Blogger comment feed: entry {index} is not an object")
    cid = _comment_id(_text(raw.get("id")))
    if cid is None:
        raise ExtractError(f"Blogger comment feed: entry {index} has no comment id (tag:...post-ID)")
    content = raw.get("content") if isinstance(raw.get("content"), dict) else raw.get("summary")
    authors = [a for a in _list(raw.get("author")) if isinstance(a, dict)]
    author = authors[0] if authors else {}
    links = [link for link in _list(raw.get("link")) if isinstance(link, dict)]
    alternate = next((_text(lk.get("href")) for lk in links if lk.get("rel") == "alternate"), None)
    related = [h for lk in links if lk.get("rel") == "related" and (h := _text(lk.get("href")))]
    reply_to = raw.get("thr$in-reply-to")
    reply_to = reply_to[0] if isinstance(reply_to, list) and reply_to else reply_to
    removed = any(
        isinstance(p, dict) and p.get("name") == "blogger.contentRemoved" and str(p.get("value")).lower() == "true"
        for p in _list(raw.get("gd$extendedProperty"))
    )
    return _Entry(
        id=cid,
        content=_text(content) or "",
        content_type=(content.get("type") or "html") if isinstance(content, dict) else "html",
        author_name=_text(author.get("name")),
        author_url=_text(author.get("uri")),
        published=_text(raw.get("published")),
        alternate=alternate,
        related=related,
        post_ref=_text(reply_to.get("ref")) if isinstance(reply_to, dict) else None,
        removed=removed,
    )


def parse_feed_page(data: Any, *, post_author_name: str | None = None, post_author_url: str | None = None) -> FeedPage:
    """Read one page of a post's JSON comment feed (`?alt=json`, already decoded).

    The post's author, for `Author.is_post_author`, is the one given, else the feed's author
    (Blogger gives the blog's author there). Raises ExtractError when the data is not a feed
    or an entry has no comment id; every other field is best-effort.
    """
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise ExtractError("Blogger comment feed: no 'feed' object in the JSON")
    raw_entries = feed.get("entry", [])
    if isinstance(raw_entries, dict):
        raw_entries = [raw_entries]
    if not isinstance(raw_entries, list):
        raise ExtractError("Blogger comment feed: 'entry' is not a list")
    if post_author_name or post_author_url:
        post_author: Author | None = Author(post_author_name, post_author_url)
    else:
        feed_authors = [a for a in _list(feed.get("author")) if isinstance(a, dict)]
        post_author = (
            Author(_text(feed_authors[0].get("name")), _text(feed_authors[0].get("uri"))) if feed_authors else None
        )
    comments: list[Comment] = []
    parents: dict[str, str | None] = {}
    post_id = None
    for i, raw in enumerate(raw_entries, start=1):
        entry = _json_entry(raw, i)
        if entry.id in parents:  # the same comment twice on one page: keep the first
            continue
        comment, parent = _make_comment(entry, post_author)
        comments.append(comment)
        parents[comment.id] = parent
        post_id = post_id or _comment_id(entry.post_ref)
    if post_id is None:
        m = _FEED_POST_ID.search(_text(feed.get("id")) or "")
        post_id = m.group(1) if m else None
    return FeedPage(
        comments=comments,
        parents=parents,
        total=_int(feed.get("openSearch$totalResults")),
        start_index=_int(feed.get("openSearch$startIndex")),
        items_per_page=_int(feed.get("openSearch$itemsPerPage")),
        post_id=post_id,
    )


# ---------------------------------------------------------------------- trees and merging


def nest(flat: list[Comment], parent_of: dict[str, str | None]) -> list[Comment]:
    """Nest comments (given in a stable order) by parent id, every sibling list by time, as the
    Blogger page shows them. A parent that is not among the comments makes a comment top level;
    so does a cycle of parents, where it is first met. Sets parent_id."""
    ids = {c.id for c in flat}
    parents: dict[str, str | None] = {}
    for c in flat:
        pid = parent_of.get(c.id)
        parents.setdefault(c.id, pid if pid in ids and pid != c.id else None)
    break_cycles(parents)
    for c in flat:
        c.replies = []
        c.parent_id = parents[c.id]
    return sort_by_time(build_tree(flat, parents))


def feed_tree(pages: list[FeedPage]) -> list[Comment]:
    """All pages of a feed as one comment tree, ordered as the Blogger page shows it.

    Every comment once (the first page that has it wins), nested by the related-link parents,
    top-level comments by time and replies by time under their parent (feed order for ties).
    The pages' own comments are copied, not changed.
    """
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    for page in pages:
        for c in page.comments:
            if c.id in parents:
                if parents[c.id] is None and page.parents.get(c.id):
                    parents[c.id] = page.parents[c.id]
                continue
            flat.append(copy_comment(c))
            parents[c.id] = page.parents.get(c.id, c.parent_id)
    return nest(flat, parents)


def merge_page_and_feed(page_comments: list[Comment], feed_comments: list[Comment]) -> list[Comment]:
    """One tree from the comments on the page and those in the feed, every comment once (by id):
    the page's fields win, the feed fills what the page lacks and adds what only it has; a
    comment's parent is the page's nesting, else the feed's related link (a flat classic page
    nests nothing); ordered as the page would (by time). Neither input is changed."""
    return merge_sources(page_comments, feed_comments, order="time")
