"""A WordPress thread past its page: the other comment pages, and the REST API's comments."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from threadkeep.dates import parse_date
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author
from threadkeep.model import Comment
from threadkeep.sites.wordpress.markup import COMMENT_NAV, COMMENT_PAGE
from threadkeep.tree import build_tree

# ----------------------------------------------------------------------------- paging


def _comment_page_no(url: str) -> int | None:
    m = COMMENT_PAGE.search(url)
    return int(m.group(1) or m.group(2)) if m else None


def _post_base(url: str) -> str:
    """A post URL without its comment page part, query and fragment, for comparing."""
    parts = urlsplit(url)
    path = re.sub(r"/comment-page-\d+/?$", "/", parts.path)
    return f"{parts.netloc.lower()}{path.rstrip('/')}"


def _paging_hrefs(page: Page) -> list[str]:
    """The hrefs of the page's links that name a comment page, as written.

    Tested before urljoin: a link without `comment-page-` or `cpage=` of its own can only get
    one from the page's URL, which names this page's number (a link that is skipped anyway).
    """
    return [
        href
        for a in page.tree.iter("a")
        if (href := a.get("href")) is not None and ("comment-page-" in href or "cpage=" in href)
    ]


def comment_page_urls(page: Page) -> list[str]:
    """The other comment pages of this post linked from the page: absolute, by page number, once each."""
    return _comment_page_urls(page, _paging_hrefs(page))


def _comment_page_urls(page: Page, hrefs: list[str]) -> list[str]:
    """comment_page_urls() from the page's paging hrefs (`_paging_hrefs`)."""
    own = page.url or ""
    canonical = next((page.absolute(href) for href in page.links("canonical")), None)
    bases = {_post_base(u) for u in (own, canonical) if u}
    current = _comment_page_no(own or canonical or "")
    seen: dict[str, int] = {}
    order: list[str] = []
    for raw in hrefs:
        href = page.absolute(raw)
        if not href:
            continue
        number = _comment_page_no(href)
        if number is None:
            continue
        url, _, fragment = href.partition("#")
        if re.fullmatch(r"comment-\d+", fragment) or "replytocom=" in url:
            continue  # a comment's permalink or reply link (widgets, comment meta), not a page link
        if number == current:
            continue
        if bases and _post_base(url) not in bases:
            continue  # another post's comments
        if own and url == own.partition("#")[0]:
            continue
        if url not in seen:
            seen[url] = number
            order.append(url)
    return sorted(order, key=lambda u: seen[u])


def has_comment_paging(page: Page) -> bool:
    """Whether the page shows that its thread goes on on other comment pages."""
    hrefs = _paging_hrefs(page)
    if _comment_page_urls(page, hrefs):
        return True
    if not any(_comment_page_no(href) is not None for href in hrefs):
        return False  # no link anywhere names a comment page (the selectors below look for one)
    for area in page.css("#comments, .comments-area, #comments-area"):
        for sel in COMMENT_NAV:
            for a in sel(area):
                if _comment_page_no(a.get("href") or "") is not None:
                    return True
    return False


def load_more_urls(page: Page) -> list[str]:
    """wpDiscuz's "load more comments" links: the post again with `?wpdParentID=N`, which the
    plugin answers with the comments after that one (its fallback for readers without script)."""
    if "wpdParentID=" not in page.html:
        return []
    own = _post_base(page.url) if page.url else None
    found: list[str] = []
    for a in page.tree.iter("a"):
        href = a.get("href") or ""
        if "wpdParentID=" not in href:
            continue
        url = page.absolute(href).partition("#")[0]
        if url and url not in found and (own is None or _post_base(url) == own):
            found.append(url)
    return found


def has_more_comments(page: Page) -> bool:
    """Whether the page shows that its thread goes on: comment pages, or wpDiscuz's "load more"."""
    if has_comment_paging(page):
        return True
    html = page.html
    if "wpdiscuzHasMoreComments" in html:
        el = page.by_id("wpdiscuzHasMoreComments")
        if el is not None and (el.get("value") or "").strip() not in ("", "0"):
            return True
    if "wpd-load-" in html:  # wpDiscuz 7: "load more" and, when set to load none, "View comments"
        for el in page.tree.iter("button", "a", "div"):
            classes = (el.get("class") or "").split()
            if "wpd-load-more-submit" in classes or "wpd-load-comments" in classes:
                return True
    return bool(load_more_urls(page))


