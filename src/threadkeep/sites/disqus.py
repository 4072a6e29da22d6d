"""Disqus-hosted comments: through the public API with a key, else an honest placeholder.

Disqus comments are not in the blog's HTML. With an API key (the caller reads --disqus-key or
THREADKEEP_DISQUS_KEY and passes `api_key=`) they are fetched from
https://disqus.com/api/3.0/threads/listPosts.json (documented at https://disqus.com/api/docs/):
forum=SHORTNAME plus thread:ident=ID or thread:link=URL, api_key, limit=100, order=asc, and
cursor paging ({cursor: {hasNext, next}, response: [post, ...]}). Each post is {id, parent,
message (HTML), raw_message, createdAt (UTC, no offset), isDeleted, author: {name, username,
profileUrl}, thread}; `parent` nests it. A reply whose parent the API did not return hangs on a
deleted placeholder for that parent, so the tree keeps its shape.

Without a key nothing is fetched: the thread says that the comments live on Disqus and were not
archived (external_comments.archived False), never an archive that is silently empty.

The adapter's URL is the Disqus embed URL, which names the forum and the thread:
https://disqus.com/embed/comments/?f=SHORTNAME&t_i=IDENTIFIER&t_u=PAGE_URL (see `embed_url`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Article, Comment, ExternalComments, Source, Thread
from threadkeep.sites.api import (
    GetJson,
    expect,
    get_in,
    host_of,
    id_of,
    iso_date,
    malformed,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.sites.base import Completion, Extraction, Site
from threadkeep.timefmt import now_iso
from threadkeep.tree import build_tree, number_comments

API_BASE = "https://disqus.com/api/3.0"
DISQUS_KEY_ENV = "THREADKEEP_DISQUS_KEY"
NOTE_NO_KEY = "comments are hosted on Disqus and were not archived: no API key (--disqus-key or THREADKEEP_DISQUS_KEY)"
NOTE_ARCHIVED = "comments are hosted on Disqus and were archived through its API"
PAGE_LIMIT = 100
MAX_PAGES = 2000  # 200,000 comments: a bound on a cursor that never ends


def thread_id(shortname: str | None, identifier: str | None) -> str | None:
    """The thread's id as the archive records it: "shortname:identifier" (what is known of it)."""
    return ":".join(x for x in (shortname, identifier) if x) or None


def disqus_placeholder(shortname: str | None, identifier: str | None = None) -> ExternalComments:
    """What the archive says when the comments are on Disqus and there is no key to fetch them."""
    return ExternalComments(
        service="disqus", archived=False, note=NOTE_NO_KEY, thread_id=thread_id(shortname, identifier)
    )


def embed_url(shortname: str, identifier: str | None = None, link: str | None = None, title: str | None = None) -> str:
    """The Disqus embed URL for a thread (what the adapter is chosen by)."""
    query = [("f", shortname)]
    query += [(k, v) for k, v in (("t_i", identifier), ("t_u", link), ("t_t", title)) if v]
    return "https://disqus.com/embed/comments/?" + urlencode(query)


def parse_embed_url(url: str) -> dict[str, str | None] | None:
    """{forum, identifier, link, title} of a Disqus embed URL, or None."""
    url = with_scheme(url)
    if host_of(url) not in ("disqus.com", "www.disqus.com"):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/embed/comments"):
        return None
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if v and v[0].strip()}
    forum = query.get("f")
    if not forum or not (query.get("t_i") or query.get("t_u")):
        return None
    return {"forum": forum, "identifier": query.get("t_i"), "link": query.get("t_u"), "title": query.get("t_t")}


def comments_from_disqus_posts(
    posts: list[Any], *, link: str | None = None, where: str = "Disqus posts"
) -> list[Comment]:
    """Nested (not yet numbered) comments from listPosts posts, in the order given."""
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    for post in posts:
        expect(post, dict, where, "a post")
        cid = id_of(post.get("id"), where, "a post")
        if cid in parents:  # the same post twice (pages that overlap): the first one counts
            continue
        author = get_in(post, "author")
        author = author if isinstance(author, dict) else {}
        name = text_or_none(author.get("name")) or text_or_none(author.get("username"))
        profile = author.get("profileUrl") or author.get("url")
        html, text = sanitized(post.get("message"))
        if not html and isinstance(post.get("raw_message"), str):
            text = post["raw_message"].strip()
        deleted = post.get("isDeleted") is True
        flat.append(
            Comment(
                id=cid,
                html=html,
                text=text,
                author=make_author(name, profile if isinstance(profile, str) else None),
                published=iso_date(post.get("createdAt"), naive_is_utc=True),
                permalink=f"{link}#comment-{cid}" if link else None,
                deleted=deleted,
            )
        )
        parent = post.get("parent")
        valid = isinstance(parent, (int, str)) and not isinstance(parent, bool) and parent
        parents[cid] = str(parent) if valid else None
    # a parent the API did not return (deleted, say): a deleted placeholder where its first reply was
    known = {c.id for c in flat}
    placed: set[str] = set()
    with_placeholders: list[Comment] = []
    for c in flat:
        pid = parents[c.id]
        if pid and pid not in known and pid not in placed:
            placed.add(pid)
            with_placeholders.append(Comment(id=pid, deleted=True))
        with_placeholders.append(c)
    return build_tree(with_placeholders, parents)


