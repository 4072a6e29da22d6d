"""Blogger's 2012 script-threaded layout: the `items` list of the rendering script (a JavaScript
literal), and the rendered list when a saved page has lost that script. Expected values from
../shared/corpus2/gold (the page read by hand)."""

from __future__ import annotations

import json
import re

import pytest

from corpus import SHARED, needs_corpus
from threadkeep import extract
from threadkeep.sites.blogger.script import NotLiteral, js_literal

PAGE = SHARED / "corpus2" / "pages" / "thefischbowl.blogspot.com_2012-10_backwards.html"
GOLD_FILE = SHARED / "corpus2" / "gold" / "thefischbowl.blogspot.com_2012-10_backwards.json"


def gold() -> dict:
    return json.loads(GOLD_FILE.read_text())


def test_js_literal_reads_blogger_escapes():
    text = r"""[{'id': '1', 'body': 'don\46#39;t \74br /\76ok', 'n': 2, 'ok': true, 'x': null, "d": "q\"\u00e9"}, ]"""
    assert js_literal(text) == [{"id": "1", "body": "don&#39;t <br />ok", "n": 2, "ok": True, "x": None, "d": 'q"é'}]
    with pytest.raises(NotLiteral):
        js_literal("[function() {}]")


def shape(thread):
    comments = list(thread.all_comments())
    index = {c.id: i for i, c in enumerate(comments)}
    return [(c.author.name, index.get(c.parent_id)) for c in comments]


@needs_corpus
def test_script_items_give_ids_parents_and_exact_times():
    thread = extract(PAGE.read_bytes())
    assert shape(thread) == [(g["author"], g["parent"]) for g in gold()["comments"]]
    first = next(iter(thread.all_comments()))
    assert first.id == "5524387235224778622"
    assert first.published.startswith("2012-10-28T23:33:38")  # 5:33 PM at UTC-6, to the second


@needs_corpus
def test_rendered_list_when_the_script_is_gone():
    html = PAGE.read_text("utf-8", errors="replace")
    html = re.sub(r"var items = \[", "var gone = [", html)
    thread = extract(html)
    assert shape(thread) == [(g["author"], g["parent"]) for g in gold()["comments"]]
    texts = [c.text for c in thread.all_comments()]
    assert all(" ".join(t.split()).startswith(g["text_start"]) for t, g in zip(texts, gold()["comments"], strict=True))


def test_classic_template_variants():
    # Blogger's classic templates: li#cID with div.comment-body and a p or div "comment-data" line
    html = """<html><body><div class="post"><h3 class="post-title">T</h3>
    <div class="post-body"><p>Post text here.</p></div></div>
    <div id="comments"><h4>3 Comments:</h4><ul>
      <li id="c110538495541583581"><div class="comment-body"><p>One.</p></div>
        <p class="comment-data">By <a href="http://www.blogger.com/profile/1">Ann</a>, at
          <a href="#c110538495541583581" title="comment permalink">12:22 PM</a></p></li>
      <li id="c110538495541583582"><div class="comment-body"><p>Two.</p></div>
        <div class="comment-data">Posted by Bob at <a href="#c110538495541583582">9:00 AM</a></div></li>
      <li id="c999"><div class="comment-body"><p>Three.</p></div>
        <p class="comment-data">By Anonymous, at <a href="#c999">1:00 PM</a></p></li>
    </ul></div><a href="http://www.blogger.com/">Blogger</a></body></html>"""
    thread = extract(html)
    assert thread.source.platform == "blogger"
    got = [(c.id, c.author.name, c.author.url, c.published, c.text) for c in thread.all_comments()]
    assert got == [
        # 1105384955 is 2005-01-10 19:22:35 UTC: 12:22 PM at UTC-7, so the id's instant is taken
        ("110538495541583581", "Ann", "http://www.blogger.com/profile/1", "2005-01-10T19:22:35Z", "One."),
        # the same instant's minute is :22, the time shown :00: no time rather than a wrong one
        ("110538495541583582", "Bob", None, None, "Two."),
        ("999", "Anonymous", None, None, "Three."),
    ]


def test_hostile_script_lists_are_no_internal_error():
    head = "<head><meta name='generator' content='blogger'></head>"
    deep = "<div id='comment-holder'></div><script>var items = " + "[" * 50_000 + "</script>"
    thread = extract(f"<html>{head}<body>{deep}</body></html>")
    assert thread.source.platform == "blogger"
    assert list(thread.all_comments()) == []
    odd = "<div id='comment-holder'></div><script>var items = [{'id': '1', 'body': '\\74!-- --\\76'}];</script>"
    assert [c.id for c in extract(f"<html>{head}<body>{odd}</body></html>").all_comments()] == ["1"]
