"""The WordPress family's other layouts: Thesis' dt/dd list, wpDiscuz (4.x `wc-`, 7.x `wpd-`) and its
"load more" pages, the classic themes' bylines, numeric dates in the page's order, widgets.

The markup below follows the templates that write it (Thesis' comment list, wpDiscuz's walker,
the Kubrick and Classic themes' comments.php); the real pages are WordPressSite.CASES."""

from __future__ import annotations

from server import Resp
from threadkeep import extract
from threadkeep.pipeline import FetchOptions, archive_url
from threadkeep.sites.wordpress.when import NumericDates

HEAD = '<html lang="en-US"><head><meta name="generator" content="WordPress 4.9"><title>Post</title></head>'


def _flat(comments):
    out = []
    stack = list(reversed(comments))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c.replies))
    return out


def _wc(cid: int, parent: int, name: str, text: str, replies: str = "") -> str:
    """One wpDiscuz 4.x comment, replies nested inside its wrapper."""
    return (
        f'<div id="wc-comm-{cid}_{parent}" class=" wc-comment wc-blog-guest wc_comment_level-1">'
        f'<div id="comment-{cid}" class="wc-comment-right"><div class="wc-comment-header">'
        f'<div class="wc-comment-author ">{name}</div><div class="wc-comment-link"><span class="share_buttons_box">'
        f'<a class="wc_tw" href="https://twitter.com/intent/tweet?url=x">Teilen?</a></span></div></div>'
        f'<div class="wc-comment-text"><p>{text}</p></div><div class="wc-comment-footer">'
        f'<div class="wc-footer-left"><span class="wc-vote-result">4</span></div><div class="wc-footer-right">'
        f'<div class="wc-comment-date">2 Stunden her</div><div class="wc-reply-button">Antworten</div></div></div>'
        f"</div>{replies}</div>"
    )


def _wpdiscuz4_page(comments: str, more: str | None) -> str:
    pagination = (
        f'<div class="wpdiscuz-comment-pagination"><div class="wc-load-more-submit-wrap">'
        f'<a class="wc-load-more-link" href="{more}"><button class="wc-load-more-submit">Load more</button></a>'
        f'</div><input id="wpdiscuzHasMoreComments" type="hidden" value="1" /></div>'
        if more
        else '<div class="wpdiscuz-comment-pagination"></div>'
    )
    return (
        f'{HEAD}<body class="single sidebar postid-7"><article id="post-7" class="post-7 post hentry">'
        f'<h1 class="entry-title">Post</h1><div class="entry-content"><p>Body.</p></div></article>'
        f'<div id="comments" class="comments-area"><div id="wpcomm">'
        f'<div id="wcThreadWrapper" class="wc-thread-wrapper">'
        f"{comments}{pagination}</div></div></div></body></html>"
    )


def test_wpdiscuz_4_replies_nest_in_their_wrapper_and_a_body_class_does_not_hide_them():
    page = _wpdiscuz4_page(
        _wc(3, 0, "Ann", "First.", _wc(4, 3, "Bob", "Reply to Ann.")) + _wc(2, 0, "Cy", "Second."), None
    )
    thread = extract(page)
    assert [(c.number, c.author.name, c.text) for c in _flat(thread.comments)] == [
        ("1", "Ann", "First."),
        ("1.1", "Bob", "Reply to Ann."),
        ("2", "Cy", "Second."),
    ]
    assert all(c.published is None for c in _flat(thread.comments))  # "2 Stunden her" is never an instant


def test_wpdiscuz_load_more_pages_are_followed(server):
    server.route("/robots.txt", status=404)
    first = _wpdiscuz4_page(_wc(9, 0, "Ann", "Newest.") + _wc(8, 0, "Bob", "Older."), "/post/?wpdParentID=8")
    second = _wpdiscuz4_page(_wc(8, 0, "Bob", "Older.") + _wc(5, 0, "Cy", "Oldest."), None)
    server.route("/post/", lambda req: Resp(200, second if "wpdParentID" in req.path else first))
    thread = archive_url(server.url("/post/"), FetchOptions(min_delay=0, retries=1))
    assert [(c.author.name, c.text) for c in _flat(thread.comments)] == [
        ("Ann", "Newest."),
        ("Bob", "Older."),
        ("Cy", "Oldest."),
    ]
    assert [r.path for r in server.requests_to("/post/")] == ["/post/", "/post/?wpdParentID=8"]


