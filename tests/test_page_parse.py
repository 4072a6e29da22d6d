"""The shortcuts of Page.tree answer what the long way answers.

A page's UTF-8 bytes are parsed instead of its text when they are that text exactly; the
pre-parse checks (XML-unsafe characters, crowded tags, element count) skip their full scans
when a cheap test shows there is nothing to find. Each shortcut is checked against the long way.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from corpus import CORPUS, SEED_PAGE
from threadkeep.errors import ExtractError
from threadkeep.html.encoding import decode, decode_page
from threadkeep.html.page import _LONG_RUN, Page, _has_long_run
from threadkeep.html.sanitize import utf8_xml_safe, xml_safe

PAGES = [*sorted(CORPUS.glob("*/*.html")), SEED_PAGE]


@pytest.mark.parametrize("path", PAGES, ids=[p.name[:40] for p in PAGES])
def test_bytes_and_text_give_the_same_tree(path):
    raw = path.read_bytes()
    text, utf8 = decode_page(raw)
    assert text == decode(raw)
    if utf8 is not None:
        assert utf8.decode("utf-8") == text
    from_bytes = etree.tostring(Page(text, utf8=utf8).tree, encoding="unicode")
    from_text = etree.tostring(Page(text).tree, encoding="unicode")
    assert from_bytes == from_text


def test_utf8_pages_use_their_bytes_and_others_do_not():
    utf8_page = "<html><body><p>café €</p></body></html>".encode()
    assert decode_page(utf8_page)[1] == utf8_page
    assert decode_page(b"\xef\xbb\xbf" + utf8_page)[1] == utf8_page  # the BOM is not text
    assert decode_page("<p>café</p>".encode("cp1252"))[1] is None
    assert decode_page(utf8_page, "text/html; charset=iso-8859-1")[1] is None
    assert decode_page(b"<p>caf\xc3</p>", "text/html; charset=utf-8")[1] is None  # invalid: replaced


@pytest.mark.parametrize(
    "inside",
    ["\x1b[31mred\x1b[0m", "a\x00b", "\x0b", "\x9b31m", "\x9d8;;x", "\ufffe", "\uffff", "\x7f", "\x85", "\r\n"],
)
def test_unsafe_characters_in_utf8_pages_take_the_long_way(inside):
    text = f"<html><body><div class='c'><p>x{inside}y</p></div></body></html>"
    page = Page(text, utf8=text.encode("utf-8"))
    assert etree.tostring(page.tree, encoding="unicode") == etree.tostring(Page(text).tree, encoding="unicode")
    assert utf8_xml_safe(text.encode()) == (xml_safe(text) == text)


def test_utf8_xml_safe_agrees_with_xml_safe_on_every_character():
    for cp in (*range(0, 0xD800), *range(0xE000, 0x10000), 0x10000, 0x1F600, 0x10FFFF):
        for text in (f"a{chr(cp)}b", f"\x1b[1m{chr(cp)}"):
            assert utf8_xml_safe(text.encode()) == (xml_safe(text) == text), hex(cp)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.sampled_from("<>")), max_size=30), st.integers(1, 24))
def test_long_run_is_found_exactly(runs, n):
    text = "".join("x" * k + d for k, d in runs)
    assert _has_long_run(text, n) == bool(re.search(f"[^<>]{{{n}}}", text))


def test_a_long_run_at_either_end_or_alone_is_found():
    for text in ("x" * _LONG_RUN, "<" + "x" * _LONG_RUN, "x" * _LONG_RUN + ">", "<p>" + "y" * (3 * _LONG_RUN) + "</p>"):
        assert _has_long_run(text, _LONG_RUN)
    assert not _has_long_run(("x" * (_LONG_RUN - 1) + "<") * 4, _LONG_RUN)


def test_a_crowded_tag_is_still_refused():
    tag = "<div " + " ".join(f"a{i}" for i in range(12_000)) + ">"
    with pytest.raises(ExtractError, match="attributes"):
        _ = Page(f"<html><body>{tag}x</div></body></html>").tree
