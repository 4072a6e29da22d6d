"""Blogger comment feeds: the seed's JSON comment feed, paging, merging with the page, the Atom export."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from corpus import CORPUS, SEED_FEED, SEED_PAGE, SEED_URL, require
from threadkeep.errors import ExtractError
from threadkeep.html.page import Page
from threadkeep.model import Comment
from threadkeep.sites.blogger.export import parse_atom_export
from threadkeep.sites.blogger.feed import (
    FeedPage,
    feed_tree,
    feed_url,
    merge_page_and_feed,
    next_start_index,
    parse_feed_page,
)
from threadkeep.tree import number_comments, walk

EXPORT = CORPUS / "blogger-feed" / "200ok-weblog-test.blogspot.com_blogger-export.xml"

POST_ID = "5381529086432390017"
Q_ID = "7808713298211968091"  # comment 2, the one with four replies
EXPECTED = [  # number, id, parent id, published (the showComment instant)
    ("1", "3221825579658094779", None, "2016-09-05T08:12:00Z"),
    ("2", Q_ID, None, "2016-09-05T09:47:00Z"),
    ("2.1", "7461082282339189841", Q_ID, "2016-09-05T13:03:00Z"),
    ("2.2", "7134540374162170859", Q_ID, "2016-09-05T15:25:00Z"),
    ("2.3", "6253892565472141739", Q_ID, "2016-09-06T07:41:00Z"),
    ("2.4", "3117296944909505097", Q_ID, "2016-09-06T10:19:00Z"),
    ("3", "6910089488565798823", None, "2016-09-05T11:30:00Z"),
    ("4", "5660973756748925592", None, "2016-09-05T19:55:00Z"),
]


@pytest.fixture(scope="module")
def seed_json() -> dict:
    require()
    return json.loads(SEED_FEED.read_text(encoding="utf-8"))


def shape(tree: list[Comment]) -> list[tuple[str, str, str | None, str | None]]:
    number_comments(tree)
    return [(c.number, c.id, c.parent_id, c.published) for c in walk(tree)]


def split_pages(data: dict, size: int) -> list[dict]:
    """The feed cut into pages of at most `size` entries, with the openSearch fields a server would send."""
    entries = data["feed"]["entry"]
    pages = []
    for start in range(0, len(entries), size):
        page = copy.deepcopy(data)
        page["feed"]["entry"] = copy.deepcopy(entries[start : start + size])
        page["feed"]["openSearch$startIndex"] = {"$t": str(start + 1)}
        page["feed"]["openSearch$itemsPerPage"] = {"$t": str(size)}
        page["feed"]["openSearch$totalResults"] = {"$t": str(len(entries))}
        pages.append(page)
    return pages


# ---------------------------------------------------------------------- feed_url


def test_feed_url_keeps_the_blog_host_and_pages():
    url = feed_url(SEED_URL + "?m=1#comments", POST_ID, start_index=151, max_results=150)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "multiple-sclerosis-research.blogspot.com",
        f"/feeds/{POST_ID}/comments/default",
    )
    assert parse_qs(parts.query) == {
        "alt": ["json"],
        "orderby": ["published"],
        "start-index": ["151"],
        "max-results": ["150"],
    }


def test_feed_url_custom_domain_and_bare_base():
    assert feed_url("http://www.luxuryhaven.co/2019/05/hyatt.html", "42").startswith(
        "http://www.luxuryhaven.co/feeds/42/comments/default?alt=json&orderby=published&start-index=1&max-results=500"
    )
    assert feed_url("blog.example.org", "7").startswith("https://blog.example.org/feeds/7/comments/default?")


@pytest.mark.parametrize(
    "base,post_id", [("https://x.blogspot.com/", "12a"), ("https://x.blogspot.com/", ""), ("", "1")]
)
def test_feed_url_rejects_bad_input(base, post_id):
    with pytest.raises(ExtractError):
        feed_url(base, post_id)


# ---------------------------------------------------------------------- parse_feed_page


def test_seed_feed_page_fields(seed_json):
    page = parse_feed_page(seed_json)
    assert (page.total, page.start_index, page.items_per_page, page.post_id) == (8, 1, 50, POST_ID)
    assert len(page.comments) == 8
    assert [c.id for c in page.comments] == [
        "3221825579658094779",
        Q_ID,
        "6910089488565798823",
        "7461082282339189841",
        "7134540374162170859",
        "5660973756748925592",
        "6253892565472141739",
        "3117296944909505097",
    ]  # feed order: oldest first
    replies = {cid for cid, parent in page.parents.items() if parent}
    assert replies == {"7461082282339189841", "7134540374162170859", "6253892565472141739", "3117296944909505097"}
    assert all(page.parents[cid] == Q_ID for cid in replies)
    assert sum(1 for p in page.parents.values() if p is None) == 4
    first = page.comments[0]
    assert first.published == "2016-09-05T08:12:00Z"  # showComment=1473063120000, not 09:12+01:00
    assert first.permalink == SEED_URL + "?showComment=1473063120000#c3221825579658094779"
    assert first.author.name == "Anonymous" and first.author.url is None
    assert first.text.startswith("All depends on which league you want to play in")
    second = page.comments[1]
    assert second.html.startswith("Prof G,<br><br>I had my first")
    assert second.text.startswith("Prof G,\nI had my first alememtuzumab infusion")  # html_to_text: <br> is a newline
    james = page.comments[4]
    assert james.author.name == "James"
    assert james.author.url == "https://www.blogger.com/profile/07391825562348817302"
    assert not any(c.deleted for c in page.comments)


def test_published_falls_back_to_the_entry_time_with_its_offset(seed_json):
    data = copy.deepcopy(seed_json)
    entry = data["feed"]["entry"][0]
    for link in entry["link"]:
        if link["rel"] == "alternate":
            link["href"] = SEED_URL + "#c3221825579658094779"
    assert parse_feed_page(data).comments[0].published == "2016-09-05T09:12:00+01:00"


def test_removed_stub_and_content_removed_flag_mark_deleted_in_place(seed_json):
    data = copy.deepcopy(seed_json)
    entries = data["feed"]["entry"]
    entries[0]["content"]["$t"] = "This comment has been removed by the author."
    entries[2]["content"]["$t"] = "This comment has been removed by a blog administrator."
    entries[5]["gd$extendedProperty"].append({"name": "blogger.contentRemoved", "value": "true"})
    page = parse_feed_page(data)
    assert [c.deleted for c in page.comments] == [True, False, True, False, False, True, False, False]
    assert page.comments[0].id == "3221825579658094779"  # keeps its place
    tree = feed_tree([page])
    assert [n for n, *_ in shape(tree)] == [n for n, *_ in EXPECTED]


def test_post_author_by_profile_url_or_given_name(seed_json):
    data = copy.deepcopy(seed_json)
    reply = data["feed"]["entry"][3]  # "Hi Anon, sorry I can't answer ..." (comment 2.1)
    reply["author"][0]["name"]["$t"] = "Prof G"
    reply["author"][0]["uri"] = {"$t": "https://www.blogger.com/profile/13936458325342311580"}
    impostor = data["feed"]["entry"][0]
    impostor["author"][0]["name"]["$t"] = "Prof G"  # same name, no profile
    page = parse_feed_page(data)  # the feed's author is the post's author
    flagged = [c.id for c in page.comments if c.author.is_post_author]
    assert flagged == ["7461082282339189841"]
    # Given a name only, names are compared (both "Prof G" entries then match).
    by_name = parse_feed_page(data, post_author_name="prof g")
    assert {c.id for c in by_name.comments if c.author.is_post_author} == {"7461082282339189841", impostor_id(data)}
    assert not any(c.author.is_post_author for c in parse_feed_page(data, post_author_name="James Smith").comments)
    # Anonymous never matches, even a post author named so.
    assert not any(c.author.is_post_author for c in parse_feed_page(seed_json, post_author_name="Anonymous").comments)


def impostor_id(data: dict) -> str:
    return data["feed"]["entry"][0]["id"]["$t"].rsplit("-", 1)[1]


def test_related_link_without_v2_and_thr_in_reply_to_is_not_a_parent(seed_json):
    data = copy.deepcopy(seed_json)
    for entry in data["feed"]["entry"]:
        for link in entry["link"]:
            if link["rel"] == "related":
                link["href"] = link["href"].replace("?v=2", "")
    page = parse_feed_page(data)
    assert sum(1 for p in page.parents.values() if p == Q_ID) == 4
    # every entry's thr$in-reply-to names the post; none of it is taken for a parent
    assert POST_ID not in page.parents.values()


def test_empty_feed_page_has_no_comments(seed_json):
    data = copy.deepcopy(seed_json)
    del data["feed"]["entry"]  # Blogger leaves 'entry' out past the last comment
    data["feed"]["openSearch$startIndex"] = {"$t": "9"}
    page = parse_feed_page(data)
    assert page.comments == [] and page.parents == {} and page.total == 8
    assert next_start_index(page) is None


@pytest.mark.parametrize(
    "data,fragment",
    [
        ({}, "no 'feed'"),
        ({"version": "1.0"}, "no 'feed'"),
        ([], "no 'feed'"),
        ({"feed": "x"}, "no 'feed'"),
        ({"feed": {"entry": "x"}}, "'entry'"),
        ({"feed": {"entry": [{"content": {"$t": "hi"}}]}}, "entry 1 has no comment id"),
        ({"feed": {"entry": [{"id": {"$t": "tag:blogger.com,1999:blog-1.post"}}]}}, "entry 1 has no comment id"),
        ({"feed": {"entry": [{"id": {"$t": "tag:blogger.com,1999:blog-1.post-5"}}, 7]}}, "entry 2 is not an object"),
    ],
)
def test_malformed_feed_is_an_extract_error(data, fragment):
    with pytest.raises(ExtractError) as err:
        parse_feed_page(data)
    message = str(err.value)
    assert fragment in message and "\n" not in message


def test_malformed_entry_in_the_seed_feed(seed_json):
    data = copy.deepcopy(seed_json)
    del data["feed"]["entry"][4]["id"]
    with pytest.raises(ExtractError, match="entry 5 has no comment id"):
        parse_feed_page(data)


def test_odd_but_readable_fields_are_best_effort():
    data = {
        "feed": {
            "openSearch$totalResults": {"$t": "lots"},
            "entry": [
                {
                    "id": {"$t": "tag:blogger.com,1999:blog-1.post-11"},
                    "author": [],
                    "link": "nonsense",
                    "published": {"$t": "yesterday-ish"},
                    "content": {"type": "text", "$t": "a <b>tag</b>\nand a line"},
                },
                {
                    "id": {"$t": "tag:blogger.com,1999:blog-1.post-12"},
                    "link": [{"rel": "related", "href": "https://x.blogspot.com/feeds/1/comments/default/12"}],
                    "content": {"$t": "<script>alert(1)</script><p onclick='x()'>hello</p>"},
                },
            ],
        }
    }
    page = parse_feed_page(data)
    a, b = page.comments
    assert page.total is None and page.post_id is None
    assert a.author.name == "Anonymous" and a.published is None and a.permalink is None
    assert a.text == "a <b>tag</b>\nand a line"  # type="text": shown as written, not as markup
    assert b.html == "<p>hello</p>" and b.text == "hello"
    assert page.parents == {"11": None, "12": None}  # a comment is never its own parent


# ---------------------------------------------------------------------- feed_tree and paging


def test_seed_feed_tree_numbers_and_times(seed_json):
    tree = feed_tree([parse_feed_page(seed_json)])
    assert shape(tree) == EXPECTED
    by_number = {c.number: c for c in walk(tree)}
    assert by_number["2.3"].text.startswith("Graves disease.")
    assert by_number["2.4"].author.name == "James"
    assert by_number["2.4"].depth == 2 and by_number["2"].depth == 1
    assert by_number["3"].published == "2016-09-05T11:30:00Z"


def test_feed_split_into_pages_of_five_gives_the_same_tree(seed_json):
    raw_pages = split_pages(seed_json, 5)
    assert [len(p["feed"]["entry"]) for p in raw_pages] == [5, 3]
    pages = [parse_feed_page(p) for p in raw_pages]
    assert next_start_index(pages[0]) == 6
    assert next_start_index(pages[1]) is None  # total reached
    assert shape(feed_tree(pages)) == EXPECTED
    # order of the pages and repeated pages do not matter
    assert shape(feed_tree([pages[1], pages[0], pages[1]])) == EXPECTED


def test_paging_loop_collects_everything_with_a_server_that_caps_max_results(seed_json):
    """Drive the paging the way the orchestrator does, against a server that returns 3 entries a page."""
    entries = seed_json["feed"]["entry"]
    requested_urls = []

    def serve(url: str) -> dict:
        requested_urls.append(url)
        q = parse_qs(urlsplit(url).query)
        start = int(q["start-index"][0])
        page = copy.deepcopy(seed_json)
        page["feed"]["entry"] = copy.deepcopy(entries[start - 1 : start - 1 + 3])  # ignores max-results=500
        page["feed"]["openSearch$startIndex"] = {"$t": str(start)}
        return page

    pages: list[FeedPage] = []
    start: int | None = 1
    seen: set[str] = set()
    while start is not None:
        page = parse_feed_page(serve(feed_url(SEED_URL, POST_ID, start_index=start)))
        pages.append(page)
        nxt = next_start_index(page, requested=start, seen=seen)
        seen.update(c.id for c in page.comments)
        start = nxt
    assert len(requested_urls) == 3
    assert shape(feed_tree(pages)) == EXPECTED


def test_next_start_index_stops_without_progress(seed_json):
    page = parse_feed_page(split_pages(seed_json, 5)[0])
    seen = {c.id for c in page.comments}
    assert next_start_index(page, seen=seen) is None  # the same page again
    assert next_start_index(page, seen=set()) == 6
    # a server that ignores start-index: asked for 6, answers page 1 again (startIndex 1)
    assert next_start_index(page, requested=6) is None
    # no totalResults: go on while pages come back non-empty
    page.total = None
    assert next_start_index(page) == 6
    # no startIndex in the answer: count from what was requested
    page.start_index = None
    assert next_start_index(page, requested=11) == 16


def test_feed_tree_survives_orphans_and_parent_cycles():
    def c(cid: str, minute: int) -> Comment:
        return Comment(id=cid, text=cid, published=f"2020-01-01T00:{minute:02d}:00Z")

    page = FeedPage(
        comments=[c("1", 1), c("2", 2), c("3", 3), c("4", 4), c("5", 5)],
        parents={"1": None, "2": "3", "3": "2", "4": "999", "5": "5"},
    )
    tree = feed_tree([page])
    assert sorted(c.id for c in walk(tree)) == ["1", "2", "3", "4", "5"]  # nothing lost
    number_comments(tree)
    by_id = {x.id: x for x in walk(tree)}
    assert by_id["4"].parent_id is None and by_id["5"].parent_id is None
    assert {by_id["2"].parent_id, by_id["3"].parent_id} in ({None, "2"}, {None, "3"})
    assert page.comments[0].replies == [] and page.comments[1].parent_id is None  # inputs untouched


def test_sibling_order_by_instant_across_offsets_and_ties():
    comments = [
        Comment(id="late", published="2016-09-05T10:00:00+01:00"),  # 09:00Z
        Comment(id="early", published="2016-09-05T08:30:00Z"),
        Comment(id="tie-a", published="2016-09-05T09:30:00Z"),
        Comment(id="tie-b", published="2016-09-05T10:30:00+01:00"),  # 09:30Z, after tie-a in feed order
        Comment(id="undated"),  # stays after the one it followed
    ]
    tree = feed_tree([FeedPage(comments=comments, parents={})])
    assert [c.id for c in tree] == ["early", "late", "tie-a", "tie-b", "undated"]


# ---------------------------------------------------------------------- merge_page_and_feed


def test_merge_with_a_page_missing_the_last_top_level_comment(seed_json):
    feed_comments = feed_tree([parse_feed_page(seed_json)])
    page_comments = feed_tree([parse_feed_page(seed_json)])
    missing = page_comments.pop()  # comment 4, the last top-level one
    assert missing.id == "5660973756748925592"
    for c in walk(page_comments):  # page-side differences: its own text; no permalink on one comment
        c.text = "PAGE " + c.text
    page_comments[0].permalink = None
    page_comments[0].author.url = None
    merged = merge_page_and_feed(page_comments, parse_feed_page(seed_json).comments)
    ids = [c.id for c in walk(merged)]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert shape(merged) == EXPECTED
    by_id = {c.id: c for c in walk(merged)}
    assert by_id["5660973756748925592"].text.startswith("I'm only 8 months")  # from the feed
    assert all(by_id[c.id].text.startswith("PAGE ") for c in walk(page_comments))  # the page's text wins
    assert by_id["3221825579658094779"].permalink.endswith("#c3221825579658094779")  # filled from the feed
    # the inputs are not changed
    assert [c.id for c in walk(feed_comments)] == [e[1] for e in EXPECTED]
    assert len(list(walk(page_comments))) == 7


def test_merge_nests_a_flat_page_by_the_feed_and_keeps_page_only_comments(seed_json):
    feed_comments = parse_feed_page(seed_json).comments  # flat, parent_id from the related links
    page_flat = [Comment(id=c.id, text=c.text, author=c.author) for c in feed_comments]  # classic flat page
    page_flat.append(Comment(id="999", text="only on the page", published="2016-09-07T00:00:00Z"))
    merged = merge_page_and_feed(page_flat, feed_comments)
    assert shape(merged) == [*EXPECTED, ("5", "999", None, "2016-09-07T00:00:00Z")]


def test_merge_prefers_the_page_nesting():
    reply = Comment(id="b", published="2020-01-01T00:03:00Z")
    page = [Comment(id="a", published="2020-01-01T00:01:00Z", replies=[reply])]
    page.append(Comment(id="c", published="2020-01-01T00:02:00Z"))
    feed = [
        Comment(id="a", published="2020-01-01T00:01:00Z"),
        Comment(id="b", published="2020-01-01T00:03:00Z", parent_id="c"),
        Comment(id="c", published="2020-01-01T00:02:00Z"),
    ]
    merged = merge_page_and_feed(page, feed)
    assert shape(merged) == [
        ("1", "a", None, "2020-01-01T00:01:00Z"),
        ("1.1", "b", "a", "2020-01-01T00:03:00Z"),
        ("2", "c", None, "2020-01-01T00:02:00Z"),
    ]


def test_merge_with_the_real_page_extraction(seed_json):
    from threadkeep.sites.blogger import BloggerSite as BloggerExtractor

    extraction = BloggerExtractor().extract(Page(SEED_PAGE.read_text(encoding="utf-8"), SEED_URL))
    assert extraction.post_id == POST_ID
    page_comments = extraction.comments
    page_comments.pop()
    merged = merge_page_and_feed(page_comments, parse_feed_page(seed_json).comments)
    assert shape(merged) == EXPECTED
    feed = {c.id: c for c in parse_feed_page(seed_json).comments}
    for c in walk(merged):  # the page and the feed tell the same story
        assert c.text == feed[c.id].text
        assert c.permalink == feed[c.id].permalink
        assert c.author.name == feed[c.id].author.name


# ---------------------------------------------------------------------- the Atom export


@pytest.fixture(scope="module")
def export_threads():
    require()
    return parse_atom_export(EXPORT.read_bytes())


def test_atom_export_matches_the_manifest(export_threads):
    all_comments = [c for t in export_threads for c in walk(t.comments)]
    assert len(all_comments) == 6
    assert sum(1 for c in all_comments if c.parent_id) == 3
    assert max(c.depth for c in all_comments) == 2
    assert len({c.id for c in all_comments}) == 6


def test_atom_export_groups_comments_by_post(export_threads):
    assert len(export_threads) == 9  # every post, with or without comments
    with_comments = [t for t in export_threads if t.comments]
    assert len(with_comments) == 1
    thread = with_comments[0]
    assert thread.post_id == "4049156646748610070"
    assert thread.title == "semiotics hoodie"
    assert thread.url == "https://200ok-weblog-test.blogspot.com/2012/10/semiotics-hoodie.html"
    assert thread.author.name == "200ok"
    number_comments(thread.comments)
    assert [(c.number, c.text) for c in walk(thread.comments)] == [
        ("1", "Test comment 1"),
        ("1.1", "Reply to test comment 1"),
        ("1.2", "Reply to comment 1 added after comment 3 was added."),
        ("2", "Test comment 2"),
        ("2.1", "Body of reply to test comment 2."),
        ("3", "Test comment 3."),
    ]
    first = thread.comments[0]
    assert first.id == "4427771335982415454"
    assert first.published == "2012-11-04T13:15:05.941000Z"  # showComment=1352034905941
    assert first.author.is_post_author  # the blog's author, by profile URL


def test_takeout_export_format():
    xml = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <entry><id>tag:blogger.com,1999:blog-9.post-100</id><blogger:type>POST</blogger:type>
    <title>A post</title><author><name>Owner</name></author></entry>
  <entry><id>tag:blogger.com,1999:blog-9.post-201</id><blogger:type>COMMENT</blogger:type>
    <blogger:parent>tag:blogger.com,1999:blog-9.post-100</blogger:parent><blogger:inReplyTo/>
    <content type='html'>first</content><published>2020-01-01T00:00:00Z</published></entry>
  <entry><id>tag:blogger.com,1999:blog-9.post-202</id><blogger:type>COMMENT</blogger:type>
    <blogger:parent>tag:blogger.com,1999:blog-9.post-100</blogger:parent>
    <blogger:inReplyTo>201</blogger:inReplyTo>
    <author><name>Owner</name></author>
    <content type='html'>a reply</content><published>2020-01-02T00:00:00Z</published></entry>
</feed>"""
    (thread,) = parse_atom_export(xml)
    assert thread.title == "A post"
    assert shape(thread.comments) == [
        ("1", "201", None, "2020-01-01T00:00:00+00:00"),
        ("1.1", "202", "201", "2020-01-02T00:00:00+00:00"),
    ]
    assert thread.comments[0].author.name == "Anonymous"
    assert thread.comments[0].replies[0].author.is_post_author


@pytest.mark.parametrize(
    "xml,fragment",
    [
        (b"", "empty"),
        (b"<feed", "not well-formed"),
        (b"<html><body/></html>", "not an Atom feed"),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><category scheme='http://schemas.google.com/g/2005#kind'"
            b" term='http://schemas.google.com/blogger/2008/kind#comment'/></entry></feed>",
            "comment entry 1 has no comment id",
        ),
    ],
)
def test_bad_export_is_an_extract_error(xml, fragment):
    with pytest.raises(ExtractError) as err:
        parse_atom_export(xml)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_export_parser_does_not_expand_entities():
    xml = b"""<?xml version='1.0'?>
<!DOCTYPE feed [<!ENTITY boom "BOOM">]>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
  <entry><id>tag:blogger.com,1999:blog-1.post-5</id>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-4'/>
    <content type='html'>safe &boom;</content></entry>
</feed>"""
    (thread,) = parse_atom_export(xml)
    assert thread.post_id == "4" and thread.title is None
    assert "BOOM" not in thread.comments[0].text
