"""Reddit through a thread's own `.json`: [post listing, comments listing].

Documented shapes (https://www.reddit.com/dev/api): a Listing is {kind: "Listing", data:
{children: [...]}}; each child is {kind, data}. The post is kind t3 (title, author, selftext_html,
url, permalink, created_utc, is_self); comments are t1 (id, name, parent_id, author, body_html,
created_utc, permalink, is_submitter, replies: "" or a Listing). A `more` child stands for comments
the listing did not include: its `count` is added to Thread.not_archived (they are not fetched).
A "continue this thread" stub (id "_", count 0) counts as at least one.

`*_html` fields are HTML-escaped unless the request says raw_json=1; both are accepted.
Deleted or removed comments keep their place (replies hang on them): deleted=True, author None
when the account is "[deleted]", text as Reddit shows it ("[deleted]" / "[removed]").
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from threadkeep.html.page import Page
from threadkeep.html.select import xselect
from threadkeep.html.text import content, first, make_author, squash, text_of
from threadkeep.model import Article, Comment, Source, Thread
from threadkeep.sites.api import (
    GetJson,
    expect,
    get_in,
    host_of,
    id_of,
    malformed,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.sites.base import Case, CommentIds, Completion, Extraction
from threadkeep.sites.generic import ReaderSite
from threadkeep.timefmt import epoch_to_iso, now_iso
from threadkeep.tree import nest_by_depth, number_comments

SITE = "https://www.reddit.com"
REMOVED_BODIES = {"[deleted]", "[removed]"}


def is_reddit_thread_url(url: str) -> bool:
    host = host_of(with_scheme(url))
    if not (host == "reddit.com" or host.endswith(".reddit.com")):
        return False
    segments = [s for s in urlsplit(with_scheme(url)).path.split("/") if s]
    return "comments" in segments[:-1]


def json_url(url: str, api_base: str | None = None) -> str:
    """The `.json` of a thread URL (api_base replaces scheme and host, for tests and mirrors)."""
    parts = urlsplit(with_scheme(url))
    path = parts.path.rstrip("/")
    if path.endswith(".json"):
        path = path[: -len(".json")]
    base = api_base.rstrip("/") if api_base else f"{parts.scheme}://{parts.netloc}"
    return f"{base}{path}.json?raw_json=1"


def _unescape_html(value: Any) -> str | None:
    """An *_html field as HTML: Reddit escapes it (&lt;div ...) unless raw_json=1 was asked."""
    if not isinstance(value, str):
        return None
    stripped = value.lstrip()
    if stripped.startswith("&lt;") or ("<" not in value and "&lt;" in value):
        return html_lib.unescape(value)
    return value


def _user(name: str | None) -> tuple[str | None, str | None]:
    if not name or name == "[deleted]":
        return None, None
    return name, f"{SITE}/user/{name}"


def _absolute(permalink: Any) -> str | None:
    if not isinstance(permalink, str) or not permalink:
        return None
    return permalink if permalink.startswith("http") else SITE + permalink


def _children(listing: Any, where: str, what: str) -> list:
    """The children of a Listing ("" or null: none)."""
    if listing in ("", None):
        return []
    expect(listing, dict, where, what)
    return expect(get_in(listing, "data", "children"), list, where, f"{what} data.children")


def _more_count(data: dict[str, Any]) -> int:
    count = data.get("count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else 0
    children = data.get("children") if isinstance(data.get("children"), list) else []
    n = max(count, len(children))
    return n if n or data.get("id") != "_" else 1  # "continue this thread": at least one


def thread_from_reddit_listing(listing: Any, *, url: str | None = None) -> Thread:
    """A Thread from a Reddit thread's `.json` (the [post listing, comments listing] pair)."""
    where = url or "Reddit listing"
    expect(listing, list, where, "the response (a [post, comments] pair of listings)")
    if len(listing) < 2:
        raise malformed(where, f"expected a [post, comments] pair of listings, got {len(listing)} item(s)")
    posts = _children(listing[0], where, "the post listing")
    post = next((p for p in posts if isinstance(p, dict) and p.get("kind") == "t3"), None)
    if post is None:
        raise malformed(where, "the post listing has no t3 (post) child")
    pdata = expect(post.get("data"), dict, where, "the post's data")
    op, op_url = _user(text_or_none(pdata.get("author")))
    html, text = sanitized(_unescape_html(pdata.get("selftext_html")))
    permalink = _absolute(pdata.get("permalink"))
    link = pdata.get("url") if isinstance(pdata.get("url"), str) and not pdata.get("is_self") else None
    article = Article(
        title=text_or_none(html_lib.unescape(pdata["title"]) if isinstance(pdata.get("title"), str) else None),
        author=make_author(op, op_url),
        published=epoch_to_iso(pdata.get("created_utc")),
        updated=epoch_to_iso(pdata.get("edited")) if pdata.get("edited") not in (None, False) else None,
        labels=[s for s in [text_or_none(pdata.get("subreddit_name_prefixed"))] if s],
        url=_absolute(link) or permalink,
        html=html,
        text=text,
    )

    comments: list[Comment] = []
    not_archived = 0
    stack: list[tuple[list[Comment], list, str]] = [
        (comments, _children(listing[1], where, "the comments listing"), "the comments listing")
    ]
    while stack:
        into, children, parent_name = stack.pop()
        for child in children:
            expect(child, dict, where, f"a child of {parent_name}")
            kind = child.get("kind")
            data = expect(child.get("data"), dict, where, f"the data of a {kind or 'child'} in {parent_name}")
            if kind == "more":
                not_archived += _more_count(data)
                continue
            if kind != "t1":
                continue
            cid = id_of(data.get("id"), where, f"a comment in {parent_name}")
            body = data.get("body")
            deleted = isinstance(body, str) and body.strip() in REMOVED_BODIES
            name, user_url = _user(text_or_none(data.get("author")))
            c_html, c_text = sanitized(_unescape_html(data.get("body_html")))
            if not c_html and isinstance(body, str):  # no body_html: the markdown source as text
                c_text = body.strip()
            is_op = data.get("is_submitter") is True or bool(name and op and name == op)
            comment = Comment(
                id=cid,
                html=c_html,
                text=c_text,
                author=make_author(name, user_url, is_post_author=is_op),
                published=epoch_to_iso(data.get("created_utc")),
                permalink=_absolute(data.get("permalink")),
                deleted=deleted,
            )
            into.append(comment)
            replies = _children(data.get("replies"), where, f"the replies of comment {cid}")
            if replies:
                stack.append((comment.replies, replies, f"the replies of comment {cid}"))
    number_comments(comments)
    page = permalink or url
    return Thread(
        source=Source(url=page, final_url=page, fetched_at=now_iso(), platform="reddit"),
        article=article,
        comments=comments,
        not_archived=not_archived,
    )


