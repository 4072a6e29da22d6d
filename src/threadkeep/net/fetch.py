"""Fetching pages politely and safely: httpx, robots.txt, per-host delays, retries, size limits, raw capture.

    fetcher = Fetcher(FetchConfig(), on_event=print, recorder=WarcRecorder("run.warc.gz"))
    resp = fetcher.get("https://blog.example/2024/05/post.html", accept="html")
    resp.text, resp.final_url, resp.etag, resp.sha256

Decisions, so the CLI and the docs can rely on them:

- **Redirects** are followed by hand (GET every time) up to `max_redirects`. A URL reached for the
  third time in one chain is a "redirect loop" (the second visit is allowed: sites bounce through a
  cookie-setting page back to the same URL); more hops than allowed is "too many redirects (N)".
  robots.txt is checked for every hop. Only http and https URLs are followed.
- **Retries**: connection errors, timeouts, resets, HTTP 408, 429 and 5xx are retried `retries`
  times with exponential backoff and jitter (`backoff_base * 2**(n-1)`, "equal jitter", at most
  `backoff_max`). A Retry-After header (seconds or an HTTP date) is used as the delay instead, capped
  by `backoff_max`. Each retry is reported to `on_event` as a FetchEvent("retry", …).
- **Timeouts**: `connect_timeout` to connect, `read_timeout` for each read (headers or a piece of the
  body: "timeout after 30 s"), `total_timeout` for the whole body (a server dripping bytes).
- **Size**: the body is streamed and decompressed here (gzip, deflate; only those are advertised in
  Accept-Encoding) in bounded steps, so `max_bytes`, counted after decompression, also stops a
  compression bomb without inflating it in memory. A Content-Length over the limit fails at once.
- **Content types** accepted per `accept`:
  html: text/html, application/xhtml+xml (text/plain is *refused*: a text file is not a thread page);
  json: application/json, any */*+json, text/json, text/javascript, application/javascript, text/plain
  (feeds are often mislabelled); xml: application/xml, text/xml, any */*+xml (Atom, RSS, RDF);
  any: everything. A response with no Content-Type at all is accepted (the extractor will judge).
- **robots.txt** is read once per host (scheme://host:port) per Fetcher, with protego (RFC 9309: `*`
  and `$` in paths) and the product token of `user_agent` (net/robots.py). A 4xx (401/403 included)
  means "allow all" (RFC 9309); a 5xx or an unreachable robots.txt also means "allow all" (a
  deliberate leniency: a broken robots.txt should not stop a single-page archive; reported as a
  FetchEvent("robots", …)). Crawl-delay is honoured, up to `backoff_max` seconds.
  `respect_robots=False` skips robots.txt entirely.
- **Politeness**: requests to one host are serialised and spaced by max(min_delay, Crawl-delay),
  measured from the end of the previous request (robots.txt included); different hosts proceed in
  parallel. A Fetcher is safe to share between threads.
- **Capture**: every exchange that got a response (robots.txt, redirects, retried failures included)
  is passed to `recorder.record(RequestInfo, ResponseInfo)`. The body recorded is the payload as
  sent on the wire (still Content-Encoded, so the stored headers stay true), with the transfer
  coding removed; a Transfer-Encoding header is therefore dropped from the recorded headers. A body
  cut short is recorded with `truncated` set ("length", "time" or "disconnect", as WARC-Truncated).
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from threadkeep.errors import FetchError
from threadkeep.net.body import Inflater
from threadkeep.net.http import (
    DEFAULT_USER_AGENT,
    Accept,
    FetchConfig,
    FetchEvent,
    Recorder,
    RequestInfo,
    Response,
    ResponseInfo,
    accepts,
    host_key,
    mime_of,
    one_line,
    retry_after_seconds,
    seconds,
    size_text,
)
from threadkeep.net.robots import Robots
from threadkeep.timefmt import now_iso

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchConfig",
    "FetchEvent",
    "Fetcher",
    "Recorder",
    "RequestInfo",
    "Response",
    "ResponseInfo",
]

_ACCEPT_HEADERS = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "json": "application/json,text/javascript;q=0.9,*/*;q=0.5",
    "xml": "application/atom+xml,application/rss+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5",
    "any": "*/*",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({408, 429})
_ROBOTS_MAX_BYTES = 512 * 1024


class _Transient(Exception):
    """A failure worth retrying (network, timeout, reset); cause is the one-line reason."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass
class _Exchange:
    url: str
    status: int
    reason: str
    headers: httpx.Headers
    raw_headers: list[tuple[str, str]]
    content: bytes


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    last: float | None = None  # clock() when the last request ended
    robots: Robots | None = None  # None: allow all
    robots_loaded: bool = False
    crawl_delay: float = 0.0


class Fetcher:
    """Fetches URLs with politeness, retries and limits; safe to share between threads."""

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        on_event: Callable[[FetchEvent], None] | None = None,
        recorder: Recorder | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or FetchConfig()
        self.on_event = on_event
        self.recorder = recorder
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()
        c = self.config
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(connect=c.connect_timeout, read=c.read_timeout, write=c.read_timeout, pool=None),
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ----------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        accept: Accept = "html",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET `url`; raise FetchError with a one-line cause on any failure."""
        if accept not in _ACCEPT_HEADERS:
            raise ValueError(f"unknown accept kind: {accept!r}")
        start = self._clock()
        headers = {"Accept": _ACCEPT_HEADERS[accept]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        visits: dict[str, int] = {url: 1}
        chain: list[str] = []
        while True:
            self._check_scheme(url, current)
            if self.config.respect_robots and not self._allowed(current):
                where = "" if current == url else f" (redirected to {current})"
                raise FetchError(url, f"blocked by robots.txt{where}")
            ex = self._fetch_with_retries(url, current, headers, self.config.max_bytes)
            if ex.status in _REDIRECTS:
                location = ex.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {ex.status} without a Location header", status=ex.status)
                try:
                    nxt = str(httpx.URL(current).join(location.strip()))
                except httpx.InvalidURL:
                    raise FetchError(url, f"invalid redirect location {location!r}", status=ex.status) from None
                if visits.get(nxt, 0) >= 2:
                    raise FetchError(url, "redirect loop", status=ex.status)
                if len(chain) >= self.config.max_redirects:
                    raise FetchError(url, f"too many redirects ({self.config.max_redirects})", status=ex.status)
                visits[nxt] = visits.get(nxt, 0) + 1
                chain.append(current)
                self._emit("redirect", url, f"{current}: HTTP {ex.status} redirect to {nxt}")
                current = nxt
                continue
            break
        where = "" if current == url else f" at {current}"
        if ex.status >= 400 or (ex.status >= 300 and ex.status != 304):
            raise FetchError(url, f"HTTP {ex.status}{where}", status=ex.status)
        ctype = ex.headers.get("content-type")
        if ex.status != 304 and not accepts(accept, ctype):
            kind = {"html": "HTML", "json": "JSON", "xml": "XML"}[accept]
            raise FetchError(url, f"not {kind} (content-type {mime_of(ctype)}){where}", status=ex.status)
        return Response(
            url=url,
            final_url=current,
            status=ex.status,
            headers=ex.headers,
            raw_headers=ex.raw_headers,
            content=ex.content,
            content_type=ctype,
            etag=ex.headers.get("etag") or (etag if ex.status == 304 else None),
            last_modified=ex.headers.get("last-modified") or (last_modified if ex.status == 304 else None),
            fetched_at=now_iso(),
            sha256=hashlib.sha256(ex.content).hexdigest(),
            not_modified=ex.status == 304,
            elapsed=self._clock() - start,
            redirects=chain,
        )

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (always True with respect_robots=False)."""
        return not self.config.respect_robots or self._allowed(url)

    # -- robots.txt ------------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host()
            return host

    def _allowed(self, url: str) -> bool:
        host = self._host(url)
        with host.robots_lock:
            if not host.robots_loaded:
                self._load_robots(url, host)
                host.robots_loaded = True
        return host.robots is None or host.robots.allows(url, self.config.user_agent)

    def _load_robots(self, url: str, host: _Host) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        current = robots_url
        try:
            for _ in range(6):  # RFC 9309: follow at least five redirects
                ex = self._fetch_with_retries(
                    robots_url, current, {"Accept": "text/plain,*/*"}, _ROBOTS_MAX_BYTES, retries=0, partial=True
                )
                location = ex.headers.get("location")
                if ex.status in _REDIRECTS and location:
                    current = str(httpx.URL(current).join(location.strip()))
                    continue
                break
        except FetchError as exc:
            self._emit("robots", robots_url, f"{robots_url}: {exc.cause}; allowing all")
            return
        if ex.status >= 500 or ex.status in _REDIRECTS:
            self._emit("robots", robots_url, f"{robots_url}: HTTP {ex.status}; allowing all")
            return
        if ex.status >= 400:
            return  # no robots.txt: allow all
        host.robots = Robots(ex.content.decode("utf-8", errors="replace"))
        delay = host.robots.crawl_delay(self.config.user_agent)
        if delay:
            host.crawl_delay = min(float(delay), self.config.backoff_max)

    # -- requests --------------------------------------------------------------------------------

    def _check_scheme(self, asked: str, url: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(asked, f"unsupported URL scheme {scheme!r}" if scheme else "not an absolute URL")

    def _emit(self, kind: str, url: str, message: str, attempt: int = 0, delay: float = 0.0) -> None:
        if self.on_event is not None:
            self.on_event(FetchEvent(kind, url, message, attempt, delay))

    def _backoff(self, attempt: int) -> float:
        c = self.config
        d = min(c.backoff_max, c.backoff_base * 2 ** (attempt - 1))
        return d / 2 + self._random.uniform(0, d / 2)

    def _fetch_with_retries(
        self,
        asked: str,
        url: str,
        headers: dict[str, str],
        limit: int | None,
        *,
        retries: int | None = None,
        partial: bool = False,
    ) -> _Exchange:
        retries = self.config.retries if retries is None else retries
        attempt = 0
        while True:
            retry_after = None
            try:
                ex = self._exchange(asked, url, headers, limit, partial)
            except _Transient as exc:
                cause = exc.cause
                status = None
            else:
                if ex.status not in _RETRY_STATUSES and ex.status < 500:
                    return ex
                cause, status = f"HTTP {ex.status}", ex.status
                retry_after = retry_after_seconds(ex.headers.get("retry-after"))
            if attempt >= retries:
                where = "" if url == asked else f" at {url}"
                raise FetchError(asked, cause + where, status=status)
            attempt += 1
            delay = self._backoff(attempt) if retry_after is None else min(retry_after, self.config.backoff_max)
            self._emit("retry", url, f"{url}: {cause}; retry {attempt}/{retries} in {delay:.1f} s", attempt, delay)
            if delay > 0:
                self._sleep(delay)

    def _exchange(self, asked: str, url: str, headers: dict[str, str], limit: int | None, partial: bool) -> _Exchange:
        """One request, spaced from the previous one to the same host."""
        host = self._host(url)
        with host.lock:
            gap = max(self.config.min_delay, host.crawl_delay if self.config.respect_robots else 0.0)
            if host.last is not None and gap > 0:
                wait = host.last + gap - self._clock()
                if wait > 0:
                    self._emit("wait", url, f"{url}: waiting {wait:.1f} s before the next request to this host")
                    self._sleep(wait)
            try:
                return self._send(asked, url, headers, limit, partial)
            finally:
                host.last = self._clock()

    def _send(self, asked: str, url: str, headers: dict[str, str], limit: int | None, partial: bool) -> _Exchange:
        c = self.config
        try:
            request = self._client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(asked, f"invalid URL ({one_line(exc)})") from None
        sent_at = now_iso(micro=True)
        try:
            resp = self._client.send(request, stream=True)
        except httpx.ConnectTimeout:
            raise _Transient(f"connection failed: timeout after {seconds(c.connect_timeout)}") from None
        except httpx.TimeoutException:
            raise _Transient(f"timeout after {seconds(c.read_timeout)}") from None
        except httpx.ConnectError as exc:
            raise _Transient(f"connection failed: {_connect_reason(exc)}") from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            raise _Transient("connection reset") from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(asked, f"invalid URL ({one_line(exc)})") from None
        except httpx.HTTPError as exc:
            raise _Transient(f"connection failed: {one_line(exc)}") from None
        received_at = now_iso(micro=True)
        try:
            return self._read(asked, request, resp, limit, partial, sent_at, received_at)
        finally:
            resp.close()

    def _read(
        self,
        asked: str,
        request: httpx.Request,
        resp: httpx.Response,
        limit: int | None,
        partial: bool,
        sent_at: str,
        received_at: str,
    ) -> _Exchange:
        c = self.config
        raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw]
        remote_ip = _remote_ip(resp)
        wire: list[bytes] = []
        body: list[bytes] = []
        size = 0
        truncated: str | None = None
        failure: BaseException | None = None
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        if encoding == "x-gzip":
            encoding = "gzip"
        declared = resp.headers.get("content-length", "").strip()
        too_big = limit is not None and declared.isdigit() and int(declared) > limit
        if too_big and not partial and encoding == "identity":
            truncated = "length"  # not worth reading
        elif encoding not in ("identity", "gzip", "deflate"):
            failure = FetchError(asked, f"unsupported content-encoding {encoding}", status=resp.status_code)
        else:
            inflater = None if encoding == "identity" else Inflater(encoding)
            if resp.is_stream_consumed:  # a transport that read the body already (httpx.MockTransport)
                inflater, chunks = None, iter([resp.content])
            else:
                chunks = resp.iter_raw()
            keep_wire = inflater is not None and self.recorder is not None  # identity: the body is the wire
            deadline = self._clock() + c.total_timeout
            try:
                for chunk in chunks:
                    if keep_wire:
                        wire.append(chunk)
                    if self._clock() > deadline:
                        truncated = "time"
                        failure = _Transient(f"timeout after {seconds(c.total_timeout)} (whole response)")
                        break
                    for piece in inflater.feed(chunk) if inflater is not None else [chunk]:
                        size += len(piece)
                        if limit is not None and size > limit:
                            truncated = "length"
                            body.append(piece[: len(piece) - (size - limit)])
                            break
                        body.append(piece)
                    if truncated:
                        break
                if inflater is not None and not truncated:
                    body.append(inflater.flush())
            except zlib.error as exc:
                failure = FetchError(asked, f"invalid {encoding} body ({one_line(exc)})", status=resp.status_code)
            except httpx.TimeoutException:
                truncated, failure = "time", _Transient(f"timeout after {seconds(c.read_timeout)}")
            except (httpx.ReadError, httpx.RemoteProtocolError):
                truncated, failure = "disconnect", _Transient("connection reset")
            except httpx.HTTPError as exc:
                truncated, failure = "disconnect", _Transient(f"connection failed: {one_line(exc)}")
        content = b"".join(body)
        if self.recorder is not None:
            self.recorder.record(
                RequestInfo(
                    method=request.method,
                    url=str(request.url),
                    headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                    http_version=resp.http_version,
                    date=sent_at,
                ),
                ResponseInfo(
                    url=str(request.url),
                    status=resp.status_code,
                    reason=resp.reason_phrase,
                    http_version=resp.http_version,
                    headers=[(k, v) for k, v in raw_headers if k.lower() != "transfer-encoding"],
                    body=b"".join(wire) if wire else content,
                    remote_ip=remote_ip,
                    date=received_at,
                    truncated=truncated,
                ),
            )
        if failure is not None:
            raise failure
        if truncated == "length" and not partial:
            raise FetchError(asked, f"body over the limit ({size_text(limit or 0)})", status=resp.status_code)
        return _Exchange(str(request.url), resp.status_code, resp.reason_phrase, resp.headers, raw_headers, content)


def _connect_reason(exc: httpx.ConnectError) -> str:
    text = one_line(exc)
    # "[Errno 111] Connection refused" -> "connection refused"
    if text.startswith("[Errno") and "]" in text:
        text = text.split("]", 1)[1].strip()
    return text[:1].lower() + text[1:] if text else "unknown error"


def _remote_ip(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:
        return None
    return str(addr[0]) if addr else None
