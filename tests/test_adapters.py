"""API adapters (issue 5, part 3): HN, Reddit, Discourse, Disqus, against a real 127.0.0.1 server.

The fixtures follow the platforms' documented JSON shapes (Algolia HN items, Reddit listings,
Discourse /t/{id}.json and posts.json, Disqus threads/listPosts); the Discourse topic of the
corpus is a real response. The JSON GETs go through httpx, as the CLI's fetcher does.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from corpus import CORPUS, needs_corpus
from server import Request, Resp
from threadkeep.errors import ExtractError, FetchError
from threadkeep.model import Thread
from threadkeep.sites import Site, registry
from threadkeep.sites import site_for_url as adapter_for_url
from threadkeep.sites.discourse import parse_topic_url, thread_from_discourse_topic
from threadkeep.sites.disqus import DISQUS_KEY_ENV, NOTE_NO_KEY, disqus_placeholder, embed_url
from threadkeep.sites.hn import thread_from_hn_item
from threadkeep.sites.reddit import thread_from_reddit_listing
from threadkeep.tree import MAX_DEPTH

DISCOURSE_TOPIC = CORPUS / "other" / "try.discourse.org_topic57.json"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


# ---------------------------------------------------------------------- helpers


@pytest.fixture
def get_json():
    """URL -> parsed JSON through httpx; a non-200 answer is a FetchError (as the fetcher's)."""
    client = httpx.Client(timeout=10)

    def get(url: str) -> Any:
        try:
            resp = client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise FetchError(url, str(exc)) from None
        if resp.status_code != 200:
            raise FetchError(url, f"HTTP {resp.status_code}", status=resp.status_code)
        return resp.json()

    yield get
    client.close()


def json_resp(data: Any) -> Resp:
    return Resp(200, json.dumps(data), {"Content-Type": "application/json; charset=utf-8"})


def by_number(thread: Thread) -> dict[str, Any]:
    return {c.number: c for c in thread.all_comments()}


def shape(thread: Thread) -> list[tuple[str, str, str | None]]:
    """(number, id, parent id) of every comment in reading order."""
    return [(c.number, c.id, c.parent_id) for c in thread.all_comments()]


def assert_common(thread: Thread, platform: str) -> None:
    assert thread.source.platform == platform
    assert ISO.match(thread.source.fetched_at or "")
    for c in thread.all_comments():
        assert c.published is None or ISO.match(c.published), c.published
        assert "<script" not in c.html.lower() and "alert(" not in c.html
        assert "alert(" not in c.text
        assert "onerror" not in c.html and "javascript:" not in c.html
        expected_depth = c.number.count(".") + 1
        assert c.depth == expected_depth
    json.dumps(thread.to_dict())  # the archive serializes


# ---------------------------------------------------------------------- registry


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://news.ycombinator.com/item?id=8863", "hn"),
        ("news.ycombinator.com/item?id=8863", "hn"),
        ("https://www.reddit.com/r/science/comments/abc123/a_title/", "reddit"),
        ("https://old.reddit.com/r/science/comments/abc123/a_title/def456/", "reddit"),
        ("https://meta.discourse.org/t/some-topic/12345", "discourse"),
        ("https://meta.discourse.org/t/some-topic/12345/7", "discourse"),
        ("https://forum.example.org/community/t/12345.json", "discourse"),
        ("https://try.discourse.org/t/57", "discourse"),
        (embed_url("myblog", "post-42", "https://blog.example.org/post-42"), "disqus"),
        ("https://news.ycombinator.com/news", None),
        ("https://news.ycombinator.com/item?id=abc", None),
        ("https://www.reddit.com/r/science/", None),
        ("https://example.blogspot.com/2020/01/post.html", None),
        ("https://example.org/t/", None),
        ("https://example.org/t/a/b/c/d", None),
        ("https://disqus.com/embed/comments/?f=myblog", None),
        ("", None),
    ],
)
def test_adapter_for_url(url: str, name: str | None) -> None:
    adapter = adapter_for_url(url)
    assert (adapter.name if adapter else None) == name
    if name:  # claimed by its own adapter and no other
        assert [a.name for a in registry() if a.matches_url(url)] == [name]