# ---------------------------------------------------------------------- the page

_LEVEL = re.compile(r"^level (\d+)$")
_MORE_REPLIES = re.compile(r"^(\d[\d,]*) more repl(?:y|ies)$")
_DELETED = {"[deleted]", "[removed]", "comment deleted by user", "comment removed by moderator"}


_T1_CLASS = re.compile(r"""class=["'][^"'<>]*\bt1_""")


class _Parts:
    """What the rendered thread page's reader looks up, found in one walk of the page."""

    def __init__(self) -> None:
        self.blocks: list = []  # div.Comment.t1_*: the comments, in display order
        self.more: list = []  # p, span, button or div whose text says "N more replies"
        self.post = None  # the first [data-testid=post-container] or [data-test-id=post-content]
        self.body = None  # the post's text: [data-click-id=text] inside post-content, else post-container


def _page_parts(page: Page) -> _Parts:
    """One walk instead of five page-wide XPath queries: libxml2 answers `//*[...]` on a 2 MB
    thread page in 10-20 ms each, a walk reading a few attributes in a few ms. Same elements in
    the same order (tests/test_site_pages.py compares with the queries)."""
    parts = _Parts()
    in_content: list = []  # post-content and post-container elements, for the body's ancestors
    in_container: list = []
    click_texts: list = []
    for el in page.tree.iter(etree.Element):
        get = el.get
        cls = get("class")
        tag = el.tag
        if cls and tag == "div" and "t1_" in cls and "Comment" in _XML_WS.split(cls):
            parts.blocks.append(el)
        if tag in _MORE_TAGS and (text := el.text) and "more repl" in text:
            parts.more.append(el)
        testid, test_id = get("data-testid"), get("data-test-id")
        if testid == "post-container" or test_id == "post-content":
            if parts.post is None:
                parts.post = el
            (in_content if test_id == "post-content" else in_container).append(el)
            if testid == "post-container" and test_id == "post-content":
                in_container.append(el)
        if get("data-click-id") == "text" and (in_content or in_container):
            click_texts.append(el)
    for boxes in (in_content, in_container):
        parts.body = next((el for el in click_texts if any(a in boxes for a in el.iterancestors())), None)
        if parts.body is not None:
            break
    return parts


_XML_WS = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() splits on
_MORE_TAGS = frozenset({"p", "span", "button", "div"})


