"""The generic extractor: article of any page, dedicated recognisers, Disqus, the comment finder.

Real pages come from ../shared/corpus (MANIFEST.tsv gives the expected counts; `approx`
counts are lower bounds). Made-up pages test what the corpus cannot: no comments region,
unknown themes, very deep nesting.
"""

from __future__ import annotations

import pytest

from corpus import CORPUS, needs_corpus, rows
from threadkeep.comment_ids import CommentIds
from threadkeep.dates import find_date
from threadkeep.finder import find_comments
from threadkeep.html.encoding import decode
from threadkeep.html.page import Page
from threadkeep.model import Comment
from threadkeep.pipeline import finish
from threadkeep.sites import registry
from threadkeep.sites.generic import GenericSite as GenericExtractor
from threadkeep.tree import nest_by_depth, walk

GENERIC = GenericExtractor()

# MANIFEST platform -> the platform the generic extractor names
PLATFORMS = {
    "hn": "hn",
    "reddit-html": "reddit",
    "vbulletin": "vbulletin",
    "mybb": "mybb",
    "phpbb": "phpbb",
    "substack": "substack",
    "movabletype": "movabletype",
}
OTHER = [r for r in rows(*PLATFORMS, folder="other/")]
NEGATIVE = [r for r in rows(folder="other/") if r["file"].startswith("other/NEGATIVE_")]
BLOGS = rows(folder="blogger-threaded/") + rows(folder="blogger-flat/") + rows(folder="wordpress/")
BLOGS += rows(folder="dragnet/")


def load(name: str) -> Page:
    return Page(decode((CORPUS / name).read_bytes()))


def extract(page: Page):
    """What the page gives when neither Blogger nor WordPress claims it: the first other site of
    the registry that does (a forum, HN, Reddit, Substack, Movable Type), else the generic finder."""
    for site in registry():
        if site.name in ("blogger", "wordpress"):
            continue
        extraction = site.recognise(page)
        if extraction is not None:
            return extraction, finish(extraction, page)
    raise AssertionError("the generic site claims every page")


def max_depth_in_notes(notes: str) -> int | None:
    import re

    m = re.search(r"max depth (\d+)", notes)
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("row", OTHER, ids=lambda r: r["file"])
@needs_corpus
def test_other_pages_yield_at_least_the_manifest_count(row):
    page = load(row["file"])
    extraction, thread = extract(page)
    assert extraction.platform == PLATFORMS[row["platform"]]
    stats = thread.stats()
    assert stats["comments"] >= int(row["comments"])
    depth = max_depth_in_notes(row["notes"])
    if depth:
        assert stats["max_depth"] == depth
    comments = list(walk(thread.comments))
    ids = [c.id for c in comments]
    assert len(ids) == len(set(ids)), "comment ids are unique"
    for c in comments:
        assert c.text or c.deleted, c.id
        if not c.deleted:
            assert c.author.name, c.id
            assert len(c.author.name) <= 80
    assert thread.article.title


@pytest.mark.parametrize("row", OTHER, ids=lambda r: r["file"])
@needs_corpus
def test_ids_are_stable(row):
    first = [c.id for c in walk(GENERIC.extract(load(row["file"])).comments)]
    second = [c.id for c in walk(GENERIC.extract(load(row["file"])).comments)]
    assert first == second


@pytest.mark.parametrize("row", NEGATIVE, ids=lambda r: r["file"])
@needs_corpus
def test_negative_pages_have_no_comments(row):
    _, thread = extract(load(row["file"]))
    assert thread.comments == []
    assert thread.article.title
    assert thread.article.text


@needs_corpus
def test_disqus_page_says_where_its_comments_are():
    extraction, thread = extract(load("other/NEGATIVE_infoproc.blogspot.com_2022-05_postol.html"))
    ext = thread.external_comments
    assert ext is not None
    assert (ext.service, ext.archived, ext.thread_id) == ("disqus", False, "infoproc")
    assert "Disqus" in ext.note
    assert extraction.comments == []


