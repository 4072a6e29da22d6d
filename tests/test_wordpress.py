"""The WordPress extractor over the real pages of the corpus, and its pure completion helpers.

Pages are read from ../shared/corpus/ beside the checkout (never copied into the repo); the
expected shapes are those of MANIFEST.tsv (count_basis markup).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import threadkeep as tx
from corpus import CORPUS, needs_corpus, require
from corpus import manifest as _manifest
from threadkeep.dates import displayed_date
from threadkeep.html.encoding import decode
from threadkeep.html.page import Page
from threadkeep.model import Author, Comment
from threadkeep.sites.wordpress import WordPressSite as WordPressExtractor
from threadkeep.sites.wordpress import merge_comments
from threadkeep.sites.wordpress.nodes import find_comment_nodes
from threadkeep.sites.wordpress.paging import comment_page_urls, comments_from_rest, has_comment_paging, rest_api_url
from threadkeep.tree import MAX_DEPTH, number_comments, walk

WP_ROWS = [r for r in _manifest() if r["platform"] == "wordpress"]
WP_IDS = [r["file"].split("/")[-1][:40] for r in WP_ROWS]
NOT_WP = [
    r["file"]
    for r in _manifest()
    if r["file"].startswith(("blogger-threaded/", "blogger-flat/", "other/")) and r["file"].endswith(".html")
]


def _page(rel: str, url: str | None = None) -> Page:
    return Page(decode((CORPUS / rel).read_bytes()), url)


def _thread(rel: str, url: str | None = None):
    return tx.extract((CORPUS / rel).read_bytes(), url)


# ----------------------------------------------------------------------------- the corpus


@needs_corpus
def test_the_corpus_has_the_wordpress_pages():
    files = {r["file"] for r in WP_ROWS}
    assert len(files) == 13
    assert "dragnet/R55_blogohblog.com_breathtaking-movies.html" in files


@pytest.mark.parametrize("row", WP_ROWS, ids=WP_IDS)
@needs_corpus
def test_thread_shape_matches_manifest(row):
    thread = _thread(row["file"])
    assert thread.source.platform == "wordpress"
    stats = thread.stats()
    expected = {k: int(row[k]) for k in ("comments", "top_level", "max_depth")}
    assert {k: stats[k] for k in expected} == expected
    assert stats["deleted"] == 0
    ids = [c.id for c in walk(thread.comments)]
    assert len(ids) == len(set(ids))
    for c in walk(thread.comments):
        assert c.id.isdigit(), c.id
        assert c.author.name, c.id
        assert c.text.strip(), c.id
        assert c.kind in ("comment", "pingback", "trackback")
        assert c.permalink and c.permalink.endswith(f"#comment-{c.id}")
        # author, meta and reply links are not part of the text
        assert not c.text.rstrip().endswith(("Reply", "Antworten", "Répondre")), c.text[-40:]
        for reply in c.replies:
            assert reply.parent_id == c.id and reply.depth == c.depth + 1


@needs_corpus
def test_wordpress_pages_are_claimed_by_wordpress_only():
    from threadkeep.sites.blogger import BloggerSite as BloggerExtractor

    for row in WP_ROWS:
        page = _page(row["file"])
        assert WordPressExtractor().matches(page), row["file"]
        assert not BloggerExtractor().matches(page), row["file"]


@pytest.mark.parametrize("rel", NOT_WP, ids=[f.split("/")[-1][:40] for f in NOT_WP])
@needs_corpus
def test_other_platforms_are_not_wordpress(rel):
    assert not WordPressExtractor().matches(_page(rel))


@needs_corpus
def test_html5_markup_killsixbilliondemons():
    thread = _thread("wordpress/killsixbilliondemons.com_king-of-swords-10-141.html")
    first = thread.comments[0]
    assert first.id == "297861"
    assert first.author.name == "Meelock"
    assert first.text == "Is he calling her to start an uprising? Or am I interpreting this wrong."
    assert first.published == "2020-05-08T22:31:00"  # displayed date, no datetime attribute
    assert first.permalink == "https://killsixbilliondemons.com/comic/king-of-swords-10-141/#comment-297861"
    assert [r.id for r in first.replies][:2] == ["297870", "297916"]
    assert first.replies[0].author.name == "12 Horrible Goose Steals Bell From Village"
    deepest = max(walk(thread.comments), key=lambda c: c.depth)
    assert deepest.depth == 10
    assert thread.article.author.name == "Abbadon"


@needs_corpus
def test_html5_markup_lemire_author_replies_and_dates():
    thread = _thread("wordpress/lemire.me_2019-08_json-parsing-simdjson.html")
    a = thread.article
    assert a.title == "JSON parsing: simdjson vs. JSON for Modern C++"
    assert a.author.name == "Daniel Lemire"
    assert a.published == "2019-08-02T15:57:41+00:00"
    assert "simdjson" in a.text
    assert "Thanks, for posting this." not in a.text  # comments are not the article
    c = thread.comments[0]
    assert (c.id, c.author.name, c.author.url) == ("421882", "degski", "http://example.com")
    assert c.published == "2019-08-03T04:11:57+00:00"
    assert c.text.startswith("Thanks, for posting this.\n\nThat is well a mega difference")
    assert "<p>" in c.html and "comment-reply-link" not in c.html
    reply = thread.comments[1].replies[0]
    assert reply.author.name == "Daniel Lemire" and reply.author.is_post_author  # bypostauthor
    assert not c.author.is_post_author
    # the "recent comments" widget of the sidebar is not the thread
    assert thread.stats()["comments"] == 5


@needs_corpus
def test_old_walker_markup_and_is_post_author_by_class():
    thread = _thread("wordpress/thechrisellefactor.com_2016-01_productive-apps.html")
    first = thread.comments[0]
    assert first.author.name == "Kenyetta H."
    assert first.published == "2016-02-03T19:02:00"
    assert first.text.startswith("Hi Chriselle, love the post!")
    assert "February 3, 2016" not in first.text and "Reply" not in first.text
    replies_by_author = [r for c in thread.comments for r in c.replies if r.author.is_post_author]
    assert len(replies_by_author) == 21


@needs_corpus
def test_pingbacks_are_kept_and_typed():
    thread = _thread("wordpress/gormulus.wordpress.com_2012-12_durfen.html")
    pings = [c for c in walk(thread.comments) if c.kind == "pingback"]
    assert len(pings) == 5
    p = next(c for c in pings if c.id == "155")
    assert p.author.name == "Israel: Von Grabenkämpfen und dem Wert wahrer Freundschaft | Gormulus"
    assert p.author.url.startswith("https://gormulus.wordpress.com/2012/12/09/israel")
    assert p.text.startswith("Pingback:")
    moritz = _thread("wordpress/moritz-meyer.net_vreni-frost-abmahnung.html")
    kinds = [c.kind for c in walk(moritz.comments)]
    assert kinds.count("pingback") == 16 and kinds.count("comment") == 20
    ping = next(c for c in walk(moritz.comments) if c.id == "122")
    assert ping.author.url == "https://castlemaker.de/kennzeichnung-der-blogartikel/"
    assert ping.text.startswith("[…] Update vom 21.06.2018")
    ben = moritz.comments[0]
    assert ben.author.name == "Ben" and ben.published == "2018-06-19T15:28:00"  # German displayed date


@needs_corpus
def test_custom_callback_markup_li_comment_ids():
    thread = _thread("wordpress/businessjargons.com_leadership-styles.html")
    first = thread.comments[0]
    assert (first.id, first.author.name) == ("96", "Chris Anamani")
    assert first.text == "Good and very rich material on this website."
    assert first.published == "2017-02-23T12:33:18+05:30"


@needs_corpus
def test_pewresearch_byline_and_time_links_left_out_of_text():
    thread = _thread("wordpress/pewresearch.org_2014-11_fact-tank-mexico.html")
    first = thread.comments[0]
    assert first.author.name == "MA Sullivan"
    assert first.published == "2014-12-06T15:38:13+00:00"
    assert first.text.startswith("To refer to this population")
    assert "weeks ago" not in first.text


@needs_corpus
def test_chinese_displayed_dates_and_post_id():
    page = _page("wordpress/geekonomics10000.com_988_weigang-wan.html")
    extraction = WordPressExtractor().extract(page)
    assert extraction.post_id == "988"  # wp.me shortlink and no postid- class: from the comment form or #post-988
    assert extraction.comments[0].published == "2016-08-26T15:57:00"
    assert extraction.comments[0].author.name == "viewer"


@pytest.mark.parametrize(
    ("rel", "post_id"),
    [
        ("wordpress/businessjargons.com_leadership-styles.html", "3080"),  # shortlink ?p=
        ("wordpress/jacobbrazeal.wordpress.com_2020-11_learning-chess.html", "75"),  # body class postid-
        ("dragnet/R55_blogohblog.com_breathtaking-movies.html", "1809"),
    ],
)
@needs_corpus
def test_post_id(rel, post_id):
    extraction = WordPressExtractor().extract(_page(rel))
    assert extraction.post_id == post_id
    assert extraction.complete is True
    assert extraction.platform == "wordpress"


@needs_corpus
def test_labels_from_the_post_only():
    thread = _thread("wordpress/gormulus.wordpress.com_2012-12_durfen.html")
    assert thread.article.labels == ["Inland", "Politik", "Rant", "Antisemitismus", "Piraten"]
    assert thread.article.author.name == "Mathias"


@needs_corpus
def test_widget_links_to_other_posts_comment_pages_are_not_paging():
    page = _page(
        "wordpress/zulang.wordpress.com_2015-12_genitalverstuemmelung.html",
        "https://zulang.wordpress.com/2015/12/12/3-jahre-legalisierte-genitalverstuemmelung/",
    )
    assert comment_page_urls(page) == []
    assert not has_comment_paging(page)


NOISY_CONTENT = """<html><head><meta name="generator" content="WordPress 6.4"></head><body>
<ol class="commentlist">
<li id="comment-1" class="comment depth-1"><div class="comment-content">\r\n a &amp; b &lt;c&gt;
<div class="comment-author vcard"><cite>Ann</cite> says:</div> tail &amp; more <!-- a note -->
<div class="comment-meta-data"><span class="comment-time">May 8, 2020, 10:31 pm</span></div>\r\n
<div class="comment-text"><p>Text \u00a0&nbsp;with <a href="https://x.example/?a=1&amp;b=2">a link</a>.</p></div>
<span class="comment-reply-link"><a class="comment-reply-link" href="?replytocom=1#respond">Reply</a></span>
</div></li>
<li id="comment-2" class="comment depth-1"><div class="comment-content">
<div class="comment-author vcard"><cite>Bob</cite></div><div class="comment-text"><p>Kept.</p><p>\u00a0</p></div>
</div></li>
<li id="comment-3" class="comment depth-1"><div class="comment-content">
<div class="comment-text"><p>Deep <span class="reply">Reply</span> noise.</p></div></div></li>
<li id="comment-4" class="comment depth-1"><div class="comment-content"><div class="comment-author">Cy</div>
<div class="reply">Reply</div></div></li>
</ol></body></html>"""


def _content_reads(page: Page):
    """(what the in-place read answers or None, what the copy answers) for every comment's content element."""
    from threadkeep.html.text import content
    from threadkeep.sites.wordpress.content import _content_box, _noise_in, _read_in_place
    from threadkeep.sites.wordpress.markup import CONTENT
    from threadkeep.sites.wordpress.nodes import _comment_hits, _first

    for node in find_comment_nodes(page.tree):
        el = _first(_comment_hits(node), CONTENT)
        if el is not None:
            yield _read_in_place(el), content(_content_box(node, None, el, _noise_in(el, None), drop_empty=True))


