"""The generic finder, precise: never a form, a share widget, a product or review list, a "most
recommended" sidebar, navigation or the article's own paragraphs; and where it does find
comments, the author line and the date are fields, not text. Pages made up by hand for each
trap and each rule (the expected values are what a reader sees in them)."""

from __future__ import annotations

import pytest

from threadkeep import extract

HEAD = "<html{lang}><head><title>A post</title></head><body>"
ARTICLE = (
    "<article><h1>A post</h1><div class='entry-content'><p>The article's own text, long enough to be the body "
    "of the post, by the way.</p><p>By the author, a second paragraph.</p></div></article>"
)


def page(extra: str, lang: str = "en") -> str:
    return HEAD.format(lang=f' lang="{lang}"' if lang else "") + ARTICLE + extra + "</body></html>"


def comments(html: str):
    return list(extract(html).all_comments())


SHARE = "".join(
    f'<div class="share-item"><span class="author">facebook</span><a href="/share?n={i}">twitter</a></div>'
    for i in range(5)
)
FORM = (
    '<div id="respond" class="comment-respond"><h3>Leave a comment</h3><form class="comment-form">'
    + "".join(
        f'<p class="comment-form-{n}"><label>{n.title()}</label> <input name="{n}"></p>'
        for n in ("author", "email", "url")
    )
    + '<p class="comment-form-comment"><label>Comment</label><textarea></textarea></p></form></div>'
)
PRODUCTS = (
    '<div class="products">'
    + "".join(
        f'<div class="product-item"><a class="author" href="/brand/{i}">Brand {i}</a> '
        f'<span class="date">May {i}, 2020</span>'
        f"<p>A fine product number {i}, with a long description of it.</p></div>"
        for i in range(1, 6)
    )
    + "</div>"
)
REVIEWS = (
    '<div id="customer-reviews">'
    + "".join(
        f'<div class="review"><span class="reviewer">Buyer {i}</span> <span class="date">March {i}, 2019</span>'
        f"<p>Five stars, it works as described, number {i}.</p></div>"
        for i in range(1, 6)
    )
    + "</div>"
)
MOST_RECOMMENDED = (
    '<div class="most-recommended-comments"><h3>Most recommended</h3><ul>'
    + "".join(
        f'<li class="comment"><span class="comment-author">Reader {i}</span> '
        f'<time datetime="2021-01-0{i}">Jan {i}</time>'
        f"<p>A comment on another story, number {i}.</p></li>"
        for i in range(1, 6)
    )
    + "</ul></div>"
)
NAV = (
    '<div class="menu-main"><ul>'
    + "".join(
        f'<li class="menu-item"><a href="/author/{n}">{n}</a> <span class="date">June {i}, 2020</span> more</li>'
        for i, n in enumerate(("Ann", "Bob", "Cy", "Di", "Ed"), 1)
    )
    + "</ul></div>"
)


@pytest.mark.parametrize(
    "trap",
    [SHARE, FORM, PRODUCTS, REVIEWS, MOST_RECOMMENDED, NAV],
    ids=["share", "form", "products", "reviews", "recommended", "nav"],
)
def test_traps_give_no_comments(trap):
    assert comments(page(trap)) == []


FOOTERS = (
    '<div class="comments">'
    + "".join(
        f'<div class="comment" id="c{i}"><div class="comment-content">'
        f"<p>My own words, number {i}, are the comment.</p></div>"
        f'<p class="comment-footer">Posted by: {name} | '
        f'<a href="/p#c{i}">September {i}, 2012 at 05:1{i} AM</a></p></div>'
        for i, name in enumerate(("Helen Marshall", "Jay Lewis", "Kala"), 1)
    )
    + "</div>"
)


def test_posted_by_footers_give_authors_and_dates_not_text():
    got = [(c.author.name, c.published, c.text) for c in comments(page(FOOTERS))]
    assert got == [
        ("Helen Marshall", "2012-09-01T05:11:00", "My own words, number 1, are the comment."),
        ("Jay Lewis", "2012-09-02T05:12:00", "My own words, number 2, are the comment."),
        ("Kala", "2012-09-03T05:13:00", "My own words, number 3, are the comment."),
    ]


