"""Decoding a page's bytes: HTTP header, then BOM, then the page's own declaration (<meta charset>,
http-equiv, the XML declaration), then detection.

Reading the header, the BOM and the declaration is w3lib's (the WHATWG-style prescan Scrapy
uses); what is threadkeep's own is the policy around it: Latin-1 and ASCII labels read as
windows-1252 as browsers do, a page declared UTF-8 that is not valid UTF-8 is detected instead of
decoded with replacement characters, and detection (charset-normalizer) prefers cp1252 when it
reads about as well."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    # As browsers do (WHATWG Encoding): a page labelled Latin-1 or ASCII is read as windows-1252,
    # whose smart quotes and dashes such pages nearly always hold (Latin-1 makes them C1 controls).
    return "cp1252" if codec in ("iso8859-1", "ascii") else codec


def charset_from_header(content_type: str | None) -> str | None:
    return _codec(http_content_type_encoding(content_type)) if content_type else None


def sniff_encoding(raw: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """(codec name, how it was found: 'header', 'bom', 'meta', 'detected' or 'default', and the
    text when telling UTF-8 from the rest took decoding it, else None)."""
    enc = charset_from_header(content_type)
    if enc:
        return enc, "header", None
    bom_codec, _bom = read_bom(raw)
    if bom_codec:
        return _codec(bom_codec) or bom_codec, "bom", None
    enc = _codec(html_body_declared_encoding(raw[:4096]))
    if enc:
        if enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # a <meta> we could read is not UTF-16
            enc = "utf-8"
        # A page that declares UTF-8 but is not valid UTF-8 (cp1252 mislabelled): detect instead.
        if enc == "utf-8":
            try:
                return enc, "meta", raw.decode("utf-8")
            except UnicodeDecodeError:
                return _detect(raw), "detected", None
        return enc, "meta", None
    try:
        return "utf-8", "default", raw.decode("utf-8")
    except UnicodeDecodeError:
        return _detect(raw), "detected", None


def _detect(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    results = from_bytes(raw[:200_000])
    best = results.best()
    if best is None:
        return "cp1252"
    # charset-normalizer often ranks a Central European code page first for Western text
    # ("café" as cp1250); prefer cp1252, by far the commonest mislabelled charset on the web,
    # when it reads the bytes about as well.
    for candidate in results:
        if _codec(candidate.encoding) == "cp1252" and (
            candidate.chaos <= best.chaos + 0.1 and candidate.coherence >= best.coherence - 0.1
        ):
            return "cp1252"
    return _codec(best.encoding) or "cp1252"


def decode(raw: bytes, content_type: str | None = None) -> str:
    """The text of a page's bytes; undecodable bytes become U+FFFD, never an error."""
    return decode_page(raw, content_type)[0]


def decode_page(raw: bytes, content_type: str | None = None) -> tuple[str, bytes | None]:
    """The text of a page's bytes (as decode()), and the bytes that are exactly that text in
    UTF-8 when the page is valid UTF-8 (None otherwise): lxml parses those faster than the text."""
    enc, _how, text = sniff_encoding(raw, content_type)
    utf8 = raw if text is not None else None  # sniffing decoded it as UTF-8 without an error
    if text is None:
        try:
            text = raw.decode(enc)
            utf8 = raw if enc == "utf-8" else None
        except UnicodeDecodeError:
            text = raw.decode(enc, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
        utf8 = utf8[len(codecs.BOM_UTF8) :] if utf8 is not None else None
    return text, utf8