def test_registry_order_and_names() -> None:
    api_sites = [a.name for a in registry() if type(a).matches_url is not Site.matches_url]
    assert api_sites == ["hn", "reddit", "disqus", "discourse"]


def test_discourse_url_parsing() -> None:
    assert parse_topic_url("https://meta.discourse.org/t/slug/123/4") == ("https://meta.discourse.org", "123")
    assert parse_topic_url("https://x.org/forum/t/slug/123") == ("https://x.org/forum", "123")
    assert parse_topic_url("https://x.org/t/123/4") == ("https://x.org", "123")
    assert parse_topic_url("https://x.org/t/57.json") == ("https://x.org", "57")
    assert parse_topic_url("https://x.org/t/slug") is None


# ---------------------------------------------------------------------- Hacker News


def hn_story() -> dict[str, Any]:
    def item(id_, author, text, parent, children=(), t=1_700_000_100):
        return {
            "id": id_,
            "created_at": f"2023-11-14T22:{(t // 60) % 60:02d}:{t % 60:02d}.000Z",
            "created_at_i": t,
            "type": "comment",
            "author": author,
            "title": None,
            "url": None,
            "text": text,
            "points": None,
            "parent_id": parent,
            "story_id": 100,
            "options": [],
            "children": list(children),
        }

    return {
        "id": 100,
        "created_at": "2023-11-14T22:13:20.000Z",
        "created_at_i": 1_700_000_000,
        "type": "story",
        "author": "pg",
        "title": "Ask HN: What do you archive?",
        "url": None,
        "text": "I keep <i>everything</i>.<p>Do you?<script>alert(1)</script>",
        "points": 42,
        "parent_id": None,
        "story_id": 100,
        "options": [],
        "children": [
            item(
                101,
                "alice",
                'Mostly papers.<p>See <a href="https://example.org/x" onclick="x()">this</a>',
                100,
                [
                    item(103, "pg", "Which ones?", 101, [item(105, "alice", "Preprints.", 103)]),
                    item(104, None, None, 101, [item(106, "carol", "Replying to a deleted one", 104)]),
                ],
            ),
            item(102, "bob", '<img src=x onerror="alert(2)">Nothing<script>alert(3)</script>', 100),
        ],
    }


def test_hn_against_server(server, get_json) -> None:
    server.route("/api/v1/items/100", json_resp(hn_story()))
    url = "https://news.ycombinator.com/item?id=100"
    adapter = adapter_for_url(url)
    thread = adapter.archive(url, get_json, api_base=server.url("/api/v1"))

    assert [r.path for r in server.requests] == ["/api/v1/items/100"]
    assert_common(thread, "hn")
    a = thread.article
    assert a.title == "Ask HN: What do you archive?"
    assert a.author.name == "pg" and a.author.url == "https://news.ycombinator.com/user?id=pg"
    assert a.published == "2023-11-14T22:13:20+00:00"
    assert a.url == "https://news.ycombinator.com/item?id=100"
    assert a.text == "I keep everything.\n\nDo you?"
    assert "<script" not in a.html
    assert thread.source.url == url

    assert shape(thread) == [
        ("1", "101", None),
        ("1.1", "103", "101"),
        ("1.1.1", "105", "103"),
        ("1.2", "104", "101"),
        ("1.2.1", "106", "104"),
        ("2", "102", None),
    ]
    c = by_number(thread)
    assert c["1"].author.name == "alice" and not c["1"].author.is_post_author
    assert c["1"].text == "Mostly papers.\n\nSee this"
    assert 'href="https://example.org/x"' in c["1"].html and "onclick" not in c["1"].html
    assert c["1.1"].author.is_post_author  # pg wrote the story
    assert c["1.1"].permalink == "https://news.ycombinator.com/item?id=103"
    assert c["1.2"].deleted and c["1.2"].author.name is None and c["1.2"].text == ""
    assert not c["1.2.1"].deleted
    assert c["2"].text == "Nothing"
    assert thread.stats() == {"comments": 6, "top_level": 2, "max_depth": 3, "deleted": 1}
    assert thread.not_archived == 0