@pytest.mark.parametrize(
    "rel", [pytest.param(r["file"], marks=needs_corpus) for r in WP_ROWS] + [None], ids=[*WP_IDS, "noisy"]
)
def test_content_read_in_place_is_the_copy_without_noise(rel):
    """The in-place read of a content element whose noise is among its children answers exactly
    what the copy without the noise answers; the other shapes are left to the copy."""
    page = _page(rel) if rel else Page(NOISY_CONTENT)
    reads = list(_content_reads(page))
    for fast, copied in reads:
        if fast is not None:
            assert fast == copied
    if rel is None:  # the first comment read in place; the empty block, deep noise and all-noise are not
        assert [fast is not None for fast, _ in reads] == [True, False, False, True]
        assert reads[0][0][1] == "a & b <c>\ntail & more\n\nText with a link."
        assert reads[3][0][1] == ""  # all noise: the caller reads it again without dropping


# ----------------------------------------------------------------------------- synthetic markup


PAGED = """<html><head><meta name="generator" content="WordPress 6.4">
<link rel="canonical" href="https://blog.example/2024/01/post/comment-page-2/">
<link rel="https://api.w.org/" href="https://blog.example/wp-json/"></head>
<body class="single postid-42"><article id="post-42" class="post-42 post hentry">
<h1 class="entry-title">Post</h1><div class="entry-content"><p>Body text.</p></div></article>
<div id="comments" class="comments-area"><ol class="comment-list">
<li id="comment-7" class="comment depth-1"><article id="div-comment-7" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Ann</b>
<span class="says">says:</span></div>
<div class="comment-metadata"><a href="https://blog.example/2024/01/post/comment-page-2/#comment-7">
<time datetime="2024-01-02T10:00:00+00:00">January 2, 2024</time></a></div></footer>
<div class="comment-content"><p>Hello.</p></div>
<div class="reply"><a class="comment-reply-link" href="?replytocom=7#respond">Reply</a></div></article>
<ol class="children"><li id="comment-8" class="trackback depth-2"><div class="comment-body">Trackback:
<a href="https://other.example/x" class="url">Other blog</a></div></li></ol></li></ol>
<nav class="navigation comment-navigation"><div class="nav-links">
<div class="nav-previous"><a href="https://blog.example/2024/01/post/comment-page-1/#comments">Older Comments</a></div>
<div class="nav-next"><a href="https://blog.example/2024/01/post/comment-page-3/#comments">Newer Comments</a></div>
</div></nav>
<a href="https://blog.example/2024/01/post/comment-page-3/#comments">3</a>
<a href="https://blog.example/2024/01/post/?cpage=4#comments">4</a></div>
<aside id="secondary" class="widget-area"><ul><li class="recentcomments" id="comment-99">
<a href="https://blog.example/other-post/comment-page-5/#comment-99">Bob</a> on Other</li></ul></aside>
</body></html>"""