@needs_corpus
def test_hacker_news_nesting_follows_the_indent():
    extraction, thread = extract(load("other/news.ycombinator.com_item_1690120617595.html"))
    first = thread.comments[0]
    assert first.id == "36818754"
    assert first.author.name == "PaulRobinson"
    assert first.published == "2023-07-21T19:51:36"
    assert first.text.startswith("Claude Shannon")
    assert "reply" not in first.text.split()[-1]
    assert first.replies and first.replies[0].author.name == "cvwright"
    assert first.replies[0].parent_id == "36818754"
    assert thread.article.title.startswith("Ask HN: What are the best papers")
    assert thread.article.author.name == "toombowoombo"
    assert "quality means" in thread.article.text
    assert extraction.post_id == "36817231"


@needs_corpus
def test_reddit_levels_nest_and_hidden_replies_are_counted():
    extraction, thread = extract(load("other/reddit.com_showerthoughts_vanilla_1551705199548.html"))
    top = thread.comments[0]
    assert top.id == "ehq47gs"
    assert top.author.name == "LorenzoPg"
    assert "similar price to silver" in top.text
    assert thread.stats()["max_depth"] == 9
    assert extraction.not_archived > 0 and extraction.complete is False
    assert thread.article.title.startswith("Vanilla becoming the default flavour")


@needs_corpus
def test_reddit_deleted_comments_keep_their_place():
    _, thread = extract(load("other/reddit.com_showerthoughts_vanilla.html"))
    comments = list(walk(thread.comments))
    assert thread.stats()["top_level"] >= 60
    deleted = [c for c in comments if c.deleted]
    assert deleted and all(c.author.name is None for c in deleted)


@pytest.mark.parametrize(
    ("name", "first_author", "body_start"),
    [
        ("other/forums.adoption.com_siblings-thread.html", "southemissouri", "Thought it might aid"),
        ("other/pilzforum.at_pilz-im-mai.html", "mykologisch", "Liebe Pilzfreude"),
        ("other/foren.myoos.de_freie-software.html", "r23", "Was ist Freie Software"),
    ],
)
@needs_corpus
def test_forum_opening_post_is_the_article_and_comment_one(name, first_author, body_start):
    _, thread = extract(load(name))
    opening = thread.comments[0]
    assert opening.number == "1"
    assert opening.author.name == first_author
    assert opening.published
    assert opening.text.startswith(body_start)
    assert thread.article.text.startswith(body_start)
    assert thread.article.author.name == first_author
    assert all(not c.replies for c in thread.comments), "forum threads are flat"
    assert opening.id.isdigit(), "the forum's post id"


@needs_corpus
def test_vbulletin_paging_marks_the_thread_incomplete():
    extraction, thread = extract(load("other/forums.adoption.com_siblings-thread.html"))
    assert extraction.complete is False
    assert extraction.not_archived == 841 - 15
    assert thread.article.title == "If You Are Looking For Siblings Please Post Here!!!!"
    assert thread.comments[0].published == "2005-11-04T20:23:00"


@needs_corpus
def test_mybb_dates_read_yesterday_from_the_title():
    _, thread = extract(load("other/pilzforum.at_pilz-im-mai.html"))
    dates = [c.published for c in thread.comments]
    # the third reads "Gestern, 06:58", its day in a title attribute
    assert dates == ["2020-04-26T17:35:00", "2020-04-26T19:13:00", "2020-04-27T06:58:00"]


@needs_corpus
def test_substack_preview_comments():
    extraction, thread = extract(load("other/garymarcus.substack.com_nonsense-on-stilts.html"))
    assert [c.author.name for c in thread.comments] == ["God Bennett", "Saty Chary"]
    assert thread.comments[0].id == "7094930"
    assert "Expand full comment" not in thread.comments[0].text
    assert extraction.not_archived == 20 and extraction.complete is False
    assert "LaMDA" in thread.article.text