def test_hn_link_story_and_http_error(server, get_json) -> None:
    story = {"id": 7, "type": "story", "author": "x", "title": "A link", "url": "https://example.org/a", "children": []}
    server.route("/api/v1/items/7", json_resp(story))
    thread = adapter_for_url("https://news.ycombinator.com/item?id=7").archive(
        "https://news.ycombinator.com/item?id=7", get_json, api_base=server.url("/api/v1")
    )
    assert thread.article.url == "https://example.org/a" and thread.comments == []
    with pytest.raises(FetchError) as err:
        adapter_for_url("https://news.ycombinator.com/item?id=8").archive(
            "https://news.ycombinator.com/item?id=8", get_json, api_base=server.url("/api/v1")
        )
    assert err.value.status == 404


def test_hn_deep_tree_without_recursion() -> None:
    depth = 5000  # far beyond Python's recursion limit
    root: dict[str, Any] = {"id": 1, "type": "story", "title": "deep", "children": []}
    node = root
    for i in range(2, depth + 2):
        child = {"id": i, "type": "comment", "author": "u", "text": f"c{i}", "children": []}
        node["children"].append(child)
        node = child
    thread = thread_from_hn_item(root)
    comments = list(thread.all_comments())
    # every comment kept, in order; nesting past MAX_DEPTH is flattened one level above it
    assert [c.id for c in comments] == [str(i) for i in range(2, depth + 2)]
    assert comments[MAX_DEPTH - 1].depth == MAX_DEPTH and comments[-1].depth == MAX_DEPTH
    assert thread.stats()["max_depth"] == MAX_DEPTH


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        ([], "the item should be an object"),
        ({"title": "no id"}, "the item has no id"),
        ({"id": 1, "children": "nope"}, "the children of item 1 should be a list"),
        ({"id": 1, "children": [{"text": "x"}]}, "a child of item 1 has no id"),
        ({"id": 1, "children": [{"id": 2, "children": [5]}]}, "a child of item 2 should be an object"),
    ],
)
def test_hn_malformed(item: Any, missing: str) -> None:
    with pytest.raises(ExtractError) as err:
        thread_from_hn_item(item, url="http://127.0.0.1/api/v1/items/1")
    msg = str(err.value)
    assert msg.startswith("http://127.0.0.1/api/v1/items/1: ") and missing in msg and "\n" not in msg


# ---------------------------------------------------------------------- Reddit


def esc(fragment: str) -> str:
    """Reddit's legacy escaping of *_html fields (without raw_json=1)."""
    return html.escape(fragment, quote=True)


def t1(id_, author, body, parent, replies=None, *, submitter=False, t=1_700_000_100.0, escaped=True):
    body_html = f'<div class="md"><p>{body}</p>\n</div>'
    return {
        "kind": "t1",
        "data": {
            "id": id_,
            "name": f"t1_{id_}",
            "parent_id": parent,
            "author": author,
            "body": body,
            "body_html": esc(body_html) if escaped else body_html,
            "created_utc": t,
            "permalink": f"/r/science/comments/abc123/a_title/{id_}/",
            "is_submitter": submitter,
            "replies": {"kind": "Listing", "data": {"children": replies, "after": None}} if replies else "",
        },
    }


def more(id_, count, parent, children):
    return {
        "kind": "more",
        "data": {"count": count, "name": f"t1_{id_}", "id": id_, "parent_id": parent, "children": children},
    }