def test_paged_thread_is_incomplete_and_lists_other_pages():
    page = Page(PAGED, "https://blog.example/2024/01/post/comment-page-2/")
    extraction = WordPressExtractor().extract(page)
    assert extraction.complete is False
    assert extraction.post_id == "42"
    assert comment_page_urls(page) == [
        "https://blog.example/2024/01/post/comment-page-1/",
        "https://blog.example/2024/01/post/comment-page-3/",
        "https://blog.example/2024/01/post/?cpage=4",
    ]
    [ann] = extraction.comments
    assert (ann.id, ann.author.name, ann.text, ann.published) == ("7", "Ann", "Hello.", "2024-01-02T10:00:00+00:00")
    [track] = ann.replies
    assert (track.id, track.kind, track.author.name, track.author.url) == (
        "8",
        "trackback",
        "Other blog",
        "https://other.example/x",
    )
    # the sidebar widget's li#comment-99 is not a comment of this thread
    assert [n.cid for n in find_comment_nodes(page.tree)] == ["7", "8"]
    assert rest_api_url(page, extraction.post_id) == (
        "https://blog.example/wp-json/wp/v2/comments?post=42&per_page=100&page=1&order=asc"
    )


def test_deep_nesting_has_no_recursion_limit():
    depth = 1000  # li + ul a level: 2000 deep, inside libxml2's limit (2048)
    html = ['<html><body><ol class="commentlist">']
    for i in range(1, depth + 1):
        html.append(
            f'<li id="comment-{i}" class="comment depth-{i}"><div class="comment-body">'
            f'<cite class="fn">u{i}</cite><p>text {i}</p></div><ul class="children">'
        )
    html.append("</ul></li>" * depth + "</ol></body></html>")
    page = Page("".join(html))
    nodes = find_comment_nodes(page.tree)
    assert len(nodes) == depth  # the whole chain, each comment inside the one before
    assert all(n.parent is nodes[i - 1] for i, n in enumerate(nodes) if i)
    comments = WordPressExtractor().extract(page).comments
    number_comments(comments)
    chain = list(walk(comments))
    assert len(chain) == len(nodes)
    # and the model keeps every one, nesting past MAX_DEPTH flattened one level above it
    assert [c.depth for c in chain] == [min(i, MAX_DEPTH) for i in range(1, len(nodes) + 1)]
    assert all(c.text == f"text {c.id}" and c.author.name == f"u{c.id}" for c in chain)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("May 8, 2020, 10:31 pm", "2020-05-08T22:31:00"),
        ("19. Juni 2018 um 15:28 Uhr", "2018-06-19T15:28:00"),
        ("2 décembre 2017", "2017-12-02"),
        ("八月 26, 2016 - 3:57 下午", "2016-08-26T15:57:00"),
        ("12:30 am, January 1st 2001", "2001-01-01"),
        ("2 weeks ago", None),
        ("Jun 28", None),
        ("", None),
    ],
)
def test_displayed_date(text, iso):
    assert displayed_date(text) == iso


# ----------------------------------------------------------------------------- REST API


def _rest(cid, parent, name, date_gmt, html, *, type_="comment", status="approved"):
    """A comment object as GET /wp-json/wp/v2/comments returns it (view context)."""
    return {
        "id": cid,
        "post": 42,
        "parent": parent,
        "author": 0,
        "author_name": name,
        "author_url": f"https://{name.lower()}.example/" if name else "",
        "date": date_gmt.replace("T10", "T12"),  # site time (UTC+2 here)
        "date_gmt": date_gmt,
        "content": {"rendered": html},
        "link": f"https://blog.example/2024/01/post/#comment-{cid}",
        "status": status,
        "type": type_,
        "author_avatar_urls": {"24": "https://secure.gravatar.com/avatar/x?s=24"},
        "meta": [],
        "_links": {"up": [{"href": "https://blog.example/wp-json/wp/v2/posts/42"}]},
    }


REST_ITEMS = [  # newest first, as the API's default order=desc gives them
    _rest(12, 10, "Cy", "2024-01-04T10:00:00", "<p>Reply two.</p>\n"),
    _rest(11, 10, "Bob", "2024-01-03T10:00:00", "<p>Reply <em>one</em>.</p>\n"),
    _rest(13, 0, "Dee", "2024-01-02T11:00:00", '<p>Second <a href="https://x.example/">top</a>.</p>\n'),
    _rest(10, 0, "Ann", "2024-01-02T10:00:00", "<p>First top.</p>\n<p>Two paragraphs.</p>\n"),
    _rest(14, 0, "Spam", "2024-01-05T10:00:00", "<p>buy</p>", status="spam"),
    _rest(15, 99, "Orphan", "2024-01-06T10:00:00", "<p>parent not here</p>"),
]