def test_wpdiscuz_without_more_is_complete_and_not_followed(server):
    server.route("/robots.txt", status=404)
    server.route("/post/", _wpdiscuz4_page(_wc(9, 0, "Ann", "Only."), None))
    server.route("/wp-json/", status=404, prefix=True)
    thread = archive_url(server.url("/post/"), FetchOptions(min_delay=0, retries=1))
    assert len(thread.comments) == 1
    assert not server.requests_to("/wp-json/wp/v2/comments")


def _wpd(cid: int, parent: int, depth: int, name: str, date: str, text: str, replies: str = "") -> str:
    """One wpDiscuz 7.x comment: get_comment_class() classes on the wrapper, replies inside it."""
    reply = " wpd-reply" if parent else ""
    return (
        f'<div id="wpd-comm-{cid}_{parent}" '
        f'class="comment even depth-{depth} wpd-comment{reply} wpd_comment_level-{depth}">'
        f'<div class="wpd-comment-wrap wpd-blog-guest"><div class="wpd-comment-left"><div class="wpd-avatar">'
        f'<img alt="{name}" src="a.png" class="avatar"></div></div><div id="comment-{cid}" class="wpd-comment-right">'
        f'<div class="wpd-comment-header"><div class="wpd-comment-author">{name}</div>'
        f'<div class="wpd-comment-date" title="{date}"><i class="far fa-clock"></i> 3 years ago</div>'
        f'<div class="wpd-comment-link wpd-hidden"><span wpd-tooltip="Comment Link"><i class="fas fa-link"></i></span>'
        f'</div></div><div class="wpd-comment-text"><p>{text}</p></div><div class="wpd-comment-footer">'
        f'<div class="wpd-vote"><div class="wpd-vote-up">+</div><div class="wpd-vote-result">3</div>'
        f'<div class="wpd-vote-down">-</div></div><div class="wpd-reply-button"><span>Reply</span></div></div>'
        f"</div></div>{replies}</div>"
    )


def test_wpdiscuz_7_author_absolute_date_text_and_parent():
    comments = _wpd(
        11, 0, 1, "Ann", "March 10, 2021 1:26 am", "Top.", _wpd(12, 11, 2, "Bob", "March 11, 2021 3:04 pm", "Under.")
    )
    page = (
        f'{HEAD}<body><article id="post-7" class="post-7 post hentry"><div class="entry-content"><p>B.</p></div>'
        f'</article><div id="comments"><div id="wpdcom"><div class="wpd-thread-list">{comments}</div></div></div>'
        "</body></html>"
    )
    got = [(c.number, c.author.name, c.published, c.text) for c in _flat(extract(page).comments)]
    assert got == [("1", "Ann", "2021-03-10T01:26:00", "Top."), ("1.1", "Bob", "2021-03-11T15:04:00", "Under.")]