@needs_corpus
def test_movable_type_comments_have_author_date_and_hash_ids():
    _, thread = extract(load("other/ouseful.info_movabletype_013937.html"))
    first = thread.comments[0]
    assert first.author.name == "AJ Cann"
    assert first.author.url == "http://scienceoftheinvisible.blogspot.com/"
    assert first.published == "2008-03-18T12:39:00"
    assert first.text == "So what OU content can I view on my iPod Touch and Asus eeePC? ;-)"
    assert "Posted by" not in first.text
    assert first.id.startswith("h-")
    assert thread.article.title.startswith("Right hand, Meet Left hand")
    assert "Posted by" not in thread.article.text
    assert not any("Posted by" in c.text for c in thread.comments)


@pytest.mark.parametrize("row", BLOGS, ids=lambda r: r["file"])
@needs_corpus
def test_blog_pages_do_not_crash_and_never_overcount(row):
    """Blogger and WordPress pages belong to their own extractors; through the generic one they
    must still work, and whatever the finder reports must not exceed the true thread."""
    _, thread = extract(load(row["file"]))
    assert thread.article.title
    comments = list(walk(thread.comments))
    if row["count_basis"] == "markup":
        assert len(comments) <= int(row["comments"])
    for c in comments:
        assert c.text
        assert c.author.name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("blogger-threaded/johnhcochrane.blogspot.com_2020-12_free-market-vaccines.html", (71, 35, 2)),
        ("wordpress/killsixbilliondemons.com_king-of-swords-10-141.html", (217, 86, 10)),
        ("wordpress/zulang.wordpress.com_2015-12_genitalverstuemmelung.html", (6, 2, 4)),
    ],
)
@needs_corpus
def test_finder_recovers_unknown_themes_exactly(name, expected):
    """The finder knows nothing of Blogger or WordPress, yet finds these threads whole."""
    _, thread = extract(load(name))
    stats = thread.stats()
    assert (stats["comments"], stats["top_level"], stats["max_depth"]) == expected


@needs_corpus
def test_finder_keeps_comment_text_apart_from_its_header():
    _, thread = extract(load("blogger-threaded/johnhcochrane.blogspot.com_2020-12_free-market-vaccines.html"))
    first = thread.comments[0]
    assert first.author.name == "oli"
    assert first.published == "2020-12-08T06:22:00"
    assert first.text.startswith("I think there are efficiency reasons")
    assert first.id == "c5751563309400806157"
    assert first.permalink.endswith("#c5751563309400806157")


PLAIN_ARTICLE = """<html><head><title>A plain post</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav>
<article><h1>A plain post</h1><p class="byline">By <a href="/author/ann">Ann</a> on March 3, 2021</p>
<div class="entry-content"><p>This post has a body long enough to be the article, and no comments at all.</p>
<p>Its second paragraph talks about comments but holds none.</p></div></article>
<div class="widget widget_recent_comments"><h3>Recent comments</h3><ul>
<li class="recentcomments"><span class="comment-author-link"><a href="/u/bob">Bob</a></span>
 on <a href="/p">Other post</a></li>
<li class="recentcomments"><span class="comment-author-link"><a href="/u/eve">Eve</a></span>
 on <a href="/q">Yet another</a></li>
</ul></div>
<div class="related-posts">
<div class="post-item"><a href="/x">Related</a> by <a href="/author/ann">Ann</a>, May 1, 2020</div>
<div class="post-item"><a href="/y">Also related</a> by <a href="/author/ann">Ann</a>, May 2, 2020</div></div>
<footer><div class="comment-box"><a href="/user/zed">Zed</a> 2020-01-01 a footer note</div></footer>
</body></html>"""


def test_plain_article_yields_article_and_no_comments():
    page = Page(PLAIN_ARTICLE, "https://example.org/plain")
    extraction, thread = extract(page)
    assert extraction.platform == "generic"
    assert thread.comments == []
    assert thread.external_comments is None
    assert thread.article.title == "A plain post"
    assert "long enough to be the article" in thread.article.text


