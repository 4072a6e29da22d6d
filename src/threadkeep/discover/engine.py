"""Finding a blog's posts: the front page, the site that knows the blog, its pages of posts.

    listing, source = discover_blog(fetcher, url, options, since="2024-01-01T00:00:00Z", limit=50)
    listing, source = discover_blog(fetcher, url, options, known=urls)   # a later run: to the known posts

`find_blog` fetches the URL (a front page, or a feed or sitemap given directly), then asks every
site in registry order for a `BlogSource` (Blogger and WordPress know their platforms; the generic
site reads any feed and sitemap). `discover_blog` reads the source's pages, newest first, to the
end, or to `limit` posts, or to posts older than `since`, or (with `known`) to the first page
that holds no post not already known: a later run asks for one page, not the whole blog.
"""

from __future__ import annotations

from collections.abc import Callable

from threadkeep.discover.feeds import read_feed
from threadkeep.discover.general import FeedBlog
from threadkeep.discover.model import BlogSource, Listing, Post, newest_first
from threadkeep.discover.sitemaps import read_sitemap
from threadkeep.errors import FetchError
from threadkeep.sites.base import Completion

_XML = ("xml", "rss", "atom")


class DiscoveryContext(Completion):
    """A Completion whose notes are kept (and passed on as text)."""

    def __init__(self, fetcher, options, on_note: Callable[[str], None] | None = None) -> None:
        super().__init__(fetcher, options)
        self.notes: list[str] = []
        self.on_note = on_note

    def note(self, message: str) -> None:
        self.notes.append(message)
        if self.on_note is not None:
            self.on_note(message)


def find_blog(ctx: Completion, url: str) -> BlogSource:
    """The source of a blog's posts, from its front page (or its feed or sitemap). FetchError
    when the URL cannot be fetched or is neither a page nor a feed nor a sitemap."""
    from threadkeep.html.page import Page
    from threadkeep.sites import registry

    resp = ctx.fetcher.get(url, accept="any")
    mime = resp.mime_type
    if any(k in mime for k in _XML) or mime in ("", "text/plain") or resp.content[:2] == b"\x1f\x8b":
        if read_sitemap(resp.content) is not None:
            return FeedBlog(url, [], [url])
        if mime != "text/plain" and read_feed(resp.content, resp.final_url).is_feed:
            return FeedBlog(url, [url], [])
    if mime not in ("text/html", "application/xhtml+xml", ""):
        raise FetchError(url, f"not a blog's page, feed or sitemap (content-type {mime})", status=resp.status)
    page = Page.from_bytes(resp.content, resp.final_url, resp.content_type)
    for site in registry():
        source = site.blog(page, ctx)
        if source is not None:
            return source
    raise FetchError(url, "no site knows this blog")  # pragma: no cover (the generic site knows every page)


def discover_blog(
    fetcher,
    url: str,
    options,
    *,
    since: str | None = None,
    limit: int | None = None,
    known: set[str] | None = None,
    ctx: Completion | None = None,
) -> tuple[Listing, BlogSource]:
    """A blog's posts, newest first, and the source that listed them (for its `changes`); see the
    module's docstring. FetchError when the blog cannot be read or lists no post at all."""
    ctx = ctx or DiscoveryContext(fetcher, options)
    source = find_blog(ctx, url)
    posts: list[Post] = []
    seen: set[str] = set()
    complete = True
    for batch in source.pages(ctx, since):
        fresh = [p for p in batch if p.url not in seen]
        seen.update(p.url for p in fresh)
        in_range = [p for p in fresh if since is None or p.published is None or p.published >= since]
        posts.extend(in_range)
        ctx.progress("posts", len(posts), None)
        if limit is not None and len(posts) >= limit:
            complete = False
            break
        if since is not None and fresh and len(in_range) < len(fresh) and all(p.published for p in fresh):
            break  # newest first: the rest are older still
        if known is not None and all(p.url in known for p in fresh):
            complete = False
            break
    if not posts and known is None:
        raise FetchError(url, f"no posts found (read {source.how})")
    ordered = newest_first(posts)
    if limit is not None:
        ordered = ordered[:limit]
    notes = list(getattr(ctx, "notes", []))
    return Listing(url, source.platform, source.how, ordered, complete, notes), source
