"""Forgiving helpers for reading text and markup out of lxml elements."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import html as lxml_html

from threadkeep.html.sanitize import clean_html, element_text
from threadkeep.model import Author

if TYPE_CHECKING:
    from threadkeep.html.page import Page


def text_of(element) -> str:
    """Whitespace-collapsed text of an element ('' for None)."""
    if element is None:
        return ""
    return " ".join(text_content(element).split())


def text_content(element) -> str:
    """element.text_content(); an element without children (a name, a date) is its own text,
    read without the XPath string() call behind text_content()."""
    if len(element):
        return element.text_content()
    return element.text or ""


def first(elements: list):
    return elements[0] if elements else None


def first_text(page: Page, *selectors: str, root=None) -> str | None:
    """The text of the first element matched by the first selector that matches a non-empty one."""
    for sel in selectors:
        for el in page.css(sel, root):
            t = text_of(el)
            if t:
                return t
    return None


def inner_html(element) -> str:
    """The HTML inside an element (its text and children, not the element's own tag).

    One serialisation of the element, its own tags cut off (lxml escapes `>` inside attribute
    values, so the first `>` ends the start tag).
    """
    if element is None:
        return ""
    markup = lxml_html.tostring(element, encoding="unicode", with_tail=False)
    start = markup.find(">") + 1
    end_tag = f"</{element.tag}>"
    end = len(markup) - len(end_tag) if isinstance(element.tag, str) and markup.endswith(end_tag) else len(markup)
    return markup[start:end] if start > 0 else ""


def content(element) -> tuple[str, str]:
    """Sanitized HTML and plain text of a comment or body element."""
    if element is None:
        return "", ""
    html = clean_html(inner_html(element))
    return html, element_text(element) if html else ""


_WS = re.compile(r"\s+")


def squash(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def make_author(name: str | None, url: str | None = None, *, is_post_author: bool = False) -> Author:
    return Author(name=squash(name) or None, url=url or None, is_post_author=is_post_author)


def same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b and squash(a).casefold() == squash(b).casefold())