def thread_from_disqus_posts(
    posts: list[Any],
    *,
    shortname: str | None = None,
    identifier: str | None = None,
    link: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Thread:
    """A Thread (comments only: the article lives on the blog) from a list of listPosts posts."""
    expect(posts, list, url or "Disqus posts", "the posts")
    info = next((p.get("thread") for p in posts if isinstance(p, dict) and isinstance(p.get("thread"), dict)), {})
    link = link or text_or_none(info.get("link"))
    comments = comments_from_disqus_posts(posts, link=link, where=url or "Disqus posts")
    number_comments(comments)
    return Thread(
        source=Source(url=url or link, final_url=url or link, fetched_at=now_iso(), platform="disqus"),
        article=Article(
            title=title or text_or_none(info.get("clean_title")) or text_or_none(info.get("title")),
            published=iso_date(info.get("createdAt"), naive_is_utc=True),
            url=link,
        ),
        comments=comments,
        external_comments=ExternalComments(
            service="disqus", archived=True, note=NOTE_ARCHIVED, thread_id=thread_id(shortname, identifier)
        ),
    )


def list_posts_url(
    api_base: str | None,
    shortname: str,
    *,
    api_key: str,
    identifier: str | None = None,
    link: str | None = None,
    cursor: str | None = None,
) -> str:
    query = [("forum", shortname)]
    query.append(("thread:ident", identifier) if identifier else ("thread:link", link or ""))
    query += [("api_key", api_key), ("limit", str(PAGE_LIMIT)), ("order", "asc"), ("related", "thread")]
    if cursor:
        query.append(("cursor", cursor))
    return f"{(api_base or API_BASE).rstrip('/')}/threads/listPosts.json?" + urlencode(query)


def fetch_disqus_posts(
    get_json: GetJson,
    shortname: str,
    *,
    api_key: str,
    identifier: str | None = None,
    link: str | None = None,
    api_base: str | None = None,
) -> list[dict[str, Any]]:
    """Every post of a thread, following the cursor page by page."""
    if not (identifier or link):
        raise malformed(f"disqus:{shortname}", "a Disqus thread needs an identifier or a link")
    posts: list[dict[str, Any]] = []
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page_url = list_posts_url(api_base, shortname, api_key=api_key, identifier=identifier, link=link, cursor=cursor)
        page = expect(get_json(page_url), dict, page_url, "the response")
        code = page.get("code", 0)
        if code not in (0, None):
            raise malformed(page_url, f"Disqus API error {code}: {text_or_none(page.get('response')) or 'no message'}")
        response = expect(page.get("response"), list, page_url, "response (the list of posts)")
        for post in response:
            posts.append(expect(post, dict, page_url, "a post in response"))
        cursor_info = page.get("cursor") if isinstance(page.get("cursor"), dict) else {}
        nxt = cursor_info.get("next")
        if cursor_info.get("hasNext") is not True or not isinstance(nxt, str) or not nxt or nxt in seen:
            return posts
        seen.add(nxt)
        cursor = nxt
    raise malformed(f"disqus:{shortname}", f"more than {MAX_PAGES} pages of posts")


# ---------------------------------------------------------------------- embedded in a page

_DISQUS_SHORTNAME = (
    re.compile(r"""disqus_shortname\s*=\s*['"]([\w-]+)['"]"""),
    re.compile(r"""//([\w-]+)\.disqus\.com/(?:embed|count|blogger_item|blogger_index)\.js"""),
    re.compile(r"""disqus\.com/embed/comments/\?[^"']*?\bf=([\w-]+)"""),
)
_DISQUS_IDENTIFIER = re.compile(r"""disqus_identifier\s*=\s*['"]([^'"]{1,200})['"]""")


def disqus_embed(page: Page) -> ExternalComments | None:
    """When the page's comments are a Disqus embed: where they live (they are not in the HTML)."""
    if not page.tree.xpath('//*[@id="disqus_thread"] | //script[contains(@src, "disqus.com/")]'):
        return None
    shortname = next((m.group(1) for p in _DISQUS_SHORTNAME if (m := p.search(page.html))), None)
    m = _DISQUS_IDENTIFIER.search(page.html)
    return disqus_placeholder(shortname, m.group(1).strip() if m else None)


# ---------------------------------------------------------------------- the fallback list

_PINGBACK_ENDS = ("[...]", "[…]", "[&hellip;]")


def fallback_list(page: Page) -> list[Comment]:
    """The comments of the list that Disqus's WordPress plugin writes into the page for readers
    without JavaScript (and for search engines): `div#dsq-content > ul#dsq-comments >
    li#dsq-comment-ID`, each with `cite` (the author's link as text, then
    `span#dsq-author-user-ID` or a link with the name) and `div.dsq-comment-message`; replies in
    a nested `ul.children`. The list shows no dates. A pingback shows the linking post's title
    as the name and its excerpt between "[...]" marks."""
    holder = page.by_id("dsq-comments")
    if holder is None:
        return []
    by_li: dict[object, Comment] = {}
    roots: list[Comment] = []
    for li in holder.iter("li"):
        own = li.get("id") or ""
        if not own.startswith("dsq-comment-"):
            continue
        cid = own.removeprefix("dsq-comment-")
        cite = page.by_id(f"dsq-cite-{cid}", li)
        name_el = page.by_id(f"dsq-author-user-{cid}", li)
        message = page.by_id(f"dsq-comment-message-{cid}", li)
        if message is None:
            continue
        html, text = content(message)
        url = (cite.text or "").strip() if cite is not None else ""
        if name_el is not None and name_el.tag == "a":
            url = name_el.get("href") or url
        squashed = text.strip()
        pingback = squashed.startswith(_PINGBACK_ENDS) and squashed.endswith(_PINGBACK_ENDS)
        name = text_of(name_el) or None if pingback else clean_author(text_of(name_el))  # a post's title
        comment = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(name, url if url.startswith(("http://", "https://")) else None),
            kind="pingback" if pingback else "comment",
        )
        parent = next((by_li[a] for a in li.iterancestors("li") if a in by_li), None)
        (parent.replies if parent is not None else roots).append(comment)
        by_li[li] = comment
    return roots


