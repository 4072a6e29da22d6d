"""The Blogger extractor on the seed thread and on every Blogger page of the corpus."""

from __future__ import annotations

import pytest

import threadkeep
from corpus import CORPUS, SEED_PAGE, SEED_URL, needs_corpus, rows
from threadkeep.html.page import Page
from threadkeep.sites import recognise
from threadkeep.tree import walk


@pytest.fixture(scope="module")
def seed():
    return threadkeep.extract(SEED_PAGE.read_bytes(), SEED_URL)


def test_seed_article_facts(seed):
    a = seed.article
    assert seed.source.platform == "blogger"
    assert a.title == "ResearchSpeak: Interferon vs. Alemtuzumab"
    assert a.author.name == "Prof G"
    assert a.published == "2016-09-05T06:00:00+01:00"
    assert a.labels == ["Alemtuzumab", "interferon-beta", "MRI", "ResearchSpeak"]
    assert a.url == SEED_URL
    assert a.text.startswith("There is still life in the old dog")
    assert "Is there life in the old dog yet?" in a.text
    assert "To be honest, I and others" in a.text
    assert "even before the first crop of drugs targeting progressive MS are launched." in a.text
    # no comment text in the article
    assert "premiership" not in a.text and "premiership" not in a.html


SEED_COMMENTS = [
    # number, id, parent, author, showComment instant
    ("1", "3221825579658094779", None, "Anonymous", "2016-09-05T08:12:00Z"),
    ("2", "7808713298211968091", None, "Anonymous", "2016-09-05T09:47:00Z"),
    ("2.1", "7461082282339189841", "7808713298211968091", "Anonymous", "2016-09-05T13:03:00Z"),
    ("2.2", "7134540374162170859", "7808713298211968091", "James", "2016-09-05T15:25:00Z"),
    ("2.3", "6253892565472141739", "7808713298211968091", "Anonymous", "2016-09-06T07:41:00Z"),
    ("2.4", "3117296944909505097", "7808713298211968091", "James", "2016-09-06T10:19:00Z"),
    ("3", "6910089488565798823", None, "Anonymous", "2016-09-05T11:30:00Z"),
    ("4", "5660973756748925592", None, "Anonymous", "2016-09-05T19:55:00Z"),
]


def test_seed_comments(seed):
    got = [(c.number, c.id, c.parent_id, c.author.name, c.published) for c in walk(seed.comments)]
    assert got == SEED_COMMENTS
    assert seed.stats() == {"comments": 8, "top_level": 4, "max_depth": 2, "deleted": 0}
    by_number = {c.number: c for c in walk(seed.comments)}
    assert by_number["2.3"].text.startswith("Graves disease.")
    assert by_number["2.2"].author.url == "https://www.blogger.com/profile/07391825562348817302"
    for c in walk(seed.comments):
        assert c.permalink == f"{SEED_URL}?showComment={_ms(c.published)}#c{c.id}"
        assert c.text and not c.deleted
    assert by_number["2"].text.startswith("Prof G,\nI had my first")  # <br> kept as a line break


def _ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


BLOGGER_ROWS = rows("blogger-threaded", "blogger-flat")
NEGATIVE_BLOGGER = [r for r in rows("none") if "blogspot" in r["file"] or "blogger" in r["file"]]


@pytest.mark.parametrize("row", BLOGGER_ROWS, ids=lambda r: r["file"].split("/")[-1][:40])
@needs_corpus
def test_corpus_blogger_page(row):
    page = CORPUS / row["file"]
    thread = threadkeep.extract(page.read_bytes())
    assert thread.source.platform == "blogger"
    stats = thread.stats()
    assert (stats["comments"], stats["top_level"], stats["max_depth"]) == (
        int(row["comments"]),
        int(row["top_level"]),
        int(row["max_depth"]),
    )
    for c in walk(thread.comments):
        assert c.deleted or (c.author.name and c.text), c.id


@pytest.mark.parametrize("row", NEGATIVE_BLOGGER, ids=lambda r: r["file"].split("/")[-1][:40])
@needs_corpus
def test_negative_blogger_pages_yield_no_comments(row):
    thread = threadkeep.extract((CORPUS / row["file"]).read_bytes())
    assert thread.comments == []
    assert thread.article.title


@needs_corpus
def test_disqus_page_says_where_comments_live():
    thread = threadkeep.extract((CORPUS / "other/NEGATIVE_infoproc.blogspot.com_2022-05_postol.html").read_bytes())
    assert thread.comments == []
    assert thread.external_comments is not None
    assert thread.external_comments.service == "disqus" and not thread.external_comments.archived


@needs_corpus
def test_recognised_by_content_on_a_custom_domain():
    page = Page(
        (CORPUS / "blogger-threaded/luxuryhaven.co_2019-05_hyatt.html").read_text("utf-8"),
        "https://www.luxuryhaven.co/2019/05/hyatt.html",
    )
    assert recognise(page)[0].name == "blogger"


def test_sidebar_recent_comments_are_not_taken():
    html = SEED_PAGE.read_text("utf-8").replace(
        "<div class='sidebar section' id='sidebar-right-1'>",
        "<div class='sidebar section' id='sidebar-right-1'><div class='widget-content'><ol>"
        "<li class='comment' id='c999'><cite class='user'>Spam</cite>"
        "<p class='comment-content'>A comment on another post</p></li></ol></div>",
    )
    thread = threadkeep.extract(html, SEED_URL)
    assert thread.stats()["comments"] == 8
    assert all("another post" not in c.text for c in walk(thread.comments))


def test_deleted_comment_keeps_its_place():
    html = SEED_PAGE.read_text("utf-8").replace(
        "Any secondary autoimmunity such as Grave's since your treatment?",
        "This comment has been removed by the author.",
    )
    thread = threadkeep.extract(html, SEED_URL)
    c = next(c for c in walk(thread.comments) if c.number == "2.2")
    assert c.deleted and c.id == "7134540374162170859"
    assert thread.stats()["deleted"] == 1 and thread.stats()["comments"] == 8


def test_post_author_replies_are_flagged():
    html = SEED_PAGE.read_text("utf-8").replace(
        '<cite class="user"><a href="https://www.blogger.com/profile/07391825562348817302" rel="nofollow">James</a>'
        '</cite><span class="icon user ">',
        '<cite class="user"><a href="https://www.blogger.com/profile/07391825562348817302" rel="nofollow">James</a>'
        '</cite><span class="icon user blog-author">',
        1,
    )
    thread = threadkeep.extract(html, SEED_URL)
    flags = {c.number: c.author.is_post_author for c in walk(thread.comments)}
    assert flags["2.2"] is True and flags["2.4"] is False and flags["1"] is False


def test_incomplete_page_is_noticed():

    html = SEED_PAGE.read_text("utf-8")
    complete = recognise(Page(html, SEED_URL))[1]
    assert complete.complete and complete.post_id == "5381529086432390017"
    shown = html.replace('class="loadmore hidden"', 'class="loadmore"')
    assert not recognise(Page(shown, SEED_URL))[1].complete