def reddit_listing() -> list[dict[str, Any]]:
    post = {
        "kind": "t3",
        "data": {
            "id": "abc123",
            "name": "t3_abc123",
            "title": "Q&amp;A: archiving threads",
            "author": "op_user",
            "selftext": "Body",
            "selftext_html": esc('<div class="md"><p>Self <strong>post</strong></p><script>alert(1)</script></div>'),
            "url": "https://www.reddit.com/r/science/comments/abc123/a_title/",
            "is_self": True,
            "permalink": "/r/science/comments/abc123/a_title/",
            "created_utc": 1_700_000_000.0,
            "subreddit_name_prefixed": "r/science",
            "edited": False,
        },
    }
    comments = [
        t1(
            "c1",
            "alice",
            "First <em>top</em> comment",
            "t3_abc123",
            [
                t1("c2", "op_user", "OP answers", "t1_c1", submitter=True, escaped=False),
                t1("c3", "[deleted]", "[deleted]", "t1_c1", [t1("c4", "bob", "still here", "t1_c3")]),
                more("m1", 7, "t1_c1", ["x1", "x2", "x3", "x4", "x5", "x6", "x7"]),
            ],
        ),
        t1("c5", "carol", 'bad <img src=x onerror="alert(2)"> html', "t3_abc123"),
        more("m2", 12, "t3_abc123", ["y1", "y2"]),
        more("_", 0, "t1_c5", []),  # "continue this thread"
    ]
    return [
        {"kind": "Listing", "data": {"children": [post], "after": None}},
        {"kind": "Listing", "data": {"children": comments, "after": None}},
    ]


def test_reddit_against_server(server, get_json) -> None:
    server.route("/r/science/comments/abc123/a_title.json", json_resp(reddit_listing()))
    url = "https://www.reddit.com/r/science/comments/abc123/a_title/"
    thread = adapter_for_url(url).archive(url, get_json, api_base=server.url("/"))

    (req,) = server.requests
    assert req.path.startswith("/r/science/comments/abc123/a_title.json") and req.query.get("raw_json") == "1"
    assert_common(thread, "reddit")
    a = thread.article
    assert a.title == "Q&A: archiving threads"
    assert a.author.name == "op_user" and a.author.url == "https://www.reddit.com/user/op_user"
    assert a.published == "2023-11-14T22:13:20Z"
    assert a.text == "Self post" and "<strong>post</strong>" in a.html and "script" not in a.html
    assert a.url == "https://www.reddit.com/r/science/comments/abc123/a_title/"
    assert a.labels == ["r/science"]

    assert shape(thread) == [
        ("1", "c1", None),
        ("1.1", "c2", "c1"),
        ("1.2", "c3", "c1"),
        ("1.2.1", "c4", "c3"),
        ("2", "c5", None),
    ]
    c = by_number(thread)
    assert c["1"].text == "First top comment" and "<em>top</em>" in c["1"].html
    assert c["1"].published == "2023-11-14T22:15:00Z"
    assert c["1"].permalink == "https://www.reddit.com/r/science/comments/abc123/a_title/c1/"
    assert c["1.1"].author.is_post_author and c["1.1"].text == "OP answers"  # raw (unescaped) body_html too
    assert c["1.2"].deleted and c["1.2"].author.name is None and c["1.2"].text == "[deleted]"
    assert not c["1.2.1"].deleted and c["1.2.1"].author.name == "bob"
    assert c["2"].text == "bad html" and "onerror" not in c["2"].html
    # the `more` stubs: 7 + 12 + 1 ("continue this thread") comments not archived
    assert thread.not_archived == 20
    assert thread.to_dict()["stats"]["not_archived"] == 20
    assert thread.stats()["deleted"] == 1


@pytest.mark.parametrize(
    ("listing", "missing"),
    [
        ({"kind": "Listing"}, "the response (a [post, comments] pair of listings) should be a list"),
        ([{"kind": "Listing", "data": {"children": []}}], "pair of listings, got 1 item"),
        ([{"kind": "Listing", "data": {}}, {}], "the post listing data.children should be a list but is missing"),
        ([{"data": {"children": [{"kind": "t1", "data": {}}]}}, {}], "the post listing has no t3"),
        (
            [{"data": {"children": [{"kind": "t3", "data": {}}]}}, {"data": {"children": [{"kind": "t1"}]}}],
            "the data of a t1 in the comments listing should be an object",
        ),
        (
            [
                {"data": {"children": [{"kind": "t3", "data": {}}]}},
                {"data": {"children": [{"kind": "t1", "data": {}}]}},
            ],
            "a comment in the comments listing has no id",
        ),
    ],
)
def test_reddit_malformed(listing: Any, missing: str) -> None:
    with pytest.raises(ExtractError) as err:
        thread_from_reddit_listing(listing, url="http://127.0.0.1/r/x/comments/y.json")
    assert str(err.value).startswith("http://127.0.0.1/r/x/comments/y.json: ") and missing in str(err.value)


