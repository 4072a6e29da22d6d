"""The small selector engine (html/selectors.py) against cssselect: every selector the WordPress
site keeps as data, on every element of every corpus page, finds exactly what cssselect finds, in
the same order. The engine is a fast path (one walk for a dozen selectors); this keeps it honest."""

from __future__ import annotations

import pytest
from lxml.cssselect import CSSSelector

from corpus import CORPUS, manifest, needs_corpus
from threadkeep.html.page import Page
from threadkeep.html.selectors import Selector, index_matches
from threadkeep.sites.wordpress import markup

SELECTORS = sorted(
    {
        sel
        for value in vars(markup).values()
        for sel in (value if isinstance(value, tuple) else (value,))
        if isinstance(sel, Selector)
    },
    key=lambda s: s.text,
)
PAGES = [r["file"] for r in manifest() if r["file"].endswith((".html", ".htm"))]


def test_there_are_selectors_to_check():
    assert len(SELECTORS) > 30


@needs_corpus
@pytest.mark.parametrize("name", PAGES)
def test_engine_matches_cssselect_on_every_element(name):
    root = Page.from_bytes((CORPUS / name).read_bytes()).tree
    scopes = [root, *list(root.iter("li", "article", "div"))[::25]]  # the page, and subtrees as the site asks
    for scope in scopes:
        found = index_matches([scope], SELECTORS)
        for sel in SELECTORS:
            assert found.get(sel, []) == CSSSelector(sel.text, translator="html")(scope), (sel.text, scope.tag)
