"""Drupal's comment module: Drupal 7 and 8 markup, threads by div.indented, and the comment
pager followed over a real HTTP server. Pages are written here from Drupal's core templates
(comment.html.twig, comment.tpl.php); the corpus2 page is in DrupalSite.CASES."""

from __future__ import annotations

from threadkeep import extract
from threadkeep.pipeline import FetchOptions, archive_url


def d8_comment(cid: int, name: str, when: str, text: str, *, reply_to: str | None = None) -> str:
    hidden = (
        f'<p class="visually-hidden">In reply to <a href="/comment/1">x</a> by '
        f'<span typeof="schema:Person" property="schema:name">{reply_to}</span></p>'
        if reply_to
        else ""
    )
    return f"""<article data-comment-user-id="0" id="comment-{cid}" about="/comment/{cid}"
      typeof="schema:Comment" class="comment js-comment">
      <footer class="comment__meta">
        <p class="comment__author"><span rel="schema:author"><span typeof="schema:Person"
          property="schema:name">{name}</span></span></p>
        <p class="comment__time">{when}</p>
        <span property="schema:dateCreated" content="{when}" class="hidden"></span>{hidden}
      </footer>
      <div class="content">
        <h3 property="schema:name" datatype=""><a href="/comment/{cid}#comment-{cid}">A title</a></h3>
        <div property="schema:text" class="field--name-comment-body"><p>{text}</p></div>
        <ul class="links inline"><li class="comment-reply">
          <a href="/comment/reply/node/1/comment/{cid}">Reply</a></li></ul>
      </div></article>"""


def d8_page(comments: str, pager: str = "") -> str:
    return f"""<html lang="en"><head><meta name="Generator" content="Drupal 8 (https://www.drupal.org)">
    <title>A post</title></head><body><article class="node"><h1>A post</h1>
    <div class="node__content"><p>The article's own text, long enough to be the body.</p></div></article>
    <section class="comments">{comments}{pager}</section></body></html>"""


def test_drupal8_threads_by_indentation():
    html = d8_page(
        d8_comment(1, "Ann", "2021-03-01T10:00:00+00:00", "First comment.")
        + '<div class="indented">'
        + d8_comment(2, "Bob", "2021-03-01T11:00:00+00:00", "A reply.", reply_to="Ann")
        + '<div class="indented">'
        + d8_comment(3, "Cy", "2021-03-01T12:00:00+00:00", "A reply to the reply.", reply_to="Bob")
        + "</div></div>"
        + d8_comment(4, "Dee", "2021-03-02T09:00:00+00:00", "Second thread.")
    )
    thread = extract(html)
    assert thread.source.platform == "drupal"
    got = [(c.number, c.author.name, c.published, c.text) for c in thread.all_comments()]
    assert got == [
        ("1", "Ann", "2021-03-01T10:00:00+00:00", "First comment."),
        ("1.1", "Bob", "2021-03-01T11:00:00+00:00", "A reply."),
        ("1.1.1", "Cy", "2021-03-01T12:00:00+00:00", "A reply to the reply."),
        ("2", "Dee", "2021-03-02T09:00:00+00:00", "Second thread."),
    ]


def test_drupal7_comment_with_submitted_line():
    html = """<html><head><meta name="Generator" content="Drupal 7 (http://drupal.org)"></head><body>
    <div class="node"><h1>Post</h1><div class="content"><p>The post.</p></div></div>
    <div id="comments" class="comment-wrapper">
      <a id="comment-17"></a>
      <div class="comment clearfix" about="/comment/17#comment-17" typeof="sioc:Post sioct:Comment">
        <div class="submitted">Submitted by <span class="username" typeof="sioc:UserAccount"
          property="foaf:name">Eve</span> on <span property="dc:date dc:created"
          content="2012-05-04T10:12:00+02:00">Fri, 05/04/2012 - 10:12</span></div>
        <h3 property="dc:title"><a href="/comment/17#comment-17">Hello</a></h3>
        <div class="content"><div class="field field-name-comment-body"><p>Drupal seven text.</p></div></div>
        <ul class="links inline"><li class="comment-reply first last"><a href="/comment/reply/1/17">reply</a></li></ul>
      </div></div></body></html>"""
    thread = extract(html)
    assert thread.source.platform == "drupal"
    [c] = list(thread.all_comments())
    assert (c.id, c.author.name, c.published, c.text) == (
        "17",
        "Eve",
        "2012-05-04T10:12:00+02:00",
        "Drupal seven text.",
    )


def test_drupal_comment_pages_are_followed(server):
    pager = (
        '<nav class="pager"><ul><li class="pager__item pager__item--next">'
        '<a href="/post?page={n}" rel="next">Next</a></li></ul></nav>'
    )
    server.route("/robots.txt", status=404)
    server.route("/post", d8_page(d8_comment(1, "Ann", "2021-03-01T10:00:00+00:00", "On page one."), pager.format(n=1)))
    server.route(
        "/post?page=1", d8_page(d8_comment(2, "Bob", "2021-03-02T10:00:00+00:00", "On page two."), pager.format(n=2))
    )
    server.route("/post?page=2", d8_page(d8_comment(3, "Cy", "2021-03-03T10:00:00+00:00", "On page three.")))
    thread = archive_url(server.url("/post"), FetchOptions(min_delay=0, retries=1))
    assert [c.text for c in thread.all_comments()] == ["On page one.", "On page two.", "On page three."]
    only_page = archive_url(server.url("/post"), FetchOptions(min_delay=0, retries=1, comments="page"))
    assert [c.text for c in only_page.all_comments()] == ["On page one."]


def test_drupal6_comment_after_its_anchor():
    html = """<html><body><div class="node"><h2>Post</h2><div class="content"><p>The post text.</p></div></div>
    <div id="comments">
      <a id="comment-5"></a>
      <div class="comment comment-published odd">
        <h3><a href="/node/1#comment-5" class="active">Subject line</a></h3>
        <div class="submitted">Submitted by <a href="/user/3" class="username">Gil</a> on Tue, 05/04/2010 - 10:12.</div>
        <div class="content"><p>Drupal six text.</p></div>
        <ul class="links"><li class="comment_reply first"><a href="/comment/reply/1/5">reply</a></li></ul>
      </div>
      <div class="indented"><a id="comment-6"></a>
        <div class="comment comment-published even"><div class="submitted">Submitted by Guest on Tue, 05/04/2010.</div>
        <div class="content"><p>A guest's reply.</p></div></div></div>
    </div></body></html>"""
    thread = extract(html)
    assert thread.source.platform == "drupal"
    got = [(c.number, c.id, c.author.name, c.text) for c in thread.all_comments()]
    assert got == [("1", "5", "Gil", "Drupal six text."), ("1.1", "6", "Guest", "A guest's reply.")]
