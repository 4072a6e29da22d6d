"""The records of fetching, shared by the fetcher, the capture and the sites: the configuration,
events, one request and response as exchanged (for the capture), a response as the caller sees
it, and small pure helpers (content types, Retry-After, host keys)."""

from __future__ import annotations

import email.utils
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import httpx

from threadkeep._version import HOMEPAGE, __version__
from threadkeep.errors import FetchError
from threadkeep.html.encoding import decode

DEFAULT_USER_AGENT = f"threadkeep/{__version__} (+{HOMEPAGE})"

Accept = Literal["html", "json", "xml", "any"]


@dataclass
class FetchConfig:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # per read, not for the whole body
    total_timeout: float = 300.0  # for the whole body, against servers that drip bytes
    max_redirects: int = 10
    retries: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_bytes: int = 20 * 1024 * 1024  # of the body after decompression
    min_delay: float = 1.0  # seconds between two requests to one host
    respect_robots: bool = True
    user_agent: str = DEFAULT_USER_AGENT


@dataclass
class FetchEvent:
    """Something the CLI may show with -v: kind is "retry", "redirect", "wait", "robots", or
    "note" (a site's remark: "WordPress REST API not used: …")."""

    kind: str
    url: str
    message: str
    attempt: int = 0
    delay: float = 0.0

    def __str__(self) -> str:
        return self.message


@dataclass
class RequestInfo:
    method: str
    url: str
    headers: list[tuple[str, str]]  # as sent, in order
    http_version: str
    date: str  # when it was sent, ISO 8601 UTC with microseconds and Z


@dataclass
class ResponseInfo:
    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]  # as received, in order, without Transfer-Encoding
    body: bytes  # the payload as on the wire: de-chunked but still Content-Encoded
    remote_ip: str | None = None
    date: str = ""  # when the response headers arrived
    truncated: str | None = None  # None, "length", "time" or "disconnect"


class Recorder(Protocol):
    def record(self, request: RequestInfo, response: ResponseInfo) -> None: ...


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers  # case-insensitive; .multi_items() for repeated headers
    raw_headers: list[tuple[str, str]]
    content: bytes  # decompressed body
    content_type: str | None  # the header as sent, e.g. "text/html; charset=utf-8"
    etag: str | None
    last_modified: str | None
    fetched_at: str  # ISO 8601 UTC, seconds, Z
    sha256: str  # of content
    not_modified: bool = False
    elapsed: float = 0.0  # seconds for the whole get(), waits and retries included
    redirects: list[str] = field(default_factory=list)  # the URLs redirected from, in order

    @cached_property
    def text(self) -> str:
        """The body decoded: Content-Type charset, BOM, <meta charset>, then detection."""
        return decode(self.content, self.content_type)

    @property
    def mime_type(self) -> str:
        return mime_of(self.content_type)

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(self.url, f"invalid JSON ({one_line(exc)})", status=self.status) from None


# -- internals ---------------------------------------------------------------------------------


def mime_of(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def one_line(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def seconds(x: float) -> str:
    return f"{x:g} s"


def size_text(n: int) -> str:
    mb, kb = 1024 * 1024, 1024
    if n >= mb and n % mb == 0:
        return f"{n // mb} MB"
    if n >= kb and n % kb == 0:
        return f"{n // kb} KB"
    return f"{n} bytes"


def accepts(accept: str, content_type: str | None) -> bool:
    mime = mime_of(content_type)
    if accept == "any" or not mime:
        return True
    if accept == "html":
        return mime in ("text/html", "application/xhtml+xml")
    if accept == "json":
        return mime.endswith("+json") or mime in (
            "application/json",
            "text/json",
            "text/javascript",
            "application/javascript",
            "application/x-javascript",
            "text/plain",
        )
    if accept == "xml":
        return mime.endswith("+xml") or mime in ("application/xml", "text/xml")
    raise ValueError(f"unknown accept kind: {accept!r}")


def host_key(url: str) -> str:
    """scheme://host:port: what politeness (delays, robots.txt) is kept per."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def check_url(asked: str, url: str) -> None:
    """FetchError unless url is an http(s) URL httpx can send (`http://[::1/x` is not)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range or not a number)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise FetchError(asked, f"invalid URL ({one_line(exc)})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(asked, f"unsupported URL scheme {scheme!r}" if scheme else "not an absolute URL")
    if not parts.hostname:
        raise FetchError(asked, "invalid URL (no host)")


def protocol_reason(exc: httpx.RemoteProtocolError) -> str:
    text = one_line(exc)
    if "disconnected" in text.lower() or "incomplete" in text.lower() or "peer closed" in text.lower():
        return "connection reset"
    return f"invalid HTTP response ({text[:120]})"


def duration_text(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def connect_reason(exc: httpx.ConnectError) -> str:
    text = one_line(exc)
    # "[Errno 111] Connection refused" -> "connection refused"
    if text.startswith("[Errno") and "]" in text:
        text = text.split("]", 1)[1].strip()
    return text[:1].lower() + text[1:] if text else "unknown error"