def test_reddit_deep_tree_without_recursion() -> None:
    depth = 3000
    leaf = t1("d0", "u", "leaf", "t1_x")
    node = leaf
    for i in range(1, depth):
        node = t1(f"d{i}", "u", f"level {i}", "t1_x", [node])
    post = {"kind": "t3", "data": {"id": "p", "title": "deep", "author": "u", "permalink": "/r/a/comments/p/deep/"}}
    thread = thread_from_reddit_listing([{"data": {"children": [post]}}, {"data": {"children": [node]}}])
    assert thread.stats()["max_depth"] == MAX_DEPTH and thread.stats()["comments"] == depth


# ---------------------------------------------------------------------- Discourse


def load_corpus_topic() -> dict[str, Any]:
    return json.loads(DISCOURSE_TOPIC.read_text(encoding="utf-8"))


@needs_corpus
def test_discourse_corpus_topic_offline() -> None:
    """MANIFEST: 4 posts (approx lower bound), max depth 2, one post has reply_to_post_number.

    The opening post is the article, so 3 posts are comments; the reply (post 14) is to post 1,
    i.e. to the article: top level. With first_post_as_article=False the 4 posts are all comments
    and the reply nests under post 1: the MANIFEST's counts exactly (4 comments, max depth 2).
    """
    topic = load_corpus_topic()
    thread = thread_from_discourse_topic(topic, base_url="https://try.discourse.org")
    assert_common(thread, "discourse")
    a = thread.article
    assert a.title == "THIS SITE IS A SANDBOX -- it is reset every day"
    assert a.author.name == "Sam Saffron" and a.author.url == "https://try.discourse.org/u/samsaffron"
    assert a.published == "2013-02-04T15:26:25.977000-05:00"
    assert a.url == "https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57"
    assert a.text.startswith("Welcome!\n\nTry is a sandbox")
    assert "please flag it" in a.text
    assert shape(thread) == [("1", "84", None), ("2", "86", None), ("3", "226", None)]
    c = by_number(thread)
    assert c["1"].author.is_post_author
    assert c["1"].text == "This topic is now pinned. It will appear at the top of its category."
    assert '<img src="http://i288.photobucket.com/albums/ll164/stienman/ahh.gif"' in c["2"].html
    assert c["3"].author.name == "Stefan Plattner"
    assert c["3"].published == "2013-02-05T12:14:17.364000-05:00"
    assert c["3"].permalink == "https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57/14"
    assert c["3"].text == "What? So I have to post this every day?"
    # every post of the stream is archived: the article + 3 comments = the 4 posts
    assert len(topic["post_stream"]["stream"]) == 4 and 1 + thread.stats()["comments"] == 4
    assert thread.not_archived == 0

    as_comments = thread_from_discourse_topic(topic, first_post_as_article=False)
    assert as_comments.stats() == {"comments": 4, "top_level": 3, "max_depth": 2, "deleted": 0}
    assert shape(as_comments) == [("1", "83", None), ("1.1", "226", "83"), ("2", "84", None), ("3", "86", None)]
    assert as_comments.article.title == a.title and as_comments.article.html == ""
    assert by_number(as_comments)["1"].text.startswith("Welcome!")


def discourse_post(id_, number, username, cooked, reply_to=None, **extra):
    return {
        "id": id_,
        "name": username.title(),
        "username": username,
        "avatar_template": f"/user_avatar/forum.example.org/{username}/{{size}}/1.png",
        "created_at": f"2024-03-01T10:{number % 60:02d}:00.000Z",
        "cooked": cooked,
        "post_number": number,
        "post_type": extra.pop("post_type", 1),
        "updated_at": "2024-03-01T12:00:00.000Z",
        "reply_count": 0,
        "reply_to_post_number": reply_to,
        "topic_id": 42,
        "topic_slug": "a-topic",
        "deleted_at": extra.pop("deleted_at", None),
        "hidden": False,
        "user_deleted": extra.pop("user_deleted", False),
        **extra,
    }