def unknown_theme(replies_depth: int = 2) -> str:
    """A made-up theme: div.talk-item blocks in section#discussion, replies nested inside."""

    def block(i: int, depth: int) -> str:
        inner = block(i * 10 + 1, depth - 1) if depth > 1 else ""
        return (
            f'<div class="talk-item" id="talk-{i}"><div class="who"><span class="user-name">User {i}</span>'
            f' <span class="when">2021-05-0{1 + i % 8} 10:00</span></div>'
            f'<div class="said"><p>Opinion number {i} with some words.</p></div>'
            f'<a class="reply-link" href="#r{i}">Reply</a>{inner}</div>'
        )

    items = "".join(block(i, replies_depth) for i in range(1, 4))
    return (
        "<html><head><title>T</title></head><body><article><h1>T</h1><div class='entry-content'>"
        "<p>The article body, long enough to count as the article text here.</p></div></article>"
        f"<section id='discussion'><h2>3 responses</h2>{items}</section></body></html>"
    )


def test_finder_on_an_unknown_theme_nests_by_structure():
    page = Page(unknown_theme(2))
    extraction, thread = extract(page)
    assert extraction.platform == "generic"
    stats = thread.stats()
    assert (stats["comments"], stats["top_level"], stats["max_depth"]) == (6, 3, 2)
    first = thread.comments[0]
    assert first.id == "talk-1"
    assert first.author.name == "User 1"
    assert first.published == "2021-05-02T10:00:00"
    assert first.text == "Opinion number 1 with some words."
    assert first.replies[0].text == "Opinion number 11 with some words."
    assert "Reply" not in first.text
    assert "The article body" not in " ".join(c.text for c in walk(thread.comments))


def test_comments_inside_the_article_body_are_cut_from_it():
    html = (
        unknown_theme(1)
        .replace("</div></article><section", "</div><section")
        .replace("</section></body>", "</section></article></body>")
    )
    page = Page(html)
    body_sel = GENERIC.extract(page)
    assert len(body_sel.comments) == 3
    _, thread = extract(Page(html))
    assert "Opinion number" not in thread.article.text


def test_deeply_nested_comments_do_not_recurse():
    depth = 2000  # just inside libxml2's depth limit (2048): deeper pages are refused
    html = (
        "<html><body><div id='comments'>"
        + "".join(
            f'<div class="comment" id="c{i}"><cite class="fn">Name{i}</cite> <p>Text {i} here</p>' for i in range(depth)
        )
        + "</div>" * depth
        + "</div></body></html>"
    )
    page = Page(html)
    comments = find_comments(page)
    found = list(walk(comments))
    assert found, "the parser keeps some of the nesting"
    assert found[0].text == "Text 0 here"


def test_nest_by_depth_attaches_gaps_to_the_nearest_shallower():
    a, b, c, d = (Comment(id=x) for x in "abcd")
    roots = nest_by_depth([(a, 0), (b, 2), (c, 1), (d, 0)])
    assert [r.id for r in roots] == ["a", "d"]
    assert [r.id for r in a.replies] == ["b", "c"]


def test_comment_ids_hash_when_the_page_has_none():
    ids = CommentIds()
    one = ids.make(None, "Ann", None, "hi")
    two = ids.make(None, "Ann", None, "hi")
    assert one.startswith("h-") and two == f"{one}-1"
    assert CommentIds().make(None, "Ann", None, "hi") == one
    assert ids.make("c1", None, None, "") == "c1"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("December 8, 2020 at 10:12 AM", "2020-12-08T10:12:00"),
        ("Posted by X at March 18, 2008 12:39 PM", "2008-03-18T12:39:00"),
        ("26.04.2020, 17:35", "2020-04-26T17:35:00"),
        ("05.04.2020", "2020-04-05"),
        ("8. Dezember 2020", "2020-12-08"),
        ("Gestern, 06:58", None),
        ("no date here", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso
