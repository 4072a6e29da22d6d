"""Discourse forums through their JSON API: /t/{id}.json, then /t/{id}/posts.json for the rest.

/t/{id}.json (https://docs.discourse.org, "Get a single topic") gives the topic (id, title, slug,
created_at, tags) and a post_stream: `stream` lists every post id in reading order, `posts` holds
the first chunk (about 20) of posts. The others are fetched with
/t/{id}/posts.json?post_ids[]=A&post_ids[]=B... in chunks of 20.

Decisions:
- The topic's opening post (post_number 1) is the article; every other post is a comment. A post
  with `reply_to_post_number` hangs under that post; a reply to post 1 is a reply to the article,
  so it is top level (as is a reply to a post that is not in the stream any more).
  `first_post_as_article=False` keeps post 1 as the first comment instead (the article then has
  the topic's title, author and date but no body), so replies to it nest under it.
- Small-action posts (post_type 3: "closed the topic", "split this topic") are events, not
  comments, and are left out; moderator posts (post_type 2) and whispers (4) are kept.
- A post deleted upstream (deleted_at, user_deleted) is kept with deleted=True.
- Stream ids the API does not return (deleted, hidden from us) are counted in not_archived.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from threadkeep.html.text import make_author
from threadkeep.model import Article, Comment, Source, Thread
from threadkeep.sites.api import (
    GetJson,
    expect,
    get_in,
    id_of,
    iso_date,
    malformed,
    sanitized,
    text_or_none,
    with_scheme,
)
from threadkeep.sites.base import Case, Completion, Site
from threadkeep.timefmt import now_iso
from threadkeep.tree import build_tree, number_comments

CHUNK = 20
SMALL_ACTION = 3
_TOPIC_PATH = re.compile(r"^(?P<prefix>.*?)/t/(?P<rest>[^?#]+)$")


def parse_topic_url(url: str) -> tuple[str, str] | None:
    """(site base URL, topic id) for a Discourse topic URL, or None.

    /t/SLUG/ID, /t/SLUG/ID/POST, /t/ID, /t/ID/POST, each optionally ending in .json; a site in a
    subfolder (example.com/forum/t/...) keeps the subfolder in its base URL.
    """
    parts = urlsplit(with_scheme(url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    m = _TOPIC_PATH.match(parts.path)
    if not m:
        return None
    segments = [s for s in m.group("rest").split("/") if s]
    if segments and segments[-1].endswith(".json"):
        segments[-1] = segments[-1][: -len(".json")]
    if not segments or len(segments) > 3:
        return None
    if segments[0].isdecimal() and len(segments) <= 2:
        topic_id = segments[0]  # /t/ID or /t/ID/POST
    elif len(segments) >= 2 and segments[1].isdecimal() and (len(segments) == 2 or segments[2].isdecimal()):
        topic_id = segments[1]  # /t/SLUG/ID or /t/SLUG/ID/POST
    else:
        return None
    return f"{parts.scheme}://{parts.netloc}{m.group('prefix')}", topic_id


def _tags(topic: dict[str, Any]) -> list[str]:
    tags = topic.get("tags")
    out: list[str] = []
    for tag in tags if isinstance(tags, list) else []:
        name = text_or_none(tag.get("name") if isinstance(tag, dict) else tag)
        if name:
            out.append(name)
    return out


def _posts_of(response: Any, where: str) -> list[dict[str, Any]]:
    expect(response, dict, where, "the response")
    posts = expect(get_in(response, "post_stream", "posts"), list, where, "post_stream.posts")
    for post in posts:
        expect(post, dict, where, "a post in post_stream.posts")
    return posts


def thread_from_discourse_topic(
    topic_json: Any,
    posts: list[dict[str, Any]] | None = None,
    base_url: str | None = None,
    *,
    first_post_as_article: bool = True,
    url: str | None = None,
) -> Thread:
    """A Thread from a /t/{id}.json response plus any posts fetched later (posts.json).

    `base_url` (the site, e.g. https://meta.discourse.org) makes permalinks and author links;
    without it they are left out. `url` names the source in messages and in source.url.
    """
    where = url or "Discourse topic"
    topic = expect(topic_json, dict, where, "the topic")
    topic_id = id_of(topic.get("id"), where, "the topic")
    stream = get_in(topic, "post_stream", "stream")
    stream = [str(s) for s in stream if isinstance(s, (int, str))] if isinstance(stream, list) else []

    by_id: dict[str, dict[str, Any]] = {}
    for post in _posts_of(topic, where) + list(posts or []):
        expect(post, dict, where, "a post")
        by_id.setdefault(id_of(post.get("id"), where, "a post"), post)
    order = [pid for pid in stream if pid in by_id]
    rest = sorted((pid for pid in by_id if pid not in set(order)), key=lambda p: _number(by_id[p]) or 0)
    ordered = [by_id[pid] for pid in order + rest]
    not_returned = sum(1 for pid in dict.fromkeys(stream) if pid not in by_id)

    base = base_url.rstrip("/") if base_url else None
    slug = text_or_none(topic.get("slug")) or "topic"
    topic_url = f"{base}/t/{slug}/{topic_id}" if base else url
    first = next((p for p in ordered if _number(p) == 1), None)
    op_username = text_or_none((first or {}).get("username")) or text_or_none(
        get_in(topic, "details", "created_by", "username")
    )

    def author_of(post: dict[str, Any]):
        username = text_or_none(post.get("username"))
        name = text_or_none(post.get("name")) or username
        link = f"{base}/u/{username}" if base and username else None
        return make_author(name, link, is_post_author=bool(username and username == op_username))

    article = Article(
        title=text_or_none(topic.get("title")),
        author=author_of(first) if first else make_author(op_username),
        published=iso_date(topic.get("created_at")) or iso_date((first or {}).get("created_at")),
        updated=iso_date((first or {}).get("updated_at")) if first_post_as_article else None,
        labels=_tags(topic),
        url=topic_url,
    )
    if first is not None and first_post_as_article:
        article.html, article.text = sanitized(first.get("cooked"))

    flat: list[Comment] = []
    by_number: dict[int, str] = {}
    reply_to: dict[str, int] = {}
    for post in ordered:
        number = _number(post)
        if post is first and first_post_as_article:
            continue
        if post.get("post_type") == SMALL_ACTION:
            continue
        cid = str(post["id"])
        html, text = sanitized(post.get("cooked"))
        flat.append(
            Comment(
                id=cid,
                html=html,
                text=text,
                author=author_of(post),
                published=iso_date(post.get("created_at")),
                permalink=f"{topic_url}/{number}" if base and number else None,
                deleted=bool(post.get("deleted_at")) or post.get("user_deleted") is True,
            )
        )
        if number is not None:
            by_number[number] = cid
        target = _number(post, "reply_to_post_number")
        if target is not None:
            reply_to[cid] = target
    parents = {cid: by_number.get(target) for cid, target in reply_to.items()}
    comments = build_tree(flat, parents)
    number_comments(comments)
    return Thread(
        source=Source(url=topic_url, final_url=topic_url, fetched_at=now_iso(), platform="discourse"),
        article=article,
        comments=comments,
        not_archived=not_returned,
    )


def _number(post: dict[str, Any], key: str = "post_number") -> int | None:
    value = post.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdecimal():
        return int(value)
    return None


def posts_url(base: str, topic_id: str, post_ids: list[str]) -> str:
    return f"{base}/t/{topic_id}/posts.json?" + urlencode([("post_ids[]", pid) for pid in post_ids])


class DiscourseSite(Site):
    """Any Discourse site's /t/SLUG/ID topic, archived from /t/ID.json (+ /t/ID/posts.json);
    saved topic JSON is read too."""

    name = "discourse"
    description = "Discourse topics, on any host (/t/SLUG/ID, through /t/ID.json)"
    CASES = (Case("corpus/other/try.discourse.org_topic57.json", comments=4),)

    def matches_url(self, url: str) -> bool:
        return parse_topic_url(url) is not None

    def archive_url(self, url: str, ctx: Completion) -> Thread:
        return self.archive(url, ctx.json, api_base=ctx.api_base(self.name))

    def from_saved(self, raw: bytes, data: Any, url: str | None) -> Thread | None:
        if isinstance(data, dict) and "post_stream" in data:
            return thread_from_discourse_topic(data, base_url=url, url=url, first_post_as_article=False)
        return None

    def archive(
        self,
        url: str,
        get_json: GetJson,
        *,
        api_base: str | None = None,
        first_post_as_article: bool = True,
    ) -> Thread:
        parsed = parse_topic_url(url)
        if parsed is None:
            raise malformed(url, "not a Discourse topic URL (/t/SLUG/ID)")
        site, topic_id = parsed
        api = (api_base or site).rstrip("/")
        topic_url = f"{api}/t/{topic_id}.json"
        topic = get_json(topic_url)
        have = {str(p.get("id")) for p in _posts_of(topic, topic_url)}
        stream = get_in(topic, "post_stream", "stream")
        if stream is not None:
            expect(stream, list, topic_url, "post_stream.stream")
        missing = list(dict.fromkeys(str(s) for s in stream or [] if str(s) not in have))
        extra: list[dict[str, Any]] = []
        for i in range(0, len(missing), CHUNK):
            chunk_url = posts_url(api, topic_id, missing[i : i + CHUNK])
            extra.extend(_posts_of(get_json(chunk_url), chunk_url))
        thread = thread_from_discourse_topic(
            topic, extra, site, first_post_as_article=first_post_as_article, url=topic_url
        )
        thread.source.url = with_scheme(url)
        return thread