def test_discourse_against_server(server, get_json) -> None:
    first = [
        discourse_post(1001, 1, "olive", "<p>Opening post<script>alert(1)</script></p>"),
        discourse_post(1002, 2, "pete", "<p>Top level</p>"),
        discourse_post(1003, 3, "quinn", "<p>Reply to 2</p>", reply_to=2),
        discourse_post(1004, 4, "system", "", post_type=3, action_code="closed.enabled"),
        discourse_post(1005, 5, "olive", "<p>Reply to the opening post</p>", reply_to=1),
    ]
    # 25 more posts in the stream, not in the first response: two posts.json chunks (20 + 5)
    later_ids = list(range(2001, 2026))
    later = {}
    for i, pid in enumerate(later_ids):
        number = 6 + i
        reply_to = 3 if pid == 2001 else (number - 1 if pid == 2002 else None)
        extra = {"user_deleted": True} if pid == 2010 else {}
        cooked = f'<p>Later {number} <img src=x onerror="alert({number})"></p>'
        later[pid] = discourse_post(pid, number, f"user{i}", cooked, reply_to=reply_to, **extra)
    gone = 2025  # in the stream, never returned (deleted): counted in not_archived
    del later[gone]
    topic = {
        "id": 42,
        "title": "A topic",
        "fancy_title": "A topic",
        "slug": "a-topic",
        "created_at": "2024-03-01T10:00:00.000Z",
        "posts_count": 30,
        "tags": ["archiving", {"id": 3, "name": "json", "slug": "json"}],
        "post_stream": {"posts": first, "stream": [p["id"] for p in first] + later_ids},
        "details": {"created_by": {"id": 1, "username": "olive"}},
    }
    server.route("/forum/t/42.json", json_resp(topic))

    def posts_json(req: Request) -> Resp:
        ids = parse_qs(urlsplit(req.path).query).get("post_ids[]", [])
        return json_resp({"post_stream": {"posts": [later[int(i)] for i in ids if int(i) in later]}, "id": 42})

    server.route("/forum/t/42/posts.json", posts_json)

    url = "https://forum.example.org/forum/t/a-topic/42/3"
    thread = adapter_for_url(url).archive(url, get_json, api_base=server.url("/forum"))

    paths = [r.path for r in server.requests]
    assert paths[0] == "/forum/t/42.json"
    chunks = [parse_qs(urlsplit(p).query)["post_ids[]"] for p in paths[1:]]
    assert [len(ch) for ch in chunks] == [20, 5]
    assert [int(i) for ch in chunks for i in ch] == later_ids

    assert_common(thread, "discourse")
    a = thread.article
    assert a.title == "A topic" and a.text == "Opening post" and "script" not in a.html
    assert a.url == "https://forum.example.org/forum/t/a-topic/42"
    assert a.labels == ["archiving", "json"]
    assert a.author.url == "https://forum.example.org/forum/u/olive"

    numbers = {c.id: c for c in thread.all_comments()}
    assert "1001" not in numbers and "1004" not in numbers  # the article; a small action
    assert numbers["1002"].number == "1"
    assert (numbers["1003"].number, numbers["1003"].parent_id) == ("1.1", "1002")
    assert (numbers["2001"].number, numbers["2001"].parent_id) == ("1.1.1", "1003")  # from posts.json
    assert (numbers["2002"].number, numbers["2002"].parent_id) == ("1.1.1.1", "2001")
    assert (numbers["1005"].number, numbers["1005"].parent_id) == ("2", None)  # reply to the article
    assert numbers["1005"].author.is_post_author
    assert numbers["2003"].number == "3"
    assert numbers["2010"].deleted and not numbers["2009"].deleted
    assert numbers["2003"].published == "2024-03-01T10:08:00+00:00"
    assert numbers["2003"].permalink == "https://forum.example.org/forum/t/a-topic/42/8"
    assert numbers["2003"].text == "Later 8"
    assert thread.stats()["comments"] == 3 + 24
    assert thread.not_archived == 1
    assert thread.source.url == url