def test_comments_from_rest_nests_by_parent_and_orders_by_date():
    comments = comments_from_rest(REST_ITEMS)
    number_comments(comments)
    flat = [(c.number, c.id, c.author.name) for c in walk(comments)]
    assert flat == [
        ("1", "10", "Ann"),
        ("1.1", "11", "Bob"),
        ("1.2", "12", "Cy"),
        ("2", "13", "Dee"),
        ("3", "15", "Orphan"),
    ]
    ann = comments[0]
    assert ann.text == "First top.\n\nTwo paragraphs."
    assert ann.published == "2024-01-02T10:00:00+00:00"  # date_gmt, not the site's local date
    assert ann.permalink == "https://blog.example/2024/01/post/#comment-10"
    assert ann.author.url == "https://ann.example/"
    assert ann.kind == "comment" and not ann.deleted
    assert "<em>one</em>" in ann.replies[0].html


def test_comments_from_rest_kinds_and_relative_links():
    items = [
        _rest(20, 0, "Blog", "2024-01-01T00:00:00", "<p>[…] linked […]</p>", type_="pingback"),
        {**_rest(21, 0, "T", "2024-01-01T01:00:00", "<p>tb</p>", type_="trackback"), "link": "/p/#comment-21"},
    ]
    comments = comments_from_rest(items, base_url="https://blog.example/")
    assert [c.kind for c in comments] == ["pingback", "trackback"]
    assert comments[1].permalink == "https://blog.example/p/#comment-21"
    assert comments_from_rest([]) == []


