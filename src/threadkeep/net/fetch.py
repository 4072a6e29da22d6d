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
  `backoff_max`). A Retry-After header (seconds or an HTTP date) is used as the delay instead when it
  is at most `backoff_max`; a longer one is honoured by not asking again: `Deferred` (a FetchError
  with `retry_at`) at once, after one request. Each retry is reported as a FetchEvent("retry", …).
- **Timeouts**: `connect_timeout` to connect, `read_timeout` for each read ("timeout after 30 s"),
  and `total_timeout`, one deadline per request from connect to last byte, headers included (a
  server dripping its status line a byte at a time; robots.txt too): "timeout after 300 s (whole
  request)". net/deadline.py clamps every socket wait to it. `time_limit(seconds)` bounds all the
  requests, retries and waits of one thread of work (the caller's thread): past it, "time limit
  of N s reached", not retried.
- **Stopping**: `cancel()` (or the `cancel` event given) ends every request and wait within a
  quarter of a second with `Interrupted`.
- **An empty 200** (no body, or only whitespace) is never a page: "empty response (HTTP 200, no
  body)" for `accept="html"`.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from threadkeep import timefmt
from threadkeep.errors import Deferred, FetchError, Interrupted, hide_credentials
from threadkeep.net import deadline
from threadkeep.net.exchange import Exchange, Transient, read_response
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
    check_url,
    connect_reason,
    duration_text,
    host_key,
    mime_of,
    one_line,
    protocol_reason,
    retry_after_seconds,
    seconds,
)
from threadkeep.net.robots import Robots
from threadkeep.timefmt import now_iso, utc_iso

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
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
    ) -> None:
        self.config = config or FetchConfig()
        self.on_event = on_event
        self.recorder = recorder
        self.cancel_event = cancel if cancel is not None else threading.Event()
        self._sleep = sleep
        self._limits = threading.local()  # per calling thread: the time_limit() deadline
        self._clock = clock
        self._random = random.Random()
        c = self.config
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(connect=c.connect_timeout, read=c.read_timeout, write=c.read_timeout, pool=None),
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            event_hooks={"response": [self._note_location]},
        )
        deadline.wrap_client(self._client)
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def cancel(self) -> None:
        """Stop every request and wait of this Fetcher, in every thread, with Interrupted."""
        self.cancel_event.set()

    @contextmanager
    def time_limit(self, limit: float | None) -> Iterator[None]:
        """Bound every request, retry and wait made by the calling thread inside the block."""
        previous = getattr(self._limits, "value", None)
        self._limits.value = None if limit is None else (time.monotonic() + limit, limit)
        try:
            yield
        finally:
            self._limits.value = previous

    def _limit(self) -> tuple[float, float] | None:
        return getattr(self._limits, "value", None)

    def _check_time(self, asked: str, after: float = 0.0) -> None:
        """Raise when cancelled, or when the thread's time limit falls within `after` seconds."""
        if self.cancel_event.is_set():
            raise Interrupted(f"{asked}: interrupted")
        limit = self._limit()
        if limit is not None and time.monotonic() + after >= limit[0]:
            raise FetchError(asked, f"time limit of {seconds(limit[1])} reached")

    def _pause(self, asked: str, delay: float) -> None:
        self._check_time(asked, delay)
        if self._sleep is not None:
            self._sleep(delay)
        elif self.cancel_event.wait(delay):
            raise Interrupted(f"{asked}: interrupted")

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
        check_url(url, url)
        self._check_time(url)
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
            check_url(url, current)
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
                    check_url(url, nxt)
                except (httpx.InvalidURL, ValueError, FetchError):
                    shown = location.strip()[:200]
                    raise FetchError(url, f"invalid redirect location {shown!r}", status=ex.status) from None
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
        if accept == "html" and ex.status == 200 and not ex.content.strip():
            raise FetchError(url, f"empty response (HTTP 200, no body){where}", status=ex.status)
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
                    try:
                        current = str(httpx.URL(current).join(location.strip()))
                        check_url(robots_url, current)
                    except (httpx.InvalidURL, ValueError, FetchError):
                        raise FetchError(robots_url, "invalid redirect location") from None
                    continue
                break
        except (Interrupted, Deferred):
            raise
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

    def _emit(self, kind: str, url: str, message: str, attempt: int = 0, delay: float = 0.0) -> None:
        if self.on_event is not None:
            self.on_event(FetchEvent(kind, hide_credentials(url), hide_credentials(message), attempt, delay))

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
    ) -> Exchange:
        retries = self.config.retries if retries is None else retries
        attempt = 0
        while True:
            retry_after = None
            try:
                ex = self._exchange(asked, url, headers, limit, partial)
            except Transient as exc:
                cause = exc.cause
                status = None
            else:
                if ex.status not in _RETRY_STATUSES and ex.status < 500:
                    return ex
                cause, status = f"HTTP {ex.status}", ex.status
                retry_after = retry_after_seconds(ex.headers.get("retry-after"))
            where = "" if url == asked else f" at {url}"
            if retry_after is not None and retry_after > self.config.backoff_max:
                at = utc_iso(timefmt.clock() + timedelta(seconds=retry_after))
                raise Deferred(
                    asked,
                    f"{cause}{where}: the server asks to wait {duration_text(retry_after)} (until {at})",
                    status=status,
                    retry_at=at,
                )
            if attempt >= retries:
                raise FetchError(asked, cause + where, status=status)
            attempt += 1
            delay = self._backoff(attempt) if retry_after is None else retry_after
            self._emit("retry", url, f"{url}: {cause}; retry {attempt}/{retries} in {delay:.1f} s", attempt, delay)
            if delay > 0:
                self._pause(asked, delay)

    def _exchange(self, asked: str, url: str, headers: dict[str, str], limit: int | None, partial: bool) -> Exchange:
        """One request, spaced from the previous one to the same host."""
        host = self._host(url)
        with host.lock:
            gap = max(self.config.min_delay, host.crawl_delay if self.config.respect_robots else 0.0)
            if host.last is not None and gap > 0:
                wait = host.last + gap - self._clock()
                if wait > 0:
                    self._emit("wait", url, f"{url}: waiting {wait:.1f} s before the next request to this host")
                    self._pause(asked, wait)
            try:
                return self._send(asked, url, headers, limit, partial)
            finally:
                host.last = self._clock()

    def _send(self, asked: str, url: str, headers: dict[str, str], limit: int | None, partial: bool) -> Exchange:
        c = self.config
        try:
            request = self._client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(asked, f"invalid URL ({one_line(exc)})") from None
        self._check_time(asked)
        thread_limit = self._limit()
        ends = time.monotonic() + c.total_timeout
        with deadline.budget(min(ends, thread_limit[0]) if thread_limit else ends, self.cancel_event) as b:
            return self._send_within(asked, request, limit, partial, b)

    def _note_location(self, response: httpx.Response) -> None:
        """Keep a redirect's Location: httpx parses it inside send() and may refuse it there."""
        self._limits.location = response.headers.get("location")

    def _bad_location(self, asked: str) -> FetchError:
        location = (getattr(self._limits, "location", None) or "").strip()
        scheme = location.split(":", 1)[0].lower() if ":" in location else ""
        if scheme.isalpha() and scheme not in ("http", "https"):
            return FetchError(asked, f"redirect to an unsupported URL scheme {scheme!r}")
        return FetchError(asked, f"invalid redirect location {location[:200]!r}")

    def _cut(self, asked: str, b: deadline.Budget, default: BaseException) -> BaseException:
        """What a timed-out or broken socket operation means: the default, unless the budget cut it."""
        if b.hit == "cancel" or self.cancel_event.is_set():
            return Interrupted(f"{asked}: interrupted")
        if b.hit == "deadline" or (b.deadline is not None and time.monotonic() >= b.deadline):
            limit = self._limit()
            if limit is not None and time.monotonic() >= limit[0] - 0.05:
                return FetchError(asked, f"time limit of {seconds(limit[1])} reached")
            return Transient(f"timeout after {seconds(self.config.total_timeout)} (whole request)")
        return default

    def _send_within(self, asked, request, limit, partial, b: deadline.Budget) -> Exchange:
        c = self.config
        sent_at = now_iso(micro=True)
        self._limits.location = None
        try:
            resp = self._client.send(request, stream=True)
        except httpx.ConnectTimeout:
            raise self._cut(
                asked, b, Transient(f"connection failed: timeout after {seconds(c.connect_timeout)}")
            ) from None
        except httpx.TimeoutException:
            raise self._cut(asked, b, Transient(f"timeout after {seconds(c.read_timeout)}")) from None
        except httpx.ConnectError as exc:
            raise Transient(f"connection failed: {connect_reason(exc)}") from None
        except (httpx.ReadError, httpx.WriteError):
            raise self._cut(asked, b, Transient("connection reset")) from None
        except httpx.RemoteProtocolError as exc:
            if "location header" in str(exc).lower():
                raise self._bad_location(asked) from None
            raise self._cut(asked, b, Transient(protocol_reason(exc))) from None
        except httpx.InvalidURL:  # the Location of a redirect (the request's own URL was checked)
            raise self._bad_location(asked) from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(asked, f"invalid URL ({one_line(exc)})") from None
        except httpx.HTTPError as exc:
            raise Transient(f"connection failed: {one_line(exc)}") from None
        received_at = now_iso(micro=True)
        try:
            return read_response(
                asked,
                request,
                resp,
                limit=limit,
                partial=partial,
                sent_at=sent_at,
                received_at=received_at,
                config=c,
                clock=self._clock,
                recorder=self.recorder,
                cut=lambda default: self._cut(asked, b, default),
            )
        finally:
            resp.close()