PHOTO = (
    '<div id="photo-comments">'
    + "".join(
        f'<div class="photo-comment"><div class="photo-comment-info"><a class="nav-link" href="/photos/{n}">{n}</a> '
        f'<span class="photo-comment-date">about {w} ago</span></div><div class="photo-comment-message">{t} @<a '
        f'class="twitter-username" href="/photos/zed">zed</a></div></div>'
        for n, w, t in (
            ("jess77", "an hour", "So funny!"),
            ("mbuzano", "2 hours", "cool!"),
            ("lin", "a day", "I was there yesterday!!"),
        )
    )
    + "</div>"
)


def test_a_name_beside_a_relative_time_is_the_author_and_the_time_is_no_instant():
    got = [(c.author.name, c.published, c.text) for c in comments(page(PHOTO))]
    assert got == [
        ("jess77", None, "So funny! @zed"),
        ("mbuzano", None, "cool! @zed"),
        ("lin", None, "I was there yesterday!! @zed"),
    ]


def _numeric(lang: str, shown: str) -> list:
    block = (
        '<ol class="commentlist">'
        + "".join(
            f'<li class="comment" id="comment-{i}"><cite class="fn">Reader {i}</cite> '
            f'<span class="comment-date">{shown}</span>'
            f"<p>Words of reader {i} in the comment.</p></li>"
            for i in (1, 2)
        )
        + "</ol>"
    )
    return [c.published for c in comments(page(block, lang))]


def test_numeric_dates_in_the_pages_language_and_order():
    assert _numeric("fr", "07/04/2013 à 17:29") == ["2013-04-07T17:29:00"] * 2
    assert _numeric("en", "07/04/2013 at 5:29 pm") == ["2013-07-04T17:29:00"] * 2
    assert _numeric("de", "07.04.2013, 17:29") == ["2013-04-07T17:29:00"] * 2


DRUPAL = (
    '<section class="comments">'
    + (
        '<article class="comment" id="comment-1"><footer><h6>Heidemarie Heim | Di, 21. April 2020 - 16:40</h6></footer>'
        "<div><p>The first comment's own words.</p></div></article>"
        '<div class="indented"><article class="comment" id="comment-2">'
        "<footer><h6>Horst | Mi, 22. April 2020 - 09:05</h6>"
        "</footer><div><p>A reply to the first one.</p></div></article></div>"
        '<article class="comment" id="comment-3"><footer><h6>Ramón dijo: | Do, 23. April 2020 - 10:00</h6></footer>'
        "<div><p>A second top-level comment.</p></div></article>"
    )
    + "</section>"
)


def test_name_pipe_date_headers_and_replies_in_a_box_after_their_parent():
    thread = extract(page(DRUPAL, "de"))
    got = [(c.number, c.author.name, c.published, c.text) for c in thread.all_comments()]
    assert got == [
        ("1", "Heidemarie Heim", "2020-04-21T16:40:00", "The first comment's own words."),
        ("1.1", "Horst", "2020-04-22T09:05:00", "A reply to the first one."),
        ("2", "Ramón", "2020-04-23T10:00:00", "A second top-level comment."),
    ]


def test_a_comment_of_symbols_only_is_kept_when_it_has_its_author_and_time():
    block = (
        '<div id="photo-comments">'
        + "".join(
            f'<div class="photo-comment"><a class="nav-link" href="/photos/{n}">{n}</a> '
            f'<span class="photo-comment-date">about {i} hours ago</span>'
            f'<div class="photo-comment-message">{t}</div></div>'
            for i, (n, t) in enumerate((("ann", "So funny, really"), ("yuliia", "=)"), ("bob", "Well said, friend")), 2)
        )
        + "</div>"
    )
    assert [(c.author.name, c.text) for c in comments(page(block))] == [
        ("ann", "So funny, really"),
        ("yuliia", "=)"),
        ("bob", "Well said, friend"),
    ]