def test_rest_api_url_variants():
    assert rest_api_url("https://blog.example/2024/01/post/", 42) == (
        "https://blog.example/wp-json/wp/v2/comments?post=42&per_page=100&page=1&order=asc"
    )
    assert rest_api_url("https://lemire.me/blog/wp-json/", "17725", page_no=3, per_page=50) == (
        "https://lemire.me/blog/wp-json/wp/v2/comments?post=17725&per_page=50&page=3&order=asc"
    )
    assert rest_api_url("https://plain.example/?rest_route=/", 5) == (
        "https://plain.example/?rest_route=%2Fwp%2Fv2%2Fcomments&post=5&per_page=100&page=1&order=asc"
    )
    require()
    page = _page("wordpress/lemire.me_2019-08_json-parsing-simdjson.html")
    extraction = WordPressExtractor().extract(page)
    assert rest_api_url(page, extraction.post_id) == (
        "https://lemire.me/blog/wp-json/wp/v2/comments?post=17725&per_page=100&page=1&order=asc"
    )


def test_merge_keeps_page_fields_and_adds_missing_comments():
    page_ann = Comment(id="10", text="First top (page).", author=Author("Ann", None, True), published=None)
    page_bob = Comment(id="11", text="Reply one (page).", author=Author("Bob"))
    page_ann.replies = [page_bob]
    page_dee = Comment(id="13", text="Dee on page", author=Author("Dee"), published="2024-01-02T11:00:00+00:00")
    pinged = Comment(id="30", text="Pingback: x", author=Author("x"), kind="pingback")
    page = [page_ann, page_dee, pinged]
    rest = comments_from_rest(REST_ITEMS)
    merged = merge_comments(page, rest)
    number_comments(merged)
    flat = [(c.number, c.id) for c in walk(merged)]
    assert flat == [("1", "10"), ("1.1", "11"), ("1.2", "12"), ("2", "13"), ("3", "30"), ("4", "15")]
    ann = merged[0]
    assert ann.text == "First top (page)."  # the page's text wins
    assert ann.author.is_post_author  # the page's flag is kept
    assert ann.author.url == "https://ann.example/"  # gaps filled from the API
    assert ann.published == "2024-01-02T10:00:00+00:00"
    assert merged[2].kind == "pingback"  # only on the page (the API lists comments only)
    # inputs untouched
    assert [r.id for r in page_ann.replies] == ["11"] and page_ann.published is None
    ids = [c.id for c in walk(merged)]
    assert len(ids) == len(set(ids))