def test_thesis_dt_dd_comments_and_their_previous_comments_page(server):
    def dl(*items):
        return '<dl id="comment_list">' + "".join(items) + "</dl>"

    def item(cid, name, when, text, children=""):
        return (
            f'<dt class="comment depth-1" id="comment-{cid}"><span class="comment_num"><a href="#comment-{cid}">'
            f'{cid}</a></span> <span class="comment_author">{name}</span> <span class="comment_time">{when}</span></dt>'
            f'<dd class="comment depth-1"><div class="format_text"><p>{text}</p>'
            f'<p class="reply"><a class="comment-reply-link" href="?replytocom={cid}#respond">Reply</a></p></div>'
            f"{children}</dd>"
        )

    reply = (
        '<dl class="children"><dt class="comment depth-2" id="comment-4"><span class="comment_author">Dee</span>'
        '<span class="comment_time">11.07.12 at 9:05 am</span></dt><dd class="comment depth-2">'
        '<div class="format_text"><p>Nested.</p></div></dd></dl>'
    )
    page2 = (
        f'{HEAD}<body class="single postid-3"><div class="post_box hentry"><div class="format_text entry-content">'
        f'<p>Body.</p></div></div><div id="comments"><p class="previous"><a href="/post/comment-page-1/#comments">'
        f"&larr; Previous Comments</a></p>"
        + dl(item(3, "Cy", "11.07.12 at 8:00 am", "Third.", reply))
        + "</div></body></html>"
    )
    page1 = (
        f'{HEAD}<body class="single postid-3"><div id="comments">'
        + dl(item(1, "Ann", "11.06.12 at 11:06 am", "First."), item(2, "Bob", "11.06.12 at 11:22 pm", "Second."))
        + "</div></body></html>"
    )
    server.route("/robots.txt", status=404)
    server.route("/post/", page2)
    server.route("/post/comment-page-1/", page1)
    thread = archive_url(server.url("/post/"), FetchOptions(min_delay=0, retries=1))
    got = {c.author.name: (c.published, c.text, c.parent_id) for c in _flat(thread.comments)}
    assert got == {
        "Cy": ("2012-11-07T08:00:00", "Third.", None),
        "Dee": ("2012-11-07T09:05:00", "Nested.", "3"),
        "Ann": ("2012-11-06T11:06:00", "First.", None),
        "Bob": ("2012-11-06T23:22:00", "Second.", None),
    }


def test_classic_and_kubrick_bylines_leave_the_text():
    classic = (
        f'{HEAD}<body><ol id="commentlist"><li id="comment-5"><p>Could be worse.</p>'
        "<p><cite>Comment by <a href='http://x.example' rel='external nofollow'>D-Bomb</a> &#8212; January 7, 2008 @ "
        '<a href="#comment-5">8:21 pm</a></cite></p></li><li id="comment-6"><p>Agreed.</p>'
        "<p><cite>Comment by Dawn &#8212; January 7, 2008 @ <a href='#comment-6'>8:48 pm</a></cite></p></li></ol>"
        "</body></html>"
    )
    kubrick = (
        f'{HEAD}<body><ol class="commentlist"><li class="alt" id="comment-7"><cite>Ramón</cite> dijo:<br />'
        '<small class="commentmetadata"><a href="#comment-7">January 8th, 2008 at 1:36 am</a></small>'
        "<p>Muy bien.</p></li></ol></body></html>"
    )
    got = [(c.author.name, c.published, c.text) for c in _flat(extract(classic).comments)]
    assert got == [("D-Bomb", "2008-01-07T20:21:00", "Could be worse."), ("Dawn", "2008-01-07T20:48:00", "Agreed.")]
    (c,) = extract(kubrick).comments
    assert (c.author.name, c.published, c.text) == ("Ramón", "2008-01-08T01:36:00", "Muy bien.")


def test_a_byline_without_author_markup_is_read_and_left_out():
    page = (
        f'{HEAD}<body><ul class="comments"><li id="comment-1508"><div><img src="a.jpg" alt="" />'
        '<h2 id="c1508">Ein Argument</h2><span class="metadata">geschrieben von berg2012 am 21. Jan. 2015, 19:04'
        '</span><span class="reply-comment">[ <a href="/login">antworten</a> ]</span></div><p>Ich hätte eine'
        ' andere Erklärung.</p></li><li id="comment-1509"><div><span class="metadata">geschrieben von wScherf am'
        " 21. Jan. 2015, 20:02</span></div><p>Ein Missverständnis.</p></li></ul></body></html>"
    )
    got = [(c.author.name, c.published, c.text) for c in _flat(extract(page).comments)]
    assert got == [
        ("berg2012", "2015-01-21T19:04:00", "Ich hätte eine andere Erklärung."),
        ("wScherf", "2015-01-21T20:02:00", "Ein Missverständnis."),
    ]