def more_comment_urls(page: Page) -> list[str]:
    """The other comment pages of the post, then its wpDiscuz "load more" pages."""
    return comment_page_urls(page) + [u for u in load_more_urls(page) if u != page.url]


# ----------------------------------------------------------------------------- REST API


def rest_api_url(page_or_base_url: Page | str, post_id: str | int, page_no: int = 1, per_page: int = 100) -> str:
    """The URL of one page of a post's comments in the WordPress REST API (wp/v2/comments).

    The API root is the page's `<link rel="https://api.w.org/">` when a Page is given, else
    `<origin>/wp-json/` (or the root in the URL when it already holds `/wp-json/` or `rest_route`).
    Oldest first, so that pages do not shift while new comments arrive.
    """
    if isinstance(page_or_base_url, Page):
        page = page_or_base_url
        root = None
        for href in page.links("https://api.w.org/"):
            root = page.absolute(href)
            break
        root = root or page.url or ""
    else:
        root = page_or_base_url
    params = {"post": str(post_id), "per_page": str(per_page), "page": str(page_no), "order": "asc"}
    parts = urlsplit(root)
    query = parse_qs(parts.query)
    if "rest_route" in query:  # sites without pretty permalinks: ?rest_route=/
        route = query["rest_route"][0].rstrip("/") + "/wp/v2/comments"
        return urlunsplit(
            (parts.scheme, parts.netloc, parts.path or "/", urlencode({"rest_route": route, **params}), "")
        )
    path = parts.path[: parts.path.index("/wp-json")] + "/wp-json/" if "/wp-json" in parts.path else "/wp-json/"
    return urlunsplit((parts.scheme, parts.netloc, path + "wp/v2/comments", urlencode(params), ""))


def _rest_date(item: dict) -> str | None:
    gmt = item.get("date_gmt")
    if gmt:
        return parse_date(gmt if re.search(r"(Z|[+-]\d\d:?\d\d)$", gmt) else gmt + "+00:00")
    return parse_date(item.get("date"))


def _sort_key(published: str | None) -> tuple[int, float]:
    if not published:
        return (1, 0.0)
    try:
        dt = datetime.fromisoformat(published)
    except ValueError:
        return (1, 0.0)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (0, dt.timestamp())


def comments_from_rest(items: list[dict], base_url: str | None = None) -> list[Comment]:
    """Nested comments from WordPress REST API comment objects (`/wp/v2/comments` responses).

    Approved comments only (a listing without a status is taken as approved); siblings oldest
    first; a comment whose parent is not among the items is top level.
    """
    flat: list[tuple[tuple[int, float], int, Comment]] = []
    parents: dict[str, str | None] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or item.get("id") is None:
            continue
        if item.get("status") not in (None, "approved", "approve"):
            continue
        cid = str(item["id"])
        rendered = (item.get("content") or {}).get("rendered") if isinstance(item.get("content"), dict) else None
        html, text = _fragment_content(rendered or "")
        kind = item.get("type") if item.get("type") in ("pingback", "trackback") else "comment"
        author_url = item.get("author_url") or None
        link = item.get("link") or None
        if base_url:
            author_url = urljoin(base_url, author_url) if author_url else None
            link = urljoin(base_url, link) if link else None
        published = _rest_date(item)
        comment = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(item.get("author_name"), author_url),
            published=published,
            permalink=link,
            kind=kind,
        )
        parent = item.get("parent")
        parents[cid] = str(parent) if parent not in (None, 0, "0", "") else None
        flat.append((_sort_key(published), i, comment))
    flat.sort(key=lambda t: (t[0], t[1]))
    return build_tree([c for _, _, c in flat], parents)


def _fragment_content(fragment: str) -> tuple[str, str]:
    if not fragment.strip():
        return "", ""
    try:
        box = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return "", ""
    return content(box)
