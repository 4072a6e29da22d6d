"""A whole WordPress blog: its posts from the REST API (else its sitemaps, else its feed), and what
changed from the REST API's comments (else the blog-wide comment RSS).

    {root}wp/v2/posts?per_page=100&page=N&orderby=date&order=desc&_fields=id,link,title,date_gmt
        -> a JSON list; X-WP-Total and X-WP-TotalPages say how many there are
    {root}wp/v2/comments?after=DATE&per_page=100&page=N&_fields=id,post,link,date_gmt
    /wp-sitemap.xml (WordPress 5.5+: wp-sitemap-posts-post-N.xml), /sitemap.xml (plugins)
    /feed/?paged=N, /comments/feed/

The API root is the page's `<link rel="https://api.w.org/">`, else `/wp-json/`; a site without
pretty permalinks has it at `?rest_route=/`. A REST API switched off or hidden (401, 403, 404,
not JSON) is no failure: the sitemaps and the feed take over. `after=` is the comments' date of
publication: an edited or deleted comment is not in it (the slower full re-check sees those), and
the comment RSS holds only the newest comments, so when its oldest is still newer than the last
run it may have missed some and says so (`complete=False`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from threadkeep.discover.feeds import comment_changes, feed_links, read_feed
from threadkeep.discover.general import FeedBlog, origin, posts_sitemap
from threadkeep.discover.model import BlogSource, Change, Changes, Post, int_or_none, post_url_of, utc_instant
from threadkeep.discover.sitemaps import sitemap_posts
from threadkeep.errors import FetchError

PER_PAGE = 100  # the REST API's maximum
MAX_PAGES = 1000
_OFF = (400, 401, 403, 404, 405, 410, 501)  # the API is not there for us; another way is


def api_root(page) -> str:
    for href in page.links("https://api.w.org/"):
        root = page.absolute(href) if href else None
        if root:
            return root
    return origin(page.url or "") + "/wp-json/"


def rest_url(root: str, route: str, params: dict[str, Any]) -> str:
    """The URL of a REST route (`wp/v2/posts`) under the API root, pretty or `?rest_route=`."""
    parts = urlsplit(root)
    query = parse_qs(parts.query)
    if "rest_route" in query:
        full = query["rest_route"][0].rstrip("/") + "/" + route
        return urlunsplit(
            (parts.scheme, parts.netloc, parts.path or "/", urlencode({"rest_route": full, **params}), "")
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path + route, urlencode(params), ""))


def _title(item: dict) -> str | None:
    title = item.get("title")
    if isinstance(title, dict):
        title = title.get("rendered")
    if not isinstance(title, str) or not title.strip():
        return None
    from lxml import html as lxml_html

    try:
        text = lxml_html.fromstring(f"<p>{title}</p>").text_content()
    except Exception:  # lxml's errors for odd fragments: the raw title then
        text = title
    return " ".join(text.split()) or None


def _gmt(item: dict, key: str) -> str | None:
    value = item.get(f"{key}_gmt")
    if isinstance(value, str) and value and not value.endswith("Z") and "+" not in value[10:]:
        value += "Z"
    return utc_instant(value) or utc_instant(item.get(key))


class WordPressBlog(BlogSource):
    platform = "wordpress"
    how = "the WordPress REST API"

    def __init__(self, front: str, root: str, feeds: list[str]) -> None:
        self.front = front
        self.root = root
        self.base = origin(front)
        self.feeds = feeds or [self.base + "/feed/"]

    def _rest(self, ctx, route: str, params: dict[str, Any]):
        """(items, total pages) of one REST page; None when the API is not there (another root tried)."""
        roots = [self.root]
        if "rest_route" not in self.root:
            roots.append(self.base + "/?rest_route=/")
        for root in roots:
            try:
                resp = ctx.fetcher.get(rest_url(root, route, params), accept="json")
                data = resp.json()
            except FetchError as exc:
                if exc.status in _OFF or "JSON" in exc.cause:
                    continue
                raise
            if not isinstance(data, list):
                continue
            self.root = root
            return data, int_or_none(resp.headers.get("x-wp-totalpages"))
        return None

    def pages(self, ctx, since: str | None = None) -> Iterator[list[Post]]:
        page_no = 1
        while page_no <= MAX_PAGES:
            params: dict[str, Any] = {"per_page": PER_PAGE, "page": page_no, "orderby": "date", "order": "desc"}
            params["_fields"] = "id,link,title,date_gmt,modified_gmt"
            if since:
                params["after"] = since
            try:
                got = self._rest(ctx, "wp/v2/posts", params)
            except FetchError as exc:
                if page_no > 1 and exc.status == 400:  # past the last page: rest_post_invalid_page_number
                    return
                raise
            if got is None:
                if page_no == 1:
                    yield from self._without_api(ctx, since)
                return
            items, total_pages = got
            posts = [
                Post(
                    url=item["link"],
                    title=_title(item),
                    published=_gmt(item, "date"),
                    updated=_gmt(item, "modified"),
                    id=str(item["id"]) if item.get("id") is not None else None,
                )
                for item in items
                if isinstance(item, dict) and isinstance(item.get("link"), str)
            ]
            yield posts
            if not items or (total_pages is not None and page_no >= total_pages) or len(items) < PER_PAGE:
                return
            page_no += 1

    def _without_api(self, ctx, since: str | None) -> Iterator[list[Post]]:
        ctx.note(f"{self.front}: the WordPress REST API did not answer; the sitemaps and the feed instead")
        for sitemap, want in (
            (self.base + "/wp-sitemap.xml", _core_posts),
            (self.base + "/sitemap.xml", posts_sitemap),
        ):
            try:
                found = sitemap_posts(ctx, sitemap, want=want)
            except FetchError as exc:
                ctx.note(f"{sitemap}: sitemap not read: {exc.cause}")
                continue
            if found:
                self.how = sitemap.rsplit("/", 1)[-1]
                yield [p for p in found if p.url.rstrip("/") != self.base]
                return
        feed = FeedBlog(self.front, self.feeds, [], paged=True, platform=self.platform)
        yield from feed.pages(ctx, since)
        self.how = feed.how

    def changes(self, ctx, since: str, known: dict[str, Post]) -> Changes:
        by_id = {p.id: url for url, p in known.items() if p.id}
        items: list[Change] = []
        page_no = 1
        while page_no <= MAX_PAGES:
            params = {"after": since, "per_page": PER_PAGE, "page": page_no, "orderby": "date", "order": "desc"}
            params["_fields"] = "id,post,link,date_gmt"
            try:
                got = self._rest(ctx, "wp/v2/comments", params)
            except FetchError as exc:
                if page_no > 1 and exc.status == 400:
                    break
                raise
            if got is None:
                return self._comment_feed(ctx, since)
            batch, total_pages = got
            for c in batch:
                if not isinstance(c, dict) or c.get("id") is None:
                    continue
                post_id = str(c["post"]) if c.get("post") is not None else None
                at = _gmt(c, "date")
                url = by_id.get(post_id) if post_id else None
                items.append(Change(f"{c['id']}@{at or ''}", url or post_url_of(c.get("link")), post_id, at))
            if not batch or (total_pages is not None and page_no >= total_pages) or len(batch) < PER_PAGE:
                break
            page_no += 1
        return Changes("the REST API's comments", items)

    def _comment_feed(self, ctx, since: str) -> Changes:
        url = self.base + "/comments/feed/"
        page = read_feed(ctx.fetcher.get(url, accept="any").content, url)
        found = comment_changes(page, url)
        oldest = min((c.at for c in found if c.at), default=None)
        complete = bool(page.is_feed) and (not found or (oldest is not None and oldest <= since))
        return Changes("the comment feed", [c for c in found if not c.at or c.at > since], complete=complete)


def _core_posts(url: str) -> bool:
    """WordPress core's sitemaps of posts (`wp-sitemap-posts-post-1.xml`), not pages, tags or users."""
    return "wp-sitemap-posts-post-" in url


def wordpress_blog(page) -> WordPressBlog:
    return WordPressBlog(page.url, api_root(page), feed_links(page))