def test_a_recent_comments_tab_is_not_the_thread():
    page = (
        f'{HEAD}<body><ol class="commentlist"><li class="comment depth-1" id="comment-1"><div class="comment-author">'
        '<cite class="fn">Ann</cite></div><div class="comment-content"><p>Mine.</p></div></li></ol>'
        '<div id="fbAllComments" class="fbconnect_LastComments"><ol><li class="fbalt" id="comment-90">'
        '<b><a href="/2011/04/other-post/" rel="bookmark">Other post</a></b><cite>By Hairy</cite>'
        '<p>Elsewhere.</p></li><li id="comment-91"><cite>By Bob</cite><p>Also elsewhere.</p></li></ol></div>'
        "</body></html>"
    )
    assert [c.text for c in extract(page).comments] == ["Mine."]


def test_numeric_dates_follow_the_page_order():
    def settle(texts, lang=None, post=None):
        from threadkeep.model import Comment

        dates = NumericDates(lang, post)
        comments = [Comment(id=str(i), text="", html="") for i in range(len(texts))]
        for c, t in zip(comments, texts, strict=True):
            dates.later(c, NumericDates.parts(t))
        dates.settle()
        return [c.published for c in comments]

    # a number over 12 decides for the whole page
    assert settle(["03.04.12 at 9:00 am", "25.04.12 at 10:00 pm"], lang="en-US") == [
        "2012-04-03T09:00:00",
        "2012-04-25T22:00:00",
    ]
    # else the post's date: a comment is never older than its post
    assert settle(["11.06.12 at 11:06 am"], post="2012-11-06") == ["2012-11-06T11:06:00"]
    assert settle(["06.11.12 um 11:06"], post="2012-11-05") == ["2012-11-06T11:06:00"]
    # else the language: month first in US English, day first elsewhere
    assert settle(["07/04/2013 à 17:29"], lang="fr-FR") == ["2013-04-07T17:29:00"]
    assert settle(["07/04/2013 at 5:29 pm"], lang="en-US") == ["2013-07-04T17:29:00"]
    assert NumericDates.parts("March 3, 2012") is None


def test_a_wordpress_page_that_embeds_disqus_says_so():
    page = (
        f'{HEAD}<body><article id="post-7" class="post-7 post hentry"><div class="entry-content"><p>B.</p></div>'
        '</article><div id="disqus_thread"></div><script>var disqus_shortname = "myblog";</script></body></html>'
    )
    thread = extract(page, url="https://blog.example/2020/01/post/")
    assert thread.comments == []
    assert thread.external_comments is not None and thread.external_comments.service == "disqus"


def test_another_comment_system_rendered_in_the_page_is_read_through_its_site(monkeypatch):
    from threadkeep.model import Comment
    from threadkeep.sites.base import Site

    class Rendered(Site):
        name = "rendered-list"

        def embedded_list(self, page):
            return [Comment(id=el.get("id"), text=el.text, html=el.text) for el in page.css("li.other-comment")]

    monkeypatch.setattr(Site, "embedders", [Rendered()])
    page = (
        f'{HEAD}<body><article id="post-7" class="post-7 post hentry"><div class="entry-content"><p>B.</p></div>'
        '</article><ul><li class="other-comment" id="x1">One.</li><li class="other-comment" id="x2">Two.</li></ul>'
        "</body></html>"
    )
    thread = extract(page)
    assert thread.source.platform == "wordpress"
    assert [c.text for c in thread.comments] == ["One.", "Two."]


