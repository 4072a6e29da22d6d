"""What a saved input is: a page, or a saved API response one of the sites reads (JSON, or a
Blogger export's Atom), or something threadkeep cannot read (one clear line saying why)."""

from __future__ import annotations

import hashlib
import json
import re
import sys

from threadkeep.errors import InputError
from threadkeep.html.page import Page
from threadkeep.model import Source, Thread
from threadkeep.pipeline import extract_page
from threadkeep.sites import Site, registry
from threadkeep.timefmt import now_iso

MAX_FILE_BYTES = 256 * 1024 * 1024

_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|a|script|meta|title|table|span|article|section|ul|ol|li|br|text|h[1-6])[\s>/]",
    re.IGNORECASE,
)


def read_source(path: str) -> bytes:
    """The bytes of a saved page: a file, or standard input for '-'."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    from threadkeep.store import read_file

    return read_file(path, "a page", limit=MAX_FILE_BYTES)


def looks_like_html(text: str) -> bool:
    """Whether text has HTML markup in its first 256 KB (plain text and binary data have none)."""
    return _HTML_TAG.search(text, 0, 256 * 1024) is not None


def archive_file(path: str, url: str | None = None) -> Thread:
    """Archive a saved page or API response (a file, or '-' for stdin); `url` records its origin."""
    raw = read_source(path)
    return thread_from_bytes(raw, url, name="stdin" if path == "-" else path)


def thread_from_bytes(raw: bytes, url: str | None, *, name: str, content_type: str | None = None) -> Thread:
    """Extract a thread from a saved input's bytes (already read); no network. `content_type`: the
    HTTP header it was served with, if known (its charset decodes the page)."""
    if not raw.strip():
        raise InputError(f"{name}: not HTML (the file is empty)")
    if b"\x00" in raw[:1024] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: not HTML (binary data)")
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"{name}: not HTML, and not valid JSON ({type(exc).__name__})") from None
        thread = _saved(raw, data, url, name)
        if thread is None:
            known = ", ".join(s.name for s in registry() if type(s).from_saved is not Site.from_saved)
            raise InputError(f"{name}: JSON, but not a response threadkeep knows ({known})")
    else:
        thread = _saved(raw, None, url, name) if head.startswith(b"<?xml") else None
        if thread is None:
            page = Page.from_bytes(raw, url, content_type)
            if not looks_like_html(page.html):
                raise InputError(f"{name}: not HTML (no markup found)")
            thread = extract_page(page)
    thread.source = Source(
        url=url,
        final_url=url,
        fetched_at=now_iso(),
        platform=thread.source.platform,
        http=None,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    return thread


def _saved(raw: bytes, data: object, url: str | None, name: str) -> Thread | None:
    """The first site's thread from a saved response, else None; its errors name the input."""
    for site in registry():
        try:
            thread = site.from_saved(raw, data, url)
        except InputError as exc:
            raise InputError(f"{name}: {exc}") from None
        if thread is not None:
            return thread
    return None
