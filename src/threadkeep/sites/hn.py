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

from threadkeep.dates import parse_date
from threadkeep.html.page import Page
from threadkeep.html.select import select
from threadkeep.html.text import content, first, make_author, text_of
from threadkeep.model import Article, Comment, Source, Thread
from threadkeep.sites.api import (
    GetJson,
    expect,
    host_of,
    id_of,
    iso_date,
    malformed,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.sites.base import Case, CommentIds, Completion, Extraction
from threadkeep.sites.generic import ReaderSite
from threadkeep.timefmt import epoch_to_iso, now_iso
from threadkeep.tree import nest_by_depth, number_comments

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
    return ids[0] if ids and ids[0].isdecimal() else None


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
        source=Source(url=url or page, final_url=url or page, fetched_at=now_iso(), platform="hn"),
        article=article,
        comments=comments,
    )


# ---------------------------------------------------------------------- the page


def recognise_hn(page: Page) -> Extraction | None:
    """A Hacker News item page: tr.athing.comtr rows, depth from td.ind[indent]."""
    if "comtr" not in page.html and "fatitem" not in page.html:  # a C-speed look first: the query scans all
        return None
    rows = page.xpath('//tr[contains(concat(" ", normalize-space(@class), " "), " comtr ")]')
    fat = page.css("table.fatitem")
    if not rows and not fat:
        return None
    ids = CommentIds()
    items: list[tuple[Comment, int]] = []
    for row in rows:
        ind = first(select(row, "td.ind"))
        depth = 0
        if ind is not None:
            raw = ind.get("indent")
            if raw is None:
                img = first(select(ind, "img[width]"))
                raw = str(int(img.get("width")) // 40) if img is not None and img.get("width", "").isdecimal() else "0"
            depth = int(raw) if raw.isdecimal() else 0
        user = first(select(row, "a.hnuser"))
        age = first(select(row, "span.age"))
        published = parse_date((age.get("title") or "").split(" ")[0]) if age is not None else None
        permalink = None
        if age is not None:
            link = first(select(age, "a[href]"))
            permalink = page.absolute(link.get("href")) if link is not None else None
        body = first(select(row, ".commtext"))
        html, text = content(body)
        name = text_of(user) or None
        c = Comment(
            id=ids.make(row.get("id"), name, published, text),
            text=text,
            html=html,
            author=make_author(name, page.absolute(user.get("href")) if user is not None else None),
            published=published,
            permalink=permalink,
            deleted=body is None,
        )
        items.append((c, depth))
    ext = Extraction(platform="hn", comments=nest_by_depth(items))
    ext.complete = not page.css("a.morelink")
    if fat:
        top = fat[0]
        story = first(select(top, "tr.athing"))
        ext.post_id = story.get("id") if story is not None else None
        user = first(select(top, "a.hnuser"))
        age = first(select(top, "span.age"))
        ext.article = Article(
            title=text_of(first(select(top, ".titleline > a, .titleline, td.title a"))) or None,
            author=make_author(text_of(user), page.absolute(user.get("href")) if user is not None else None),
            published=parse_date((age.get("title") or "").split(" ")[0]) if age is not None else None,
        )
        ext.body = first(select(top, "div.toptext"))
    return ext


# ---------------------------------------------------------------------- the site


class HNSite(ReaderSite):
    """news.ycombinator.com/item?id=N, archived from hn.algolia.com/api/v1/items/N; saved item
    pages and saved API items are read too."""

    name = "hn"
    description = "Hacker News (the Algolia API; saved item pages)"
    CASES = (Case("corpus/other/news.ycombinator.com_item_1690120617595.html", comments=100),)

    read = staticmethod(recognise_hn)

    def matches_url(self, url: str) -> bool:
        return item_id_from_url(url) is not None

    def archive_url(self, url: str, ctx: Completion) -> Thread:
        return self.archive(url, ctx.json, api_base=ctx.api_base(self.name))

    def archive(self, url: str, get_json: GetJson, *, api_base: str | None = None) -> Thread:
        item_id = item_id_from_url(url)
        if item_id is None:
            raise malformed(url, "not a Hacker News item URL (news.ycombinator.com/item?id=N)")
        api_url = f"{(api_base or API_BASE).rstrip('/')}/items/{item_id}"
        thread = thread_from_hn_item(get_json(api_url), url=api_url)
        thread.source.url = with_scheme(url)
        thread.source.final_url = _item_url(item_id)
        return thread

    def from_saved(self, raw: bytes, data: Any, url: str | None) -> Thread | None:
        if isinstance(data, dict) and "children" in data and "type" in data:
            return thread_from_hn_item(data, url=url)
        return None
