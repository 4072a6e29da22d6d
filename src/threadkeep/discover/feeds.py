"""RSS and Atom feeds, read with feedparser: a blog's posts (with the comment counts feeds carry:
`slash:comments` in RSS, `thr:total` or a replies link's `thr:count` in Atom), Atom paging
(RFC 5005 `rel="next"`), and comment feeds (each item a comment, its link into the post).

    page = read_feed(resp.content, resp.final_url)      # FeedPage(posts, next_url, is_feed)
    feed_links(page)                                    # the page's <link rel="alternate"> feeds
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from threadkeep.discover.model import Change, Post, int_or_none, post_url_of, utc_instant
from threadkeep.timefmt import utc_iso

if TYPE_CHECKING:
    from threadkeep.html.page import Page

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


@dataclass
class FeedPage:
    posts: list[Post] = field(default_factory=list)
    next_url: str | None = None
    is_feed: bool = False  # feedparser found a feed (RSS, Atom, RDF) in the bytes
    entries: list = field(default_factory=list)  # feedparser's entries, for comment feeds


def _when(entry, name: str) -> str | None:
    parsed = entry.get(f"{name}_parsed")
    if parsed:
        try:
            return utc_iso(datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC))
        except (OverflowError, ValueError, OSError):
            pass
    return utc_instant(entry.get(name))


def _count(entry) -> int | None:
    for key in ("slash_comments", "thr_total"):
        n = int_or_none(entry.get(key))
        if n is not None:
            return n
    for link in entry.get("links") or []:
        if link.get("rel") == "replies" and "html" in (link.get("type") or "text/html"):
            n = int_or_none(link.get("thr:count") or link.get("count"))
            if n is not None:
                return n
    return None


def _link(entry, base: str | None) -> str | None:
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return urljoin(base or "", link["href"])
    href = entry.get("link")
    return urljoin(base or "", href) if href else None


def read_feed(raw: bytes, base: str | None = None) -> FeedPage:
    """A feed's posts in feed order, and the next page (Atom `rel="next"`), from its bytes."""
    import feedparser

    parsed = feedparser.parse(raw, response_headers={"content-location": base or ""})
    is_feed = bool(parsed.get("version")) or bool(parsed.entries)
    posts = []
    for entry in parsed.entries:
        url = _link(entry, base)
        if not url or not url.lower().startswith(("http://", "https://")):
            continue
        title = entry.get("title")
        posts.append(
            Post(
                url=url,
                title=" ".join(title.split()) if isinstance(title, str) and title.strip() else None,
                published=_when(entry, "published") or _when(entry, "updated"),
                updated=_when(entry, "updated"),
                comments=_count(entry),
            )
        )
    next_url = None
    for link in parsed.feed.get("links") or []:
        if link.get("rel") == "next" and link.get("href"):
            next_url = urljoin(base or "", link["href"])
    return FeedPage(posts, next_url, is_feed, list(parsed.entries))


def comment_changes(page: FeedPage, base: str | None = None) -> list[Change]:
    """A comment feed's items as changes: each names its post by its link (`…/post/#comment-12`)."""
    out = []
    for entry in page.entries:
        link = _link(entry, base)
        at = _when(entry, "published") or _when(entry, "updated")
        ident = entry.get("id") or link
        if not ident:
            continue
        out.append(Change(key=f"{ident}@{at or ''}", post_url=post_url_of(link), at=at))
    return out


def feed_links(page: Page, *, comments: bool = False) -> list[str]:
    """The posts feeds a page announces (`<link rel="alternate" type="application/rss+xml">`…);
    with `comments`, its comment feeds (titled or addressed as such) too, after them."""
    found: list[tuple[bool, str]] = []
    for el in page.tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        kind = (el.get("type") or "").lower().split(";")[0].strip()
        href = el.get("href")
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = page.absolute(href)
        if not url or any(url == u for _, u in found):
            continue
        title = (el.get("title") or "").lower()
        about_comments = "comment" in title or "/comments/" in url.lower() or "/feeds/comments" in url
        found.append((about_comments, url))
    return [u for c, u in found if not c] + ([u for c, u in found if c] if comments else [])
