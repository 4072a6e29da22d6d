"""Hacker News through the Algolia API: one call to /items/{id} gives the whole tree.

The item (documented at https://hn.algolia.com/api) is
{id, created_at, created_at_i, type, author, title, url, text, points, parent_id, story_id,
children: [...]}, each child the same shape. The story is the article (its `text` for an Ask HN,
its `url` as the article's URL for a link); the children are the comments. Deleted comments come
with author and text null: they are kept (their replies hang on them) with deleted=True.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from threadkeep.adapters.base import (
    Adapter,
    GetJson,
    epoch_to_iso,
    expect,
    host_of,
    id_of,
    iso_date,
    malformed,
    now_iso,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.extract.base import make_author
from threadkeep.model import Article, Comment, Source, Thread, number_comments

API_BASE = "https://hn.algolia.com/api/v1"
SITE = "https://news.ycombinator.com"
HOSTS = {"news.ycombinator.com", "www.news.ycombinator.com"}


def item_id_from_url(url: str) -> str | None:
    """The item id of a news.ycombinator.com/item?id=N URL (None for other URLs)."""
    url = with_scheme(url)
    if host_of(url) not in HOSTS:
        return None
    parts = urlsplit(url)
    if parts.path.rstrip("/") != "/item":
        return None
    ids = parse_qs(parts.query).get("id") or []
    return ids[0] if ids and ids[0].isdigit() else None


def _item_url(item_id: str) -> str:
    return f"{SITE}/item?id={item_id}"


def _user_url(name: str | None) -> str | None:
    return f"{SITE}/user?id={name}" if name else None


def _published(item: dict[str, Any]) -> str | None:
    return iso_date(item.get("created_at")) or epoch_to_iso(item.get("created_at_i"))


def thread_from_hn_item(item: Any, *, url: str | None = None) -> Thread:
    """A Thread from an Algolia /items/{id} response (a story, or a comment and its subtree)."""
    where = url or "Hacker News item"
    expect(item, dict, where, "the item")
    root_id = id_of(item.get("id"), where, "the item")
    op = text_or_none(item.get("author"))
    html, text = sanitized(item.get("text"))
    link = item.get("url") if isinstance(item.get("url"), str) and item.get("url") else None
    article = Article(
        title=text_or_none(item.get("title")),
        author=make_author(op, _user_url(op)),
        published=_published(item),
        url=link or _item_url(root_id),
        html=html,
        text=text,
    )
    comments: list[Comment] = []
    # explicit stack of (list to append to, children of the parent still to read)
    stack: list[tuple[list[Comment], Any, str]] = [(comments, item.get("children"), f"item {root_id}")]
    while stack:
        into, children, parent_name = stack.pop()
        if children is None:
            continue
        expect(children, list, where, f"the children of {parent_name}")
        for child in children:
            expect(child, dict, where, f"a child of {parent_name}")
            cid = id_of(child.get("id"), where, f"a child of {parent_name}")
            author = text_or_none(child.get("author"))
            c_html, c_text = sanitized(child.get("text"))
            comment = Comment(
                id=cid,
                html=c_html,
                text=c_text,
                author=make_author(author, _user_url(author), is_post_author=bool(op and author == op)),
                published=_published(child),
                permalink=_item_url(cid),
                deleted=child.get("author") is None and child.get("text") is None,
            )
            into.append(comment)
            if child.get("children"):
                stack.append((comment.replies, child.get("children"), f"item {cid}"))
    number_comments(comments)
    page = _item_url(root_id)
    return Thread(
        source=Source(url=url or page, final_url=url or page, fetched_at=now_iso(), platform=HNAdapter.name),
        article=article,
        comments=comments,
    )


class HNAdapter(Adapter):
    """news.ycombinator.com/item?id=N, archived from hn.algolia.com/api/v1/items/N."""

    name = "hn"

    def matches_url(self, url: str) -> bool:
        return item_id_from_url(url) is not None

    def archive(self, url: str, get_json: GetJson, *, api_base: str | None = None, **options: Any) -> Thread:
        item_id = item_id_from_url(url)
        if item_id is None:
            raise malformed(url, "not a Hacker News item URL (news.ycombinator.com/item?id=N)")
        api_url = f"{(api_base or API_BASE).rstrip('/')}/items/{item_id}"
        thread = thread_from_hn_item(get_json(api_url), url=api_url)
        thread.source.url = with_scheme(url)
        thread.source.final_url = _item_url(item_id)
        return thread
