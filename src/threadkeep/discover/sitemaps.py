"""Sitemaps (sitemaps.org: `<urlset>` and `<sitemapindex>`, gzip or plain), read with
ultimate-sitemap-parser from the bytes threadkeep's own Fetcher got: the library parses a string
(`sitemap_from_str`) and names an index's sub-sitemaps without fetching them, so every request
stays polite (robots.txt, delay, retries). Sub-sitemaps are fetched here, breadth first, each once,
at most `MAX_SITEMAPS` of them.

    posts = sitemap_posts(ctx, "https://blog.example/wp-sitemap.xml", want=lambda url: "-posts-" in url)
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable

from threadkeep.discover.model import Post, utc_instant
from threadkeep.errors import FetchError

MAX_SITEMAPS = 500
MAX_UNZIPPED = 64 * 1024 * 1024  # the protocol's limit is 50 MB uncompressed

_log = logging.getLogger("usp")  # the library reports every odd file at ERROR: a caller says so in its own words
_log.addHandler(logging.NullHandler())
_log.propagate = False


def _unzip(raw: bytes) -> bytes:
    if raw[:2] != b"\x1f\x8b":
        return raw
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(raw, MAX_UNZIPPED)
    return out if not d.unconsumed_tail else b""


def read_sitemap(raw: bytes) -> tuple[list[Post], list[str]] | None:
    """(pages, sub-sitemap URLs) of a sitemap's bytes; None when they are not an XML sitemap."""
    from usp.objects.sitemap import IndexXMLSitemap, InvalidSitemap, PagesXMLSitemap
    from usp.tree import sitemap_from_str

    text = _unzip(raw).decode("utf-8", errors="replace").lstrip("\ufeff")
    if "<urlset" not in text[:4096] and "<sitemapindex" not in text[:4096]:
        return None
    parsed = sitemap_from_str(text)
    if isinstance(parsed, IndexXMLSitemap):
        return [], [s.url for s in parsed.sub_sitemaps if isinstance(s, InvalidSitemap) and s.url]
    if isinstance(parsed, PagesXMLSitemap):
        posts = [Post(url=p.url, updated=utc_instant(p.last_modified)) for p in parsed.pages if p.url]
        return posts, []
    return None


def sitemap_posts(ctx, url: str, *, want: Callable[[str], bool] | None = None) -> list[Post] | None:
    """Every page a sitemap (or index, and its sub-sitemaps that `want` accepts) lists, newest
    first by lastmod; None when `url` is missing or not a sitemap. Raises FetchError for other
    failures of the first file; a broken sub-sitemap is noted and passed over."""
    try:
        resp = ctx.fetcher.get(url, accept="any")
    except FetchError as exc:
        if exc.status in (401, 403, 404, 410):
            return None
        raise
    first = read_sitemap(resp.content)
    if first is None:
        return None
    pages, queue = first
    seen = {url, resp.final_url}
    posts: dict[str, Post] = {p.url: p for p in pages}
    while queue and len(seen) < MAX_SITEMAPS:
        sub = queue.pop(0)
        if sub in seen or (want is not None and not want(sub)):
            continue
        seen.add(sub)
        try:
            got = read_sitemap(ctx.fetcher.get(sub, accept="any").content)
        except FetchError as exc:
            ctx.note(f"{sub}: sitemap not read: {exc.cause}")
            continue
        if got is None:
            ctx.note(f"{sub}: not a sitemap; passed over")
            continue
        for p in got[0]:
            posts.setdefault(p.url, p)
        queue.extend(u for u in got[1] if u not in seen)
    listed = list(posts.values())
    dated = sorted((p for p in listed if p.updated), key=lambda p: p.updated or "", reverse=True)
    return dated + [p for p in listed if not p.updated]
