"""Blogger's 2012 script-threaded layout: the `items` list of the rendering script (a JavaScript
literal), and the rendered list when a saved page has lost that script. Expected values from
../shared/corpus2/gold (the page read by hand)."""

from __future__ import annotations

import json
import re

import pytest

from corpus import SHARED
from threadkeep import extract
from threadkeep.sites.blogger.script import NotLiteral, js_literal

PAGE = SHARED / "corpus2" / "pages" / "thefischbowl.blogspot.com_2012-10_backwards.html"
GOLD = json.loads((SHARED / "corpus2" / "gold" / "thefischbowl.blogspot.com_2012-10_backwards.json").read_text())


def test_js_literal_reads_blogger_escapes():
    text = r"""[{'id': '1', 'body': 'don\46#39;t \74br /\76ok', 'n': 2, 'ok': true, 'x': null, "d": "q\"\u00e9"}, ]"""
    assert js_literal(text) == [{"id": "1", "body": "don&#39;t <br />ok", "n": 2, "ok": True, "x": None, "d": 'q"é'}]
    with pytest.raises(NotLiteral):
        js_literal("[function() {}]")


def shape(thread):
    comments = list(thread.all_comments())
    index = {c.id: i for i, c in enumerate(comments)}
    return [(c.author.name, index.get(c.parent_id)) for c in comments]


def test_script_items_give_ids_parents_and_exact_times():
    thread = extract(PAGE.read_bytes())
    assert shape(thread) == [(g["author"], g["parent"]) for g in GOLD["comments"]]
    first = next(iter(thread.all_comments()))
    assert first.id == "5524387235224778622"
    assert first.published.startswith("2012-10-28T23:33:38")  # 5:33 PM at UTC-6, to the second


def test_rendered_list_when_the_script_is_gone():
    html = PAGE.read_text("utf-8", errors="replace")
    html = re.sub(r"var items = \[", "var gone = [", html)
    thread = extract(html)
    assert shape(thread) == [(g["author"], g["parent"]) for g in GOLD["comments"]]
    texts = [c.text for c in thread.all_comments()]
    assert all(" ".join(t.split()).startswith(g["text_start"]) for t, g in zip(texts, GOLD["comments"], strict=True))