def test_discourse_malformed(server, get_json) -> None:
    server.route("/t/9.json", json_resp({"id": 9, "post_stream": {"stream": [1]}}))
    url = "https://f.example/t/x/9"
    with pytest.raises(ExtractError) as err:
        adapter_for_url(url).archive(url, get_json, api_base=server.url("/"))
    expected = "unexpected API response: post_stream.posts should be a list but is missing"
    assert str(err.value) == f"{server.url('/t/9.json')}: {expected}"
    with pytest.raises(ExtractError, match="the topic has no id"):
        thread_from_discourse_topic({"post_stream": {"posts": []}})


# ---------------------------------------------------------------------- Disqus


def disqus_post(id_, parent, message, *, name="Reader", username="reader", deleted=False, minute=0):
    return {
        "id": str(id_),
        "parent": parent,
        "message": message,
        "raw_message": re.sub(r"<[^>]+>", "", message),
        "createdAt": f"2021-05-04T08:{minute:02d}:00",
        "isDeleted": deleted,
        "isApproved": True,
        "author": {"name": name, "username": username, "profileUrl": f"https://disqus.com/by/{username}/"},
        "thread": "7788",
        "forum": "myblog",
    }


def test_disqus_with_key_two_pages(server, get_json) -> None:
    page1 = [
        disqus_post(1, None, "<p>First!</p>", name="Ann", username="ann", minute=1),
        disqus_post(2, 1, "<p>Reply to Ann <script>alert(1)</script></p>", name="Ben", username="ben", minute=2),
        disqus_post(3, None, "", name="", username="", deleted=True, minute=3),
    ]
    page2 = [
        disqus_post(4, 3, "<p>Reply to a deleted one</p>", minute=4),
        disqus_post(5, 2, '<p>Deeper <a href="javascript:alert(2)">x</a></p>', minute=5),
        disqus_post(6, 99, "<p>Parent not returned</p>", minute=6),
    ]
    page2[0]["thread"] = {"id": "7788", "title": "My post", "link": "https://blog.example.org/post-42"}

    def list_posts(req: Request) -> Resp:
        if req.query.get("cursor") == "1620115200:0:0":
            return json_resp({"code": 0, "cursor": {"hasNext": False, "next": "x", "prev": None}, "response": page2})
        return json_resp(
            {"code": 0, "cursor": {"hasNext": True, "next": "1620115200:0:0", "prev": None}, "response": page1}
        )

    server.route("/api/3.0/threads/listPosts.json", list_posts)
    url = embed_url("myblog", "post-42", "https://blog.example.org/post-42", "My post")
    thread = adapter_for_url(url).archive(url, get_json, api_base=server.url("/api/3.0"), api_key="PUBLIC-KEY")

    assert len(server.requests) == 2
    q1, q2 = (r.query for r in server.requests)
    assert q1["forum"] == "myblog" and q1["thread:ident"] == "post-42" and q1["api_key"] == "PUBLIC-KEY"
    assert q1["limit"] == "100" and "cursor" not in q1 and q2["cursor"] == "1620115200:0:0"

    assert_common(thread, "disqus")
    assert thread.external_comments.archived is True and thread.external_comments.thread_id == "myblog:post-42"
    assert thread.article.url == "https://blog.example.org/post-42" and thread.article.title == "My post"
    assert shape(thread) == [
        ("1", "1", None),
        ("1.1", "2", "1"),
        ("1.1.1", "5", "2"),
        ("2", "3", None),
        ("2.1", "4", "3"),
        ("3", "99", None),  # a deleted placeholder for the parent the API did not return
        ("3.1", "6", "99"),
    ]
    c = by_number(thread)
    assert c["1"].author.name == "Ann" and c["1"].author.url == "https://disqus.com/by/ann/"
    assert c["1"].published == "2021-05-04T08:01:00+00:00"
    assert c["1"].permalink == "https://blog.example.org/post-42#comment-1"
    assert c["1.1"].text == "Reply to Ann" and "script" not in c["1.1"].html
    assert "javascript:" not in c["1.1.1"].html
    assert c["2"].deleted and c["2"].author.name is None
    assert c["3"].deleted and c["3"].text == ""
    assert thread.stats()["deleted"] == 2


