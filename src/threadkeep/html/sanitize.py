"""Making other people's text safe, in one place.

- `clean_html`: stored HTML (article body, comments) through nh3 (the Rust `ammonia`
  sanitizer) with an allow-list: no script, style, iframe, event handlers, no `javascript:`
  or `data:` URLs (a `data:image/...` image source excepted).
- `html_to_text`: plain text of an HTML fragment, paragraphs separated by blank lines.
- `terminal_safe`: text for a terminal, stripped of C0/C1 controls (newline and tab kept),
  ESC sequences (CSI, OSC-8 hyperlinks, ...) and bidi overrides.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from lxml import etree
from lxml import html as lxml_html

# terminal_safe and no_surrogates live in textsafe.py (no lxml, no nh3: cheap for the CLI to load)
from threadkeep.html.textsafe import _ESCAPE_SEQ, no_surrogates, terminal_safe  # noqa: F401  (re-exported)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
URL_ATTRIBUTES = {"href", "src", "cite"}
SAFE_SCHEMES = {"http", "https", "mailto", "data"}  # data: is narrowed to images below
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}
# What a browser ignores when it reads a URL's scheme: ASCII whitespace and controls anywhere
# (tabs and newlines inside "java\tscript:" are removed by the URL parser), so they are removed
# before the scheme is compared.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_ACTIVE_SCHEMES = ("javascript:", "vbscript:", "livescript:")


def _scheme(value: str) -> str | None:
    m = _SCHEME.match(_URL_NOISE.sub("", value).lower())
    return m.group(1) if m else None


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """Second line of defence after nh3's own URL check (it does not check every URL attribute:
    `blockquote cite` passes through it): a URL attribute keeps only a relative URL or an
    http(s)/mailto one (a data:image/ source on <img> excepted); no attribute at all may hold a
    script URL. nh3 hands over the value with its character references already decoded."""
    if attr in URL_ATTRIBUTES:
        scheme = _scheme(value)
        if scheme is None or scheme in ("http", "https", "mailto"):
            return value
        if scheme == "data" and tag == "img" and attr == "src":
            return value if _URL_NOISE.sub("", value).lower().startswith("data:image/") else None
        return None
    if _URL_NOISE.sub("", value).lower().startswith(_ACTIVE_SCHEMES):
        return None
    return value


_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x9b\x9d\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text lxml can hold and edit: no lone surrogate, no terminal escape sequence, none of the C0
    controls XML forbids (tab, newline and CR stay). lxml's parser keeps "\x01" or ESC
    in a tree, but assigning such text from Python (`drop_tree()` joining a tail) raises
    ValueError: pages are made XML-safe before they are parsed."""
    if not _XML_UNSAFE.search(text):  # one scan; nearly every page stops here
        return text
    return _XML_INCOMPATIBLE.sub("", _ESCAPE_SEQ.sub("", no_surrogates(text)))


# What xml_safe() takes out of text decoded from valid UTF-8 (which holds no surrogate): the C0
# controls it removes (ESC starts every escape sequence), as bytes, and U+FFFE and U+FFFF.
_XML_UNSAFE_BYTES = tuple(bytes([c]) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))


def utf8_xml_safe(raw: bytes) -> bool:
    """Whether xml_safe() would leave the text of these valid UTF-8 bytes as it is.

    Single-byte searches run at memchr speed (29 of them: ~8 ms for 17 MB, a tenth of one regex
    scan of the text); the 3-byte ones only when the page has their lead byte at all."""
    if any(byte in raw for byte in _XML_UNSAFE_BYTES):
        return False
    return b"\xef" not in raw or not (b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw)


def clean_html(fragment: str) -> str:
    """Sanitize an HTML fragment with the allow-list; never raises on odd input."""
    if not fragment:
        return ""
    # Terminal escape sequences and the C0 controls XML cannot hold go before parsing: stored
    # HTML must parse as XHTML too (lxml refuses "\x1b"), and carries nothing for a terminal.
    fragment = xml_safe(fragment)
    cleaned = _cleaner().clean(fragment).strip()
    if '<a rel="' in cleaned:
        # nh3 puts rel= first on a link whose href it dropped, and last everywhere else: one more
        # pass gives the order a second cleaning would, so that cleaning twice changes nothing.
        cleaned = _cleaner().clean(cleaned).strip()
    return cleaned


@cache
def _cleaner() -> nh3.Cleaner:
    """The sanitizer, built once: handing the allow-list to nh3 on every call costs more than
    the cleaning itself (17 µs a comment instead of 48)."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=SAFE_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


BLOCK_TAGS = {
    "p", "div", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "section", "article",
    "header", "footer", "aside", "address", "caption", "tbody", "thead", "tfoot",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAK = "\x00"  # paragraph-break marker inside the text being built (NULs are removed first)


def element_text(root, leave_out=None) -> str:
    """Plain text of an lxml element: blocks become paragraphs (blank line), <br> a newline.

    One pass of lxml's own tree walker (no recursion: deep trees are fine). Text nodes cannot
    hold NUL (libxml2 refuses it), so NUL marks paragraph breaks while the text is built.
    leave_out: elements read as if dropped with drop_tree(): nothing of them but their tail.
    """
    parts: list[str] = []
    append = parts.append
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:  # (each .tag, .text and .tail read makes a new string: read once)
        if leave_out and el in leave_out and el is not root:
            if event == "start":
                walker.skip_subtree()
            elif tail := el.tail:  # its end (or, for a comment or processing instruction, its only event)
                append(tail)
            continue
        if event == "start":
            tag = el.tag
            if tag in _SKIP_TEXT:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                append(_BREAK)
            elif tag == "br":
                append("\n")
            if text := el.text:
                append(text)
        elif event == "end":
            if el.tag in BLOCK_TAGS:
                append(_BREAK)
            if (tail := el.tail) and el is not root:
                append(tail)
        elif tail := el.tail:  # a comment or processing instruction: only its tail is text
            append(tail)
    return _tidy("".join(parts))


_SKIP_TEXT = frozenset({"script", "style", "noscript", "template"})


def _tidy(raw: str) -> str:
    paragraphs = []
    for block in raw.split(_BREAK):
        if not block or block.isspace():
            continue
        if "\n" not in block:  # one line (most blocks): the same as the general case below
            paragraphs.append(" ".join(block.split()))
            continue
        text = "\n".join(" ".join(words) for line in block.split("\n") if (words := line.split()))
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (see element_text)."""
    if not fragment or not fragment.strip():
        return ""
    fragment = no_surrogates(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises ParserError on fragments it cannot place
        return _tidy(fragment)
    return element_text(root)