def recognise_reddit(page: Page) -> Extraction | None:
    """Reddit's rendered thread page: div.Comment.t1_* blocks in display order with 'level N'."""
    if "t1_" not in page.html or not _T1_CLASS.search(page.html):  # C-speed looks before the page-wide query
        return None
    parts = _page_parts(page)
    blocks = parts.blocks
    if not blocks:
        return None
    ids = CommentIds()
    items: list[tuple[Comment, int]] = []
    for block in blocks:
        token = next((t for t in (block.get("class") or "").split() if t.startswith("t1_")), None)
        level = 1
        for span in block.iter("span"):
            m = _LEVEL.match(squash(span.text))
            if m:
                level = int(m.group(1))
                break
        author_el = first(
            xselect(block, './/a[@data-testid="comment_author_link"]')
            or xselect(block, './/a[contains(@href, "/user/")][normalize-space(.) != ""]')
        )
        name = text_of(author_el) or None
        url = page.absolute(author_el.get("href")) if author_el is not None else None
        if name is None:
            for span in block.iter("span"):
                if squash(span.text) == "[deleted]":
                    name = "[deleted]"
                    break
        stamp = first(xselect(block, './/a[starts-with(@id, "CommentTopMeta--Created--")]'))
        permalink = page.absolute(stamp.get("href")) if stamp is not None else None
        body = first(xselect(block, './/*[@data-testid="comment" or @data-test-id="comment"]'))
        html, text = content(body)
        # removed and deleted comments show no text element, only a note in their header
        deleted = body is None or not text or text.lower() in _DELETED
        if name == "[deleted]":
            name, url = None, None
        c = Comment(
            id=ids.make(token[3:] if token else None, name, None, text),
            text=text,
            html=html,
            author=make_author(name, url),
            permalink=permalink,
            deleted=deleted,
        )
        items.append((c, level - 1))
    ext = Extraction(platform="reddit", comments=nest_by_depth(items))
    hidden = 0
    for el in parts.more:
        m = _MORE_REPLIES.match(squash(el.text))
        if m:
            hidden += int(m.group(1).replace(",", ""))
    if hidden:
        ext.not_archived = hidden
        ext.complete = False
    post = parts.post
    title = first(xselect(post, ".//h1 | .//h2")) if post is not None else None
    if title is None:  # the page's <title> is "TITLE : subreddit"
        title = page.tree.find(".//title")
        if title is not None:
            title = copy.copy(title)
            title.text = re.sub(r"\s+:\s+\w+\s*$", "", title.text or "")
    author = None
    if post is not None:
        author = first(xselect(post, './/a[contains(@href, "/user/")][normalize-space(.) != ""]'))
        token = next((t for t in (post.get("class") or "").split() if t.startswith("t3_")), None)
        ext.post_id = token
    author_url = page.absolute(author.get("href")) if author is not None else None
    ext.article = Article(
        title=text_of(title) or None, author=make_author(re.sub(r"^u/", "", text_of(author)) or None, author_url)
    )
    ext.body = parts.body
    return ext


# ---------------------------------------------------------------------- the site


class RedditSite(ReaderSite):
    """reddit.com/r/SUB/comments/ID/... threads, archived from the thread's own `.json`; saved
    rendered thread pages and saved listings are read too."""

    name = "reddit"
    description = "Reddit (the thread's .json; saved rendered thread pages)"
    CASES = (
        Case("corpus/other/reddit.com_showerthoughts_vanilla.html", comments=197),
        Case("corpus/other/reddit.com_showerthoughts_vanilla_1551705199548.html", comments=16),
    )

    read = staticmethod(recognise_reddit)

    def matches_url(self, url: str) -> bool:
        return is_reddit_thread_url(url)

    def archive_url(self, url: str, ctx: Completion) -> Thread:
        return self.archive(url, ctx.json, api_base=ctx.api_base(self.name))

    def archive(self, url: str, get_json: GetJson, *, api_base: str | None = None) -> Thread:
        if not is_reddit_thread_url(url):
            raise malformed(url, "not a Reddit thread URL (reddit.com/r/SUB/comments/ID/...)")
        api_url = json_url(url, api_base)
        thread = thread_from_reddit_listing(get_json(api_url), url=api_url)
        thread.source.url = with_scheme(url)  # final_url: the thread's canonical permalink
        return thread

    def from_saved(self, raw: bytes, data: Any, url: str | None) -> Thread | None:
        if isinstance(data, list) and data and all(isinstance(x, dict) and x.get("kind") == "Listing" for x in data):
            return thread_from_reddit_listing(data, url=url)
        return None
