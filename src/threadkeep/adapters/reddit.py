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

import html as html_lib
from typing import Any
from urllib.parse import urlsplit

from threadkeep.adapters.base import (
    Adapter,
    GetJson,
    epoch_to_iso,
    expect,
    get_in,
    host_of,
    id_of,
    malformed,
    now_iso,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.extract.base import make_author
from threadkeep.model import Article, Comment, Source, Thread, number_comments

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
        source=Source(url=page, final_url=page, fetched_at=now_iso(), platform=RedditAdapter.name),
        article=article,
        comments=comments,
        not_archived=not_archived,
    )


class RedditAdapter(Adapter):
    """reddit.com/r/SUB/comments/ID/... threads, archived from the thread's own `.json`."""

    name = "reddit"

    def matches_url(self, url: str) -> bool:
        return is_reddit_thread_url(url)

    def archive(self, url: str, get_json: GetJson, *, api_base: str | None = None, **options: Any) -> Thread:
        if not is_reddit_thread_url(url):
            raise malformed(url, "not a Reddit thread URL (reddit.com/r/SUB/comments/ID/...)")
        api_url = json_url(url, api_base)
        thread = thread_from_reddit_listing(get_json(api_url), url=api_url)
        thread.source.url = with_scheme(url)  # final_url: the thread's canonical permalink
        return thread
