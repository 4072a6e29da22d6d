"""A whole Blogger blog: its posts from the posts feed, and what changed from the blog-wide
comment feed (Blogger's GData feeds, on the blog's own host, custom domains too).

    /feeds/posts/default?alt=json&start-index=N&max-results=M[&published-min=DATE]
    /feeds/comments/default?alt=json&orderby=updated&updated-min=DATE&start-index=N&max-results=M

The posts feed is newest first; each entry's id ends in `.post-POSTID`, its `alternate` link is
the post's URL, `thr$total` its comment count. Paging is by `start-index` against
`openSearch$totalResults`; a server may give fewer entries than asked (Blogger caps a page), so a
short page does not end the paging, an empty one does. The comment feed honours `updated-min`
only with `orderby=updated` (Blogger's reference guide); each comment names its post in
`thr$in-reply-to` (`ref`: the post's id, `href`: its URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from threadkeep.discover.model import BlogSource, Change, Changes, Post, int_or_none, utc_instant
from threadkeep.sites.blogger.feed import _comment_id, _list, _text

POSTS_PER_PAGE = 150  # Blogger's cap for the posts feed; it may send fewer
COMMENTS_PER_PAGE = 500
MAX_PAGES = 2000


def blog_base(page) -> str | None:
    """scheme://host of the blog: where its posts feed is (the page's own link to it, else the page's host)."""
    for el in page.tree.iter("link"):
        href = page.absolute(el.get("href") or "") or ""
        if "alternate" in (el.get("rel") or "") and urlsplit(href).path.rstrip("/") == "/feeds/posts/default":
            parts = urlsplit(href)
            return f"{parts.scheme}://{parts.netloc}"
    if not page.url:
        return None
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _feed(data: Any) -> dict:
    feed = data.get("feed") if isinstance(data, dict) else None
    return feed if isinstance(feed, dict) else {}


def _next_start(feed: dict, requested: int, count: int) -> int | None:
    if count == 0:
        return None
    start = int_or_none(_text(feed.get("openSearch$startIndex"))) or requested
    total = int_or_none(_text(feed.get("openSearch$totalResults")))
    nxt = max(start, requested) + count
    if total is not None and nxt > total:
        return None
    return nxt


def posts_of(data: Any) -> list[Post]:
    """The posts of one page of the posts feed (`?alt=json`)."""
    out = []
    for raw in _list(_feed(data).get("entry")):
        if not isinstance(raw, dict):
            continue
        links = [lk for lk in _list(raw.get("link")) if isinstance(lk, dict)]
        url = next((_text(lk.get("href")) for lk in links if lk.get("rel") == "alternate"), None)
        if not url:
            continue
        title = _text(raw.get("title"))
        out.append(
            Post(
                url=url,
                title=" ".join(title.split()) or None if title else None,
                published=utc_instant(_text(raw.get("published"))),
                updated=utc_instant(_text(raw.get("updated"))),
                comments=int_or_none(_text(raw.get("thr$total"))),
                id=_comment_id(_text(raw.get("id"))),
            )
        )
    return out


class BloggerBlog(BlogSource):
    platform = "blogger"
    how = "the Blogger posts feed"

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def posts_url(self, start: int, since: str | None = None) -> str:
        query: dict[str, Any] = {"alt": "json", "start-index": start, "max-results": POSTS_PER_PAGE}
        if since:
            query["published-min"] = since
        return f"{self.base}/feeds/posts/default?{urlencode(query)}"

    def comments_url(self, since: str, start: int) -> str:
        query = {
            "alt": "json",
            "orderby": "updated",
            "updated-min": since,
            "start-index": start,
            "max-results": COMMENTS_PER_PAGE,
        }
        return f"{self.base}/feeds/comments/default?{urlencode(query)}"

    def pages(self, ctx, since: str | None = None) -> Iterator[list[Post]]:
        start: int | None = 1
        for _ in range(MAX_PAGES):
            if start is None:
                return
            data = ctx.json(self.posts_url(start, since))
            posts = posts_of(data)
            yield posts
            start = _next_start(_feed(data), start, len(_list(_feed(data).get("entry"))))

    def changes(self, ctx, since: str, known: dict[str, Post]) -> Changes:
        by_id = {p.id: url for url, p in known.items() if p.id}
        items: list[Change] = []
        start: int | None = 1
        for _ in range(MAX_PAGES):
            if start is None:
                break
            feed = _feed(ctx.json(self.comments_url(since, start)))
            entries = [e for e in _list(feed.get("entry")) if isinstance(e, dict)]
            for raw in entries:
                cid = _comment_id(_text(raw.get("id")))
                if cid is None:
                    continue
                reply_to = raw.get("thr$in-reply-to")
                reply_to = reply_to[0] if isinstance(reply_to, list) and reply_to else reply_to
                reply_to = reply_to if isinstance(reply_to, dict) else {}
                post_id = _comment_id(_text(reply_to.get("ref")))
                at = utc_instant(_text(raw.get("updated"))) or utc_instant(_text(raw.get("published")))
                url = by_id.get(post_id) if post_id else None
                items.append(Change(f"{cid}@{at or ''}", url or _text(reply_to.get("href")), post_id, at))
            start = _next_start(feed, start, len(entries))
        return Changes("the blog's comment feed", items)
