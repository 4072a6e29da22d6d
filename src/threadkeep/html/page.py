"""The parsed page every site reads: its decoded text, its URL, its lxml tree (parsed once,
lazily, with guards against pages that would cost quadratic time or hide half a thread), and
small look-ups over it (ids, classes, metas, absolute URLs).

Sites locate their regions with lxml (`page.tree`, XPath or CSS selectors): it parses about
twenty times faster than building a whole BeautifulSoup tree, which alone costs as much as
trafilatura's whole extraction (docs/performance.md). A plugin that prefers BeautifulSoup asks
for one of a region (`page.soup()`, `page.soup(element)`).
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from threadkeep.errors import ExtractError, InputError
from threadkeep.html.encoding import decode_page
from threadkeep.html.sanitize import utf8_xml_safe, xml_safe
from threadkeep.html.select import select, selector_needs

MAX_PAGE_BYTES = 128 * 1024 * 1024  # characters: a 50,000-comment Blogger thread is about 100 MB
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction
)


_LONG_RUN = 65536
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{_LONG_RUN},}}>?")


def _has_long_run(text: str, n: int) -> bool:
    """Whether text has n characters in a row none of which is < or >.

    Such a run holds one of the points every n/2 characters; around each point, the nearest
    < or > on either side (searched at C speed within n characters) bound the run it is in.
    About 500 points for a 17 MB page, a millisecond or two instead of a regex scan of it all."""
    size = len(text)
    for p in range(0, size, max(1, n // 2)):
        if text[p] in "<>":
            continue
        lo, hi = max(0, p - n), min(size, p + n + 1)
        start = max(text.rfind("<", lo, p), text.rfind(">", lo, p), lo - 1) + 1
        ends = [i for i in (text.find("<", p, hi), text.find(">", p, hi)) if i >= 0]
        end = min(ends) if ends else hi
        if end - start >= n:
            return True
    return False


MAX_ATTRIBUTES = 10_000
MAX_ELEMENTS = 3_000_000  # a 50,000-comment Blogger thread has about 1.3 million


def _refuse_crowded_tags(text: str) -> None:
    """Refuse a tag with tens of thousands of attributes before parsing it: libxml2 (and nh3)
    check duplicate attributes pairwise, so such a tag costs quadratic time (80,000 attributes
    in 0.7 MB take half a minute). Only tags over 64 KB are looked at: a linear scan, made only
    when the page has that many characters in a row without a < or a >."""
    if not _has_long_run(text, _LONG_RUN):
        return
    for m in _LONG_TAG.finditer(text):
        count = len(m.group().split()) - 1  # valueless attributes (<div a0 a1 …>) count too
        if count > MAX_ATTRIBUTES:
            raise ExtractError(f"page too complex to extract: a <tag> with some {count:,} attributes")


class Page:
    """A page to extract from: its decoded text, its URL, and its lxml tree (parsed once, lazily).

    utf8: the page's bytes when they are exactly `html` in UTF-8 (see `from_bytes`): the tree is
    then parsed from them, which spares libxml2 converting the text back (a third of the parse)."""

    def __init__(self, html: str, url: str | None = None, *, utf8: bytes | None = None) -> None:
        self.html = html
        self.url = url
        self._utf8 = utf8
        self._soup = None

    @classmethod
    def from_bytes(cls, raw: bytes, url: str | None = None, content_type: str | None = None) -> Page:
        """The page of these bytes, decoded as `encoding.decode` does."""
        text, utf8 = decode_page(raw, content_type)
        return cls(text, url, utf8=utf8)

    @cached_property
    def tree(self) -> lxml_html.HtmlElement:
        html = self.html
        if len(html) > MAX_PAGE_BYTES:
            raise ExtractError(f"page too large to extract: {len(html):,} characters (limit {MAX_PAGE_BYTES:,})")
        # XML-safe text: lxml keeps "\x01" or ESC from a page in its tree, but refuses them when a
        # tree edit (drop_tree joining a tail) assigns them back from Python. The UTF-8 bytes are
        # parsed only when they are the text as it would be parsed (nothing to take out).
        raw = self._utf8
        if raw is not None and (_XML_DECL.match(html) or not utf8_xml_safe(raw)):
            raw = None
        text = html if raw is not None else _XML_DECL.sub("", xml_safe(html), count=1)
        if not text.strip():
            raise InputError("not HTML: the page is empty")
        _refuse_crowded_tags(text)
        # huge_tree lifts libxml2's 10 MB cap on one text or attribute (a long comment, an inline
        # image) and its depth cap from 256 to 2048; the page size is bounded above instead.
        parser = etree.HTMLParser(
            recover=True, huge_tree=True, remove_comments=False, encoding="utf-8" if raw is not None else None
        )
        # lxml.html's own parser picks each element's class in Python (a callback per element);
        # one C-level default gives the same HtmlElement API at a fraction of the cost.
        parser.set_element_class_lookup(_HTML_CLASSES)
        try:
            root = lxml_html.document_fromstring(raw if raw is not None else text, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise InputError(f"not HTML: {exc}") from None
        if root is None:
            raise InputError("not HTML: nothing to parse")
        for error in parser.error_log:
            # libxml2 stops at its limits (nesting 2048 deep) and drops the rest of the page:
            # refuse it rather than archive half a thread quietly.
            if error.type_name == "ERR_RESOURCE_LIMIT":
                raise ExtractError(f"page too complex to extract: {error.message.split(',')[0].strip()}")
        # Each element comes from a "<" or is implied by one (a <p> for a stray "</p>"), besides
        # <html>, <head> and <body>: pages well under the limit are not counted.
        count = 0 if 2 * text.count("<") + 3 <= MAX_ELEMENTS else int(root.xpath("count(//*)"))  # in C
        if count > MAX_ELEMENTS:
            raise ExtractError(f"page too complex to extract: {count:,} elements (limit {MAX_ELEMENTS:,})")
        return root

    def first_with_class(self, name: str, *tags: str, root=None):
        """The first element (of these tags) whose class list holds `name`, in document order.

        A walk that stops at the first match: near the top of a big page it is far cheaper than
        an XPath or CSS query, which always scans the whole document."""
        for el in (root if root is not None else self.tree).iter(*tags):
            cls = el.get("class")
            if cls and name in cls.split():
                return el
        return None

    def by_id(self, element_id: str, root=None):
        """The first element with this id: libxml2 keeps a table of the ids of an HTML document,
        so XPath's id() is a lookup, not a scan. Within `root` when given."""
        if root is None:
            found = self.tree.xpath("id($i)", i=element_id)
            return found[0] if found else None
        for el in root.iter():
            if el.get("id") == element_id:
                return el
        return None

    def soup(self, element=None):
        """A BeautifulSoup (lxml builder) of the whole page, or of one element (an lxml element or
        a selector's first match): for plugins written in the HTML API Python users know. A soup
        of a whole page costs more than threadkeep's whole extraction of it: built-in sites read
        the lxml tree."""
        from bs4 import BeautifulSoup

        if element is None:
            if self._soup is None:
                self._soup = BeautifulSoup(self.html, "lxml")
            return self._soup
        if isinstance(element, str):
            found = self.css(element)
            if not found:
                return None
            element = found[0]
        return BeautifulSoup(lxml_html.tostring(element, encoding="unicode", with_tail=False), "lxml")

    def element_of(self, tag):
        """The lxml element for a BeautifulSoup tag's markup (what the pipeline reads a body from)."""
        try:
            return lxml_html.fragment_fromstring(str(tag), create_parent="div")
        except (etree.ParserError, ValueError):
            return None

    @cached_property
    def languages(self) -> tuple[str, ...] | None:
        """The page's language as a two-letter code, from <html lang>, Content-Language or
        og:locale ("de-DE" -> ("de",)); None when the page does not say."""
        root = self.tree
        value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang")
        if not value:
            for el in self.meta_elements:
                if (el.get("http-equiv") or "").lower() == "content-language":
                    value = el.get("content")
                    break
        value = value or self.meta("og:locale")
        code = (value or "").strip().replace("_", "-").split("-")[0].split(",")[0].lower()
        return (code,) if len(code) == 2 and code.isalpha() else None

    @cached_property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "") if self.url else ""

    def css(self, selector: str, root=None) -> list:
        """The elements a CSS selector matches (in root, else the page), in document order.

        Page-wide, a selector naming a class or an id that the page's text never holds, or a tag
        the page has none of, matches nothing: answered without the query (libxml2 scans the whole
        document for every one; tests/test_fast_paths.py compares both ways on every shared page).
        A class written with character references (`class="a&#45;b"`) is the one thing this
        misses; pages do not write them."""
        if root is None and not self._may_match(selector):
            return []
        return select(root if root is not None else self.tree, selector)

    def _may_match(self, selector: str) -> bool:
        needs = selector_needs(selector)
        if needs is None:
            return True
        html = self.html
        return any(all(t in html for t in tokens) and all(self._has_tag(t) for t in tags) for tokens, tags in needs)

    @cached_property
    def _tags_seen(self) -> dict[str, bool]:
        return {}

    def _has_tag(self, tag: str) -> bool:
        known = self._tags_seen
        if tag not in known:
            known[tag] = next(self.tree.iter(tag), None) is not None
        return known[tag]

    def xpath(self, expr: str, root=None) -> list:
        return (root if root is not None else self.tree).xpath(expr)

    def absolute(self, href: str | None) -> str | None:
        """An absolute URL for href (relative to the page URL when it is known)."""
        if not href:
            return None
        href = href.strip()
        if href.startswith(("https://", "http://")):
            return href  # already absolute: the common case, and urljoin is slow
        if not href or href.lower().startswith(("javascript:", "data:", "vbscript:")):
            return None
        return urljoin(self.url, href) if self.url else href

    @cached_property
    def meta_elements(self) -> list:
        """Every <meta> of the page in document order: one walk of the page for every reader."""
        return list(self.tree.iter("meta"))

    @cached_property
    def link_elements(self) -> list:
        """Every <link> of the page in document order (a walk in C: libxml2's `//link[...]` on a
        big page costs ten times as much)."""
        return list(self.tree.iter("link"))

    def links(self, rel: str) -> list[str]:
        """The href of every <link rel=REL href=…> (rel compared as written, like
        `//link[@rel=REL][@href]/@href`), in document order."""
        return [href for el in self.link_elements if el.get("rel") == rel and (href := el.get("href")) is not None]

    @cached_property
    def _metas(self) -> dict[str, str]:
        """Every <meta name|property|itemprop=…> with content, first one per name (one pass)."""
        return self._collect_metas(lambda key: key)

    @cached_property
    def _metas_any_case(self) -> dict[str, str]:
        """_metas by names stripped and in lower case ("DC.Date " is "dc.date")."""
        return self._collect_metas(lambda key: key.strip().lower())

    def _collect_metas(self, name_of) -> dict[str, str]:
        found: dict[str, str] = {}
        for el in self.meta_elements:
            content = (el.get("content") or "").strip()
            if not content:
                continue
            for attr in ("name", "property", "itemprop"):
                key = name_of(el.get(attr) or "")
                if key:
                    found.setdefault(key, content)
        return found

    def meta(self, *names: str, any_case: bool = False) -> str | None:
        """The content of the first <meta name|property=…> of these names that has one.

        any_case: names compared in lower case, the page's stripped of spaces too."""
        metas = self._metas_any_case if any_case else self._metas
        for name in names:
            key = name.lower() if any_case else name
            if key in metas:
                return metas[key]
        return None
