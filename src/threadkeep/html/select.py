"""Compiled selectors for per-comment loops: CSS and XPath compiled once, an element's class
and id as one lower-cased string, a copy of a small element without some of its parts."""

from __future__ import annotations

import copy
from functools import lru_cache

import cssselect
from lxml import etree
from lxml.cssselect import CSSSelector


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


@lru_cache(maxsize=512)
def _xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr)


@lru_cache(maxsize=512)
def selector_needs(selector: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...] | None:
    """What an element must have somewhere in the page for each alternative of a selector group
    to match: (the class names and ids it names, the tags it names), outside :not() and the
    other pseudo-classes whose arguments are alternatives. None when cssselect cannot parse it."""
    try:
        groups = cssselect.parse(selector)
    except cssselect.SelectorError:
        return None
    out = []
    for group in groups:
        tokens: set[str] = set()
        tags: set[str] = set()
        _needs(group.parsed_tree, tokens, tags)
        out.append((frozenset(tokens), frozenset(tags)))
    return tuple(out)


def _needs(node, tokens: set, tags: set) -> None:
    while node is not None:
        kind = type(node).__name__
        if kind == "Element":
            if node.element not in (None, "*"):
                tags.add(node.element.lower())
            return
        if kind == "Class":
            tokens.add(node.class_name)
        elif kind == "Hash":
            tokens.add(node.id)
        elif kind == "CombinedSelector":
            _needs(node.subselector, tokens, tags)
        elif kind not in ("Attrib", "Negation", "Pseudo", "Function", "Matching", "SpecificityAdjustment", "Relation"):
            return  # a node this does not know: no more needs read from it (never a wrong "no")
        node = node.selector


def select(el, selector: str) -> list:
    """el.cssselect(selector) with the selector compiled once (it is used in per-comment loops)."""
    return _css(selector)(el)


def xselect(el, expr: str) -> list:
    """el.xpath(expr) with the expression compiled once."""
    return _xpath(expr)(el)


def classes(el) -> str:
    """An element's class and id, lower-cased, for name matching."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def without(el, selector: str):
    """A copy of a (small) element without the parts matching selector."""
    el = copy.deepcopy(el)
    for junk in select(el, selector):
        junk.drop_tree()
    return el
