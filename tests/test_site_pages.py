"""Each site's essentials on a small page written for the tests (tests/pages/), no corpus needed.

The pages follow each platform's real markup (compare the saved pages of ../shared/corpus/) with
made-up threads; the expected values below are read off the pages by eye. They keep the
self-contained suite meaningful: the real-page tests (test_blogger, test_wordpress,
test_generic, …) skip without the corpus, these never do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import threadkeep
from test_hostile import assert_markdown_inert, assert_tree_inert
from threadkeep.export.markdown import to_markdown
from threadkeep.store import validation_errors
from threadkeep.tree import walk

PAGES = Path(__file__).resolve().parent / "pages"

URLS = {
    "blogger-classic": "https://fieldnotes-example.blogspot.com/2006/03/tidepools-in-march.html",
    "wordpress-html5": "https://crumbnotes.example/2023/11/sourdough-at-altitude/",
    "hn-item": "https://news.ycombinator.com/item?id=4000",
    "reddit": "https://www.reddit.com/r/trees/comments/1abcde/what_is_the_oldest_tree/",
    "phpbb": "https://sewing-forum.example/viewtopic.php?t=77",
    "vbulletin": "https://stargazers.example/showthread.php?t=900",
    "mybb": "https://bees-forum.example/showthread.php?tid=88",
    "substack": "https://quietletters.example/p/the-slow-web",
    "movabletype": "https://reading-room.example/archives/000123.html",
}
PLATFORM = {
    "blogger-classic": "blogger",
    "wordpress-html5": "wordpress",
    "hn-item": "hn",
    "reddit": "reddit",
    "phpbb": "phpbb",
    "vbulletin": "vbulletin",
    "mybb": "mybb",
    "substack": "substack",
    "movabletype": "movabletype",
}


def thread(name: str):
    return threadkeep.extract((PAGES / f"{name}.html").read_bytes(), URLS[name])


def shape(t) -> list[tuple]:
    """(number, id, parent id, author, deleted) of every comment in reading order."""
    return [(c.number, c.id, c.parent_id, c.author.name, c.deleted) for c in walk(t.comments)]


@pytest.mark.parametrize("name", sorted(URLS))
def test_page_is_claimed_by_its_platform_and_archives_validly(name):
    t = thread(name)
    assert t.source.platform == PLATFORM[name]
    assert validation_errors(t.to_dict()) == []
    assert t.article.title


def test_blogger_classic_layout():
    t = thread("blogger-classic")
    assert t.article.title == "Tidepools in March"
    assert t.article.text.startswith("Low tide came at dawn this morning")
    assert "nudibranchs" not in t.article.text
    assert shape(t) == [
        ("1", "1111", None, "Jonah", False),
        ("2", "2222", None, "Anonymous", False),
        ("3", "3333", None, "Mara", True),  # "This post has been removed by the author."
    ]
    jonah, anon, _ = t.comments
    assert jonah.author.url == "https://www.blogger.com/profile/0101"
    assert jonah.published == "2006-03-16T09:06:00Z"  # the showComment= instant
    assert jonah.permalink == URLS["blogger-classic"] + "?showComment=1142499960000#c1111"
    assert anon.author.url is None
    assert anon.text == "The sea stars are wasting, it is happening all along the coast <sadly>."


def test_wordpress_html5_comment_list():
    t = thread("wordpress-html5")
    a = t.article
    assert (a.title, a.author.name, a.published) == ("Sourdough at altitude", "Ines", "2023-11-02T08:00:00+01:00")
    assert shape(t) == [
        ("1", "21", None, "Pavel", False),
        ("1.1", "22", "21", "Ines", False),
        ("2", "23", None, "Tomasz", False),
    ]
    pavel, reply, tomasz = walk(t.comments)
    assert pavel.author.url == "https://pavel.example/" and not pavel.author.is_post_author
    assert reply.author.is_post_author  # li.bypostauthor
    assert reply.published == "2023-11-02T10:40:00+01:00"
    assert reply.permalink == URLS["wordpress-html5"] + "#comment-22"
    assert reply.text == "Rye needs even less time: try two hours at 24°C."
    assert tomasz.text == "Baked this in Zakopane. Perfect crumb." and "Reply" not in pavel.text


def test_hacker_news_item_page():
    t = thread("hn-item")
    a = t.article
    assert a.title == "Show HN: A tide-table calculator in 300 lines"
    assert a.author.name == "kelp" and a.published == "2024-01-05T10:00:00"
    assert shape(t) == [
        ("1", "4001", None, "ebb", False),
        ("1.1", "4002", "4001", "kelp", False),  # indent="1"
        ("2", "4003", None, None, True),  # flagged: no text shown
    ]
    reply = t.comments[0].replies[0]
    assert reply.text == "Eight get you within ten centimetres at most ports.\n\nM2 alone does most of the work."
    assert reply.permalink == "https://news.ycombinator.com/item?id=4002"
    assert reply.published == "2024-01-05T11:02:00"


def test_reddit_thread_page():
    t = thread("reddit")
    assert t.article.title == "What is the oldest tree you have touched?"
    assert t.article.author.name == "bristlecone"
    assert shape(t) == [
        ("1", "k001", None, "rings_counted", False),
        ("1.1", "k002", "k001", "bristlecone", False),
        ("1.1.1", "k003", "k002", None, True),  # "Comment deleted by user"
        ("2", "k004", None, "moss_and_more", False),
    ]
    assert t.comments[1].permalink == "https://www.reddit.com/r/trees/comments/1abcde/comment/k004/"
    assert t.to_dict()["stats"]["not_archived"] == 2  # "2 more replies"


@pytest.mark.parametrize(
    ("name", "title", "posts"),
    [
        (
            "phpbb",
            "Restoring a 1960s Brother sewing machine",
            [("501", "bobbin", "2022-06-04T14:20:00+00:00"), ("502", "treadle_tom", "2022-06-04T16:05:00+00:00")],
        ),
        (
            "vbulletin",
            "Best beginner telescope under 300?",
            [("9001", "orion_fan", "2011-03-14T21:30:00"), ("9002", "dobsonian_dave", "2011-03-14T22:02:00")],
        ),
        (
            "mybb",
            "Keeping bees on a balcony",
            [("301", "honeycomb", "2021-05-20T08:30:00"), ("302", "drone_ranger", "2021-05-21T18:45:00")],
        ),
    ],
)
def test_forum_thread_is_flat_and_the_opening_post_is_the_article(name, title, posts):
    t = thread(name)
    assert [(c.id, c.author.name, c.published) for c in walk(t.comments)] == posts
    assert all(c.parent_id is None for c in walk(t.comments))
    a = t.article
    assert a.title == title
    assert (a.author.name, a.published) == posts[0][1:]
    assert a.text == t.comments[0].text


def test_vbulletin_page_one_of_three_is_incomplete():
    t = thread("vbulletin")
    assert t.to_dict()["stats"]["not_archived"] == 23  # "Showing results 1 to 2 of 25"


def test_substack_preview_comments():
    t = thread("substack")
    assert shape(t) == [("1", "7001", None, "Rowan", False), ("1.1", "7002", "7001", "June Park", False)]
    assert t.comments[0].permalink == "https://quietletters.example/p/the-slow-web/comment/7001"
    assert t.comments[0].text == "I still keep a blogroll. Three people have clicked it this year."
    assert t.to_dict()["stats"]["not_archived"] == 12  # "12 more comments…"
    assert t.article.text.startswith("Pages that load in a second")


def test_movable_type_classic_comments():
    t = thread("movabletype")
    assert t.article.title == "The marginalia problem" and t.article.author.name == "Harriet Vane"
    assert shape(t) == [("1", "c101", None, "Peter W.", False), ("2", "c102", None, "Miriam", False)]
    peter, miriam = t.comments
    assert peter.author.url == "http://peter.example/" and miriam.author.url is None
    assert (peter.published, miriam.published) == ("2004-03-03T11:15:00", "2004-03-04T20:02:00")
    assert miriam.text == "Some of the notes are rude. Those are the ones I want."
    assert "Posted by" not in peter.text


@pytest.mark.parametrize("name", sorted(URLS))
def test_cli_fetches_the_saved_page(name, tmp_path):
    """The command a user runs on a saved page: JSON archive on disk, Markdown on stdout."""
    out = tmp_path / "a.json"
    page = str(PAGES / f"{name}.html")
    r = subprocess.run(
        [sys.executable, "-m", "threadkeep", "fetch", page, "--url", URLS[name], "-o", str(out)],
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr.decode()
    data = json.loads(out.read_text("utf-8"))
    assert data["source"]["platform"] == PLATFORM[name]
    assert data["stats"] == thread(name).to_dict()["stats"]
    md = subprocess.run(
        [sys.executable, "-m", "threadkeep", "fetch", page, "--url", URLS[name], "--format", "md"],
        capture_output=True,
        timeout=60,
    )
    assert md.returncode == 0 and thread(name).article.title in md.stdout.decode()


HOSTILE = "\x01RED\x1b[31mred \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 [bold]x[/] <script>alert(1)</script> "
FIRST_BODY = {  # where the first comment's text begins, on each page
    "blogger-classic": '<dd class="comment-body"><p>',
    "wordpress-html5": '<div class="comment-content"><p>',
    "hn-item": '<div class="commtext c00">',
    "reddit": '<div data-testid="comment"><p>',
    "phpbb": '<div class="content">',
    "vbulletin": '<div id="post_message_9001">',
    "mybb": '<div class="post_body scaleimages" id="pid_301">',
    "substack": '<div class="comment-body"><p>',
    "movabletype": '<div class="comments-body">\n<p>',
}


@pytest.mark.parametrize("name", sorted(URLS))
def test_control_characters_and_markup_in_a_comment_stay_inert(name):
    raw = (PAGES / f"{name}.html").read_text("utf-8")
    marker = FIRST_BODY[name]
    at = raw.index(marker) + len(marker)
    t = threadkeep.extract((raw[:at] + HOSTILE + raw[at:]).encode("utf-8"), URLS[name])
    assert t.to_dict()["stats"] == thread(name).to_dict()["stats"]
    first = next(iter(walk(t.comments)))
    assert "red" in first.text and "\x1b" not in first.text and "\x01" not in first.text
    assert "<script" not in (first.html or "")
    assert validation_errors(t.to_dict()) == []
    assert_markdown_inert(to_markdown(t))
    assert_tree_inert(t)