# ---------------------------------------------------------------------- the site


class DisqusSite(Site):
    """A Disqus thread by its embed URL (disqus.com/embed/comments/?f=SHORTNAME&t_i=ID&t_u=URL),
    and Disqus embedded in any other site's page: archived through the API with a key, else an
    honest placeholder."""

    name = "disqus"
    description = "Disqus (embed URLs, and embeds on other sites' pages; needs an API key)"

    def matches_url(self, url: str) -> bool:
        return parse_embed_url(url) is not None

    def archive_url(self, url: str, ctx: Completion) -> Thread:
        return self.archive(url, ctx.json, api_base=ctx.api_base(self.name), api_key=ctx.api_key(self.name))

    def embedded(self, page: Page) -> ExternalComments | None:
        return disqus_embed(page)

    def embedded_list(self, page: Page) -> list[Comment]:
        return fallback_list(page)

    def complete_embedded(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """With a Disqus API key, archive the comments that the page only embeds."""
        ext = extraction.external_comments
        key = ctx.api_key(self.name)
        if not key or ext is None or not ext.thread_id:
            return
        shortname, _, identifier = ext.thread_id.partition(":")
        thread = self.archive(
            embed_url(shortname, identifier or None, page.url), ctx.json, api_base=ctx.api_base(self.name), api_key=key
        )
        extraction.comments = thread.comments
        extraction.external_comments = thread.external_comments

    def archive(
        self, url: str, get_json: GetJson, *, api_base: str | None = None, api_key: str | None = None
    ) -> Thread:
        info = parse_embed_url(url)
        if info is None:
            raise malformed(url, "not a Disqus embed URL (disqus.com/embed/comments/?f=SHORTNAME&t_i=ID)")
        shortname, identifier, link = info["forum"] or "", info["identifier"], info["link"]
        if not api_key:
            page = with_scheme(url)
            return Thread(
                source=Source(url=page, final_url=page, fetched_at=now_iso(), platform=self.name),
                article=Article(title=info["title"], url=link),
                external_comments=disqus_placeholder(shortname, identifier),
            )
        posts = fetch_disqus_posts(
            get_json, shortname, api_key=api_key, identifier=identifier, link=link, api_base=api_base
        )
        thread = thread_from_disqus_posts(
            posts, shortname=shortname, identifier=identifier, link=link, title=info["title"], url=with_scheme(url)
        )
        return thread