def test_merge_places_new_comments_by_date_and_uses_other_parents():
    page = [
        Comment(id="1", text="a", published="2024-01-01T00:00:00+00:00"),
        Comment(id="3", text="c", published="2024-01-03T00:00:00+00:00"),
    ]
    other = comments_from_rest(
        [
            _rest(2, 0, "B", "2024-01-02T00:00:00", "<p>b</p>"),
            _rest(4, 3, "D", "2024-01-04T00:00:00", "<p>d</p>"),
            _rest(3, 0, "C", "2024-01-03T00:00:00", "<p>c from api</p>"),
        ]
    )
    merged = merge_comments(page, other)
    number_comments(merged)
    assert [(c.number, c.id, c.text) for c in walk(merged)] == [
        ("1", "1", "a"),
        ("2", "2", "b"),
        ("3", "3", "c"),
        ("3.1", "4", "d"),
    ]
    assert merge_comments([], []) == []
    assert [c.id for c in merge_comments(page, [])] == ["1", "3"]


def test_merge_survives_parent_cycles_and_deep_chains():
    looped = comments_from_rest(
        [_rest(1, 2, "A", "2024-01-01T00:00:00", "<p>a</p>"), _rest(2, 1, "B", "2024-01-02T00:00:00", "<p>b</p>")]
    )
    assert looped == []  # both are each other's parent: build_tree finds no root
    merged = merge_comments([], [Comment(id="1", text="a", replies=[Comment(id="2", text="b")])])
    assert [c.id for c in walk(merged)] == ["1", "2"]
    n = 20000
    chain = [_rest(i, i - 1, "U", f"2024-01-01T00:00:{i % 60:02d}", f"<p>{i}</p>") for i in range(1, n + 1)]
    deep = comments_from_rest(chain)
    merged = merge_comments([], deep)
    assert [c.id for c in walk(merged)] == [str(i) for i in range(1, n + 1)]  # the whole chain, in order
    number_comments(merged)
    assert max(c.depth for c in walk(merged)) == MAX_DEPTH  # nesting past the cap is flattened


_PIECES = st.sampled_from(
    [
        "text &amp; more",
        " a < b > c ",
        "\r\n",
        "  ",
        "<!-- note -->",
        "<p>Words here.</p>",
        "<p> · </p>",
        "<p><img src='https://x.example/i.png'></p>",
        "<div class='comment-author vcard'><cite>Ann</cite> says:</div>",
        "<div class='comment-meta'><a href='#comment-1'>May 8, 2020</a></div>",
        "<span class='reply'><a class='comment-reply-link' href='?replytocom=1'>Reply</a></span>",
        "<time datetime='2020-05-08'>May 8</time>",
        "<div><p>Nested <b>bold</b> &nbsp; text</p><span class='reply'>Reply</span></div>",
        "<blockquote><p>Quoted</p></blockquote>tail text",
        "<script>x()</script>",
        "<br>",
        "<span></span>",
        "<a href='javascript:alert(1)'>link</a>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8), st.sampled_from(["div", "section", "p", "span"]))
def test_content_read_in_place_matches_the_copy_on_generated_markup(pieces, tag):
    from threadkeep.html.text import content
    from threadkeep.sites.wordpress.content import _content_box, _noise_in, _read_in_place

    page = Page(f"<html><body><div id='x'><{tag} class='comment-content'>{''.join(pieces)}</{tag}></div></body></html>")
    el = page.by_id("x")[0]
    fast = _read_in_place(el)
    if fast is not None:
        assert fast == content(_content_box(None, None, el, _noise_in(el, None), drop_empty=True))
