"""Compiled selectors for per-comment loops: CSS and XPath compiled once, an element's class
and id as one lower-cased string, a copy of a small element without some of its parts."""

from __future__ import annotations

import copy
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


@lru_cache(maxsize=512)
def _xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr)


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