def test_an_empty_wrapper_item_is_no_comment_and_its_replies_keep_their_parent():
    page = (
        f'{HEAD}<body><ol class="commentlist"><li class="comment depth-1" id="comment-1"><div class="comment-author">'
        '<cite class="fn">Ann</cite></div><div class="comment-content"><p>Top.</p></div><ul class="children">'
        '<li class="depth-2"><ul class="children"><li class="comment depth-3" id="comment-2">'
        '<div class="comment-author">'
        '<cite class="fn">Bob</cite></div><div class="comment-content"><p>Under.</p></div></li></ul></li></ul></li>'
        '<li class="comment depth-1"><div class="comment-author"><cite class="fn">Cy</cite></div>'
        '<div class="comment-content"><p>No id.</p></div><ul class="children">'
        '<li class="comment depth-2" id="comment-4">'
        '<div class="comment-author"><cite class="fn">Dee</cite></div><div class="comment-content"><p>To Cy.</p></div>'
        "</li></ul></li></ol></body></html>"
    )
    got = [(c.number, c.author.name, c.text) for c in _flat(extract(page).comments)]
    assert got == [("1", "Ann", "Top."), ("1.1", "Bob", "Under."), ("2", "Cy", "No id."), ("2.1", "Dee", "To Cy.")]


def test_a_permalink_labelled_with_the_date_gives_the_date():
    page = (
        f'{HEAD}<body><ol class="commentlist"><li class="comment depth-1" id="comment-9"><div class="comment-author">'
        '<cite class="fn">Ann</cite></div><p class="when"><a href="#comment-9">June 28, 2015 at 10:25 pm</a></p>'
        '<div class="comment-content"><p>Mine.</p></div></li></ol></body></html>'
    )
    (c,) = extract(page).comments
    assert (c.author.name, c.published, c.text) == ("Ann", "2015-06-28T22:25:00", "Mine.")


def test_a_numeric_date_in_a_title_is_read_in_the_page_order():
    comments = _wpd(11, 0, 1, "Ann", "10.03.2021 01:26", "Top.") + _wpd(13, 0, 1, "Bob", "25.03.2021 09:00", "Next.")
    page = (
        '<html lang="de-DE"><head><meta name="generator" content="WordPress 6.1"></head><body>'
        f'<div id="wpdcom"><div class="wpd-thread-list">{comments}</div></div></body></html>'
    )
    assert [c.published for c in extract(page).comments] == ["2021-03-10T01:26:00", "2021-03-25T09:00:00"]


def test_wpdiscuz_7_loading_comments_only_on_a_click_is_completed_from_the_rest_api(server):
    page = (
        '<html lang="en-US"><head><meta name="generator" content="WordPress 6.1">'
        '<link rel="https://api.w.org/" href="/wp-json/"></head><body class="single postid-42">'
        '<article id="post-42" class="post-42 post hentry"><div class="entry-content"><p>B.</p></div></article>'
        '<div id="comments"><div id="wpdcom"><div class="wpd-thread-head"><div class="wpd-thread-info" '
        'data-comments-count="1">1 Comment</div></div><div class="wpd-thread-list">'
        '<div class="wpd-load-more-submit-wrap">'
        '<button name="submit" class="wpd-load-comments wpd-prim-button">View Comments</button></div></div></div></div>'
        "</body></html>"
    )
    rest = [
        {
            "id": 5,
            "post": 42,
            "parent": 0,
            "author_name": "Ann",
            "date_gmt": "2021-03-10T01:26:00",
            "content": {"rendered": "<p>From the API.</p>"},
            "link": "/post/#comment-5",
            "status": "approved",
            "type": "comment",
        }
    ]
    import json

    server.route("/robots.txt", status=404)
    server.route("/post/", page)
    server.route("/wp-json/wp/v2/comments", json.dumps(rest), headers={"Content-Type": "application/json"})
    thread = archive_url(server.url("/post/"), FetchOptions(min_delay=0, retries=1))
    assert [(c.author.name, c.text) for c in thread.comments] == [("Ann", "From the API.")]


def test_a_theme_naming_the_author_and_date_its_own_way():
    page = (
        f'{HEAD}<body><ol class="commentlist"><li class="comment depth-1" id="comment-3"><div class="commentauthor">'
        'Ann <span class="comment-timestamp">March 3, 2019 at 9:15 am</span></div><div class="commenttext">'
        "<p>Hello.</p></div></li></ol></body></html>"
    )
    (c,) = extract(page).comments
    assert (c.author.name, c.published, c.text) == ("Ann", "2019-03-03T09:15:00", "Hello.")
