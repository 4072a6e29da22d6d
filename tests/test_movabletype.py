"""Movable Type's footer comment templates recognised by content when a saved page has lost
its generator line, and the article's own "Posted by" line never taken for a comment.
Counts from ../shared/corpus2/MANIFEST.tsv and its gold."""

from __future__ import annotations

import re

from corpus import SHARED, needs_corpus
from threadkeep import extract

PAGES = SHARED / "corpus2" / "pages"


@needs_corpus
def test_sibling_footers_without_the_generator_line():
    html = (PAGES / "crazyauntpurl.com_2012-09_its-hot-but-knitting.html").read_text("utf-8", errors="replace")
    html = re.sub(r"<meta[^>]*generator[^>]*>", "", html, flags=re.IGNORECASE)
    thread = extract(html)
    assert thread.source.platform == "movabletype"
    comments = list(thread.all_comments())
    assert len(comments) == 164
    assert (comments[0].author.name, comments[0].published) == ("Ellen", "2012-09-10T11:40:00")
    assert "Posted by" not in thread.article.text or "Ellen" not in thread.article.text


def test_unwrapped_comments_between_anchors_and_footers():
    html = """<html><body><div class="entry-body"><p>The entry.</p>
    <p class="posted">Posted by paul at 09:39 PM | <a href="/p.html">Permalink</a></p></div>
    <h2><a id="comments"></a>Comments (2)</h2>
    <a id="c11"></a><p>First paragraph.</p><p>Second paragraph.</p>
    <p class="posted">Posted by: <a href="http://liz.example/">liz</a> at May 29, 2005 10:19:16 PM</p>
    <a id="c12"></a><p>Short one.</p>
    <p class="posted">Posted by:  at Jun 1, 2005 12:57:57 AM</p>
    </body></html>"""
    thread = extract(html)
    assert thread.source.platform == "movabletype"
    got = [(c.id, c.author.name, c.author.url, c.published, c.text) for c in thread.all_comments()]
    assert got == [
        ("11", "liz", "http://liz.example/", "2005-05-29T22:19:00", "First paragraph.\n\nSecond paragraph."),
        ("12", None, None, "2005-06-01T00:57:00", "Short one."),
    ]


def test_mt3_documented_template_with_a_classless_footer():
    # Movable Type 3.2's manual: <div id="c<$MTCommentID$>">BODY</div><p>Posted by: AUTHOR at DATE</p>
    html = """<html><head><meta name="generator" content="Movable Type 3.2"></head><body>
    <div class="entry-body"><p>The entry.</p></div><h2 id="comments">Comments</h2>
    <div id="c101"><p>Class-less footer below.</p></div>
    <p>Posted by: <a href="http://kim.example/">Kim</a> at March 3, 2006 08:15 PM</p>
    <p>Posted by the editor, not a comment footer: no comment before it.</p>
    </body></html>"""
    thread = extract(html)
    assert thread.source.platform == "movabletype"
    got = [(c.id, c.author.name, c.published, c.text) for c in thread.all_comments()]
    assert got == [("101", "Kim", "2006-03-03T20:15:00", "Class-less footer below.")]
