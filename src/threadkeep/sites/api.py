"""Small forgiving helpers for sites that read a platform's JSON API instead of its HTML.

An API site never does HTTP itself: it is handed `get_json` (URL -> parsed JSON, raising
FetchError on failure), so the caller chooses the fetcher (politeness, retries, capture) and
tests can point it anywhere.
A malformed response is an ExtractError with a one-line message naming the URL and what is
missing, never a KeyError traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from threadkeep.dates import parse_date
from threadkeep.errors import ExtractError
from threadkeep.html.sanitize import clean_html, html_to_text

GetJson = Callable[[str], Any]

_SECRET_PARAMS = {"api_key", "api_secret", "access_token", "key"}


# ---------------------------------------------------------------------- helpers


def redact(url: str) -> str:
    """The URL with secrets (api_key=...) blanked, for messages."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:/*")))


def malformed(where: str, what: str) -> ExtractError:
    return ExtractError(f"{redact(where)}: unexpected API response: {what}")


def expect(value: Any, kind: type | tuple[type, ...], where: str, what: str) -> Any:
    """`value` when it is of `kind`, else an ExtractError naming `where` and `what` is missing."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
    got = "missing" if value is None else f"a {type(value).__name__}"
    raise malformed(where, f"{what} should be {_article(names)} but is {got}")


def _article(name: str) -> str:
    words = {"dict": "an object", "list": "a list", "str": "a string", "int": "an integer"}
    return " or ".join(words.get(n, f"a {n}") for n in name.split(" or "))


def get_in(obj: Any, *keys: str) -> Any:
    """obj[k1][k2]... or None as soon as a level is missing or not an object."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def id_of(value: Any, where: str, what: str) -> str:
    """A comment's id as a string (ids are mandatory: they define the tree)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise malformed(where, f"{what} has no id")
    return str(value)


def sanitized(fragment: Any) -> tuple[str, str]:
    """Sanitized HTML and its plain text for an HTML fragment from an API ('' for None)."""
    if not isinstance(fragment, str) or not fragment.strip():
        return "", ""
    html = clean_html(fragment)
    return html, html_to_text(html) if html else ""


def iso_date(value: Any, *, naive_is_utc: bool = False) -> str | None:
    """ISO 8601 for a date string from an API (None when unreadable)."""
    if not isinstance(value, str):
        return None
    return parse_date(value, default_tz=UTC if naive_is_utc else None)


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def with_scheme(url: str) -> str:
    """The URL with https:// when it was given without a scheme (news.ycombinator.com/item?id=1)."""
    url = url.strip()
    return url if _SCHEME.match(url) else "https://" + url.lstrip("/")
