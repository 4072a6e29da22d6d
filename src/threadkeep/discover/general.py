"""Any blog with a feed or a sitemap: the general case, for the generic site (and WordPress's last
resort).

The feed comes first: it gives titles, dates and (often) comment counts, newest first, paged by
Atom's `rel="next"` (or WordPress's `?paged=N` where the site says so). Then the sitemap, for the
posts older than the feed holds: `/sitemap.xml` (an index's sub-sitemaps of tags, categories,
authors and pages passed over), every URL not already listed and not the blog's front page.

What changed is read from the feed's comment counts (the engine compares them with the last
run's), so `changes` says nothing of its own here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from threadkeep.discover.feeds import read_feed
from threadkeep.discover.model import BlogSource, Post
from threadkeep.discover.sitemaps import sitemap_posts
from threadkeep.errors import FetchError

MAX_FEED_PAGES = 200
_NOT_POSTS = re.compile(r"(tag|categor|author|user|taxonom|page-sitemap|archive)", re.I)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _same(a: str, b: str) -> bool:
    return a.rstrip("/").split("#")[0] == b.rstrip("/").split("#")[0]


def posts_sitemap(url: str) -> bool:
    """Whether a sub-sitemap may list posts (not tags, categories, authors or pages)."""
    return not _NOT_POSTS.search(urlsplit(url).path)


class FeedBlog(BlogSource):
    """A blog read from its feeds and sitemaps."""

    platform = "feed"

    def __init__(
        self,
        front: str,
        feeds: list[str],
        sitemaps: list[str] | None = None,
        *,
        paged: bool = False,
        platform: str | None = None,
    ) -> None:
        self.front = front
        self.feeds = feeds
        self.sitemaps = [origin(front) + "/sitemap.xml"] if sitemaps is None else sitemaps
        self.paged = paged  # WordPress: ?paged=2, 3, ... after the first page
        self.platform = platform or type(self).platform
        self.how = "its feed" if feeds else "its sitemap"

    def _feed_pages(self, ctx) -> Iterator[list[Post]]:
        for feed in self.feeds:
            try:
                first = read_feed(ctx.fetcher.get(feed, accept="any").content, feed)
            except FetchError as exc:
                ctx.note(f"{feed}: feed not read: {exc.cause}")
                continue
            if not first.is_feed:
                ctx.note(f"{feed}: not a feed")
                continue
            self.how = f"its feed ({feed})"
            yield first.posts
            seen = {feed}
            page, number = first, 1
            while len(seen) < MAX_FEED_PAGES:
                number += 1
                nxt = page.next_url or (self._paged_url(feed, number) if self.paged and page.posts else None)
                if not nxt or nxt in seen:
                    break
                seen.add(nxt)
                try:
                    page = read_feed(ctx.fetcher.get(nxt, accept="any").content, nxt)
                except FetchError as exc:
                    if exc.status not in (400, 404, 410):
                        ctx.note(f"{nxt}: feed page not read: {exc.cause}")
                    break
                if not page.posts:
                    break
                yield page.posts
            return  # one feed is the blog's listing

    @staticmethod
    def _paged_url(feed: str, number: int) -> str:
        return f"{feed}{'&' if '?' in feed else '?'}paged={number}"

    def pages(self, ctx, since: str | None = None) -> Iterator[list[Post]]:
        listed: set[str] = set()
        for posts in self._feed_pages(ctx):
            listed.update(p.url for p in posts)
            yield posts
        for sitemap in self.sitemaps:
            try:
                found = sitemap_posts(ctx, sitemap, want=posts_sitemap)
            except FetchError as exc:
                ctx.note(f"{sitemap}: sitemap not read: {exc.cause}")
                continue
            if found is None:
                continue
            if not listed:
                self.how = f"its sitemap ({sitemap})"
            yield [p for p in found if p.url not in listed and not _same(p.url, self.front)]
            return