def test_disqus_without_key_is_a_placeholder(server, get_json, monkeypatch) -> None:
    monkeypatch.delenv(DISQUS_KEY_ENV, raising=False)
    server.route("/api/3.0/threads/listPosts.json", json_resp({"code": 0, "response": []}))
    url = embed_url("myblog", "post-42", "https://blog.example.org/post-42")
    thread = adapter_for_url(url).archive(url, get_json, api_base=server.url("/api/3.0"))
    assert server.requests == []  # nothing fetched without a key
    assert thread.comments == [] and thread.source.platform == "disqus"
    ext = thread.to_dict()["external_comments"]
    assert ext == {"service": "disqus", "archived": False, "note": NOTE_NO_KEY, "thread_id": "myblog:post-42"}
    assert "--disqus-key" in NOTE_NO_KEY and DISQUS_KEY_ENV in NOTE_NO_KEY
    assert disqus_placeholder("myblog", "post-42") == thread.external_comments
    assert disqus_placeholder("myblog", None).thread_id == "myblog"


def test_disqus_api_error_hides_the_key(server, get_json) -> None:
    server.route("/api/3.0/threads/listPosts.json", json_resp({"code": 2, "response": "Invalid argument, 'thread'"}))
    url = embed_url("myblog", "nope")
    with pytest.raises(ExtractError) as err:
        adapter_for_url(url).archive(url, get_json, api_base=server.url("/api/3.0"), api_key="SECRET123")
    msg = str(err.value)
    assert "Disqus API error 2: Invalid argument, 'thread'" in msg and "SECRET123" not in msg and "api_key=***" in msg

    server.route("/api/3.0/threads/listPosts.json", json_resp({"code": 0, "cursor": {}, "response": {"x": 1}}))
    with pytest.raises(ExtractError, match="response \\(the list of posts\\) should be a list but is a dict"):
        adapter_for_url(url).archive(url, get_json, api_base=server.url("/api/3.0"), api_key="SECRET123")


def test_disqus_cursor_loop_stops(server, get_json) -> None:
    """A cursor that repeats itself does not loop forever."""
    server.route(
        "/api/3.0/threads/listPosts.json",
        json_resp({"code": 0, "cursor": {"hasNext": True, "next": "same"}, "response": [disqus_post(1, None, "hi")]}),
    )
    url = embed_url("myblog", "loop")
    thread = adapter_for_url(url).archive(url, get_json, api_base=server.url("/api/3.0"), api_key="k")
    assert len(server.requests) == 2  # first page, then the cursor once
    assert [c.id for c in thread.comments] == ["1"]


# ---------------------------------------------------------------------- the same archive


@needs_corpus
def test_archives_validate_against_schema(server, get_json) -> None:
    """Every adapter's thread is a valid archive."""
    from threadkeep.store import validation_errors

    threads = [
        thread_from_hn_item(hn_story()),
        thread_from_reddit_listing(reddit_listing()),
        thread_from_discourse_topic(load_corpus_topic(), base_url="https://try.discourse.org"),
    ]
    url = embed_url("myblog", "post-42")
    threads.append(adapter_for_url(url).archive(url, get_json))
    for thread in threads:
        assert validation_errors(thread.to_dict()) == []


def test_disqus_placeholder_matches_the_page_detection() -> None:
    """The HTML side (extract.base.disqus_embed) and the adapter say the same thing."""
    from threadkeep.html.page import Page
    from threadkeep.sites.disqus import disqus_embed

    page = Page(
        '<html><body><div id="disqus_thread"></div><script>var disqus_shortname = "myblog";'
        ' var disqus_identifier = "post-42";</script></body></html>',
        "https://blog.example.org/post-42",
    )
    assert disqus_embed(page) == disqus_placeholder("myblog", "post-42")
