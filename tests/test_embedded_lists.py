"""Comment lists that an embedded comment service writes into the page itself (Disqus's
server-rendered fallback list), read whichever site claims the page. Facts from
../shared/corpus2/gold (the pages' own markup, read by hand)."""

from __future__ import annotations

import pytest

from corpus import SHARED, needs_corpus
from threadkeep import extract
from threadkeep.inputs import archive_file

CORPUS2 = SHARED / "corpus2" / "pages"


@needs_corpus
@pytest.mark.parametrize(
    ("page", "count", "first_author", "first_text"),
    [
        ("mashable.com_2010-08_how-not-to-ask-someone-out-online.html", 12, "Harry Ward", "Seriously? You're just"),
        ("techcrunch.com_2010-08_gantto-project-management.html", 20, "raj", "holy cow! may the good lord"),
    ],
)
def test_disqus_fallback_list_is_read_on_a_wordpress_page(page, count, first_author, first_text):
    thread = archive_file(str(CORPUS2 / page))
    comments = list(thread.all_comments())
    assert len(comments) == count
    assert thread.stats()["top_level"] == count
    assert comments[0].author.name == first_author
    assert comments[0].text.startswith(first_text)
    assert all(c.published is None for c in comments)  # the list shows no dates
    assert thread.external_comments is not None and thread.external_comments.service == "disqus"


@needs_corpus
def test_disqus_fallback_pingbacks_keep_the_linking_posts_title():
    thread = archive_file(str(CORPUS2 / "mashable.com_2010-08_how-not-to-ask-someone-out-online.html"))
    pingbacks = [c for c in thread.all_comments() if c.kind == "pingback"]
    assert [c.author.name for c in pingbacks] == [
        "Outsourcing Our Love Lives: How Online Dating Works [VIDEO]",
        "Outsourcing Our Love Lives: How Online Dating Works [VIDEO] | iuvo Shopper & Community Newspaper News",
    ]
    assert pingbacks[0].author.url == "http://mashable.com/2010/09/15/online-dating-video/"


def test_disqus_fallback_replies_nest_under_their_parent():
    html = """<html><body><article><h1>Post</h1><p>Body text of the post.</p></article>
    <div id="disqus_thread"><div id="dsq-content"><ul id="dsq-comments">
      <li id="dsq-comment-1"><div class="dsq-comment-header"><cite id="dsq-cite-1">
        <a id="dsq-author-user-1" href="http://ann.example/">Ann</a></cite></div>
        <div class="dsq-comment-body">
          <div id="dsq-comment-message-1" class="dsq-comment-message"><p>First.</p></div></div>
        <ul class="children"><li id="dsq-comment-2"><cite id="dsq-cite-2"><span id="dsq-author-user-2">Bob</span></cite>
          <div id="dsq-comment-message-2" class="dsq-comment-message"><p>A reply.</p></div></li></ul>
      </li>
      <li id="dsq-comment-3"><cite id="dsq-cite-3"><span id="dsq-author-user-3">Cy</span></cite>
        <div id="dsq-comment-message-3" class="dsq-comment-message"><p>Second.</p></div></li>
    </ul></div></div></body></html>"""
    thread = extract(html)
    got = [(c.number, c.author.name, c.author.url, c.text) for c in thread.all_comments()]
    assert got == [
        ("1", "Ann", "http://ann.example/", "First."),
        ("1.1", "Bob", None, "A reply."),
        ("2", "Cy", None, "Second."),
    ]
