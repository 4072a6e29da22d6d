"""A real HTTP server on the loopback interface for tests, with faults on demand.

    def test_x(server):
        server.route("/page", "<html>…</html>")                        # 200, text/html; charset=utf-8
        server.route("/gone", status=404)
        server.route("/flaky", [Resp(503), Resp(503), Resp(200, "ok")])  # in order, last one repeated
        server.route("/feed", lambda req: Resp(body=page_for(req.query)))  # dynamic
        server.route(re.compile(r"/posts/\\d+"), "post")                 # regex (matched on path+query)
        server.route("/static/", "x", prefix=True)                       # prefix
        server.route("/a", redirect("/b"))
        server.route("/cut", Resp(200, b"x" * 10_000, fault="reset"))     # headers + half the body, then RST
        server.route("/bomb", Resp(200, gzip_bomb(50_000_000), headers={"Content-Encoding": "gzip"}))
        url = server.url("/page")                                        # http://127.0.0.1:PORT/page
        server.requests                                                  # [Request(method, path, headers, …)]

Route lookup: exact path+query, then exact path (any query), then regex and prefix routes in the
order they were added; anything else is a 404. `make_server(host="127.0.0.2")` (fixture) starts
more servers, each a distinct host for politeness and concurrency tests (the whole 127/8 routes
to loopback on Linux). Faults (`Resp.fault`):

    "reset"  send the headers and half the body, then close with RST (SO_LINGER 0)
    "close"  close the connection without sending anything
    "hang"   send the headers and half the body, then stall (until `hang` seconds or shutdown)
    "slow"   send the body in `slow_chunk`-byte pieces with `delay` seconds between them
    "slowhead"  send the status line and headers one byte every `delay` seconds (a header
             slowloris: every read gets a byte before its timeout), then the body

`Resp.content_length` sends that Content-Length whatever the body's length (shorter: the client
reads a page cut short and the rest is garbage on the connection, which is then closed).

`Resp.delay` is a pause before anything is sent (for read timeouts on the headers); `chunked=True`
sends the body with Transfer-Encoding: chunked and no Content-Length; `gzip=True` compresses the body
and sets Content-Encoding: gzip.
"""

from __future__ import annotations

import gzip as _gzip
import http.server
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Request", "Resp", "TestServer", "gzip_bomb", "redirect"]


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str  # path with the query string, as sent
    headers: Message  # case-insensitive: req.headers["If-None-Match"], req.headers.get(...)
    body: bytes = b""
    time: float = 0.0  # time.monotonic() when it arrived

    @property
    def query(self) -> dict[str, str]:
        """The query string's parameters (first value of each)."""
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}


@dataclass
class Resp:
    """A canned response."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] | list[tuple[str, str]] | None = None
    delay: float = 0.0
    fault: str | None = None  # "reset", "close", "hang" or "slow"
    chunked: bool = False
    gzip: bool = False
    hang: float = 30.0  # how long "hang" stalls at most
    slow_chunk: int = 1
    content_length: int | None = None  # a Content-Length that lies

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body

    def header_list(self) -> list[tuple[str, str]]:
        items = list(self.headers.items()) if isinstance(self.headers, dict) else list(self.headers or [])
        if not any(k.lower() == "content-type" for k, _ in items) and self.status not in (204, 304):
            ctype = "text/html; charset=utf-8" if isinstance(self.body, str) else "text/html"
            items.append(("Content-Type", ctype))
        return items


def redirect(location: str, status: int = 302) -> Resp:
    """A redirect to `location` (absolute, or a path on the same server)."""
    return Resp(status, b"", {"Location": location, "Content-Type": "text/plain"})


def gzip_bomb(size: int) -> bytes:
    """A small gzip stream that inflates to `size` zero bytes (about 1000:1)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = []
    left = size
    while left > 0:
        n = min(left, len(block))
        parts.append(comp.compress(block[:n]))
        left -= n
    parts.append(comp.flush())
    return b"".join(parts)


@dataclass
class _Route:
    answers: Any  # list[Resp] or a callable
    served: int = 0


@dataclass
class _State:
    exact: dict[str, _Route] = field(default_factory=dict)
    patterns: list[tuple[Callable[[str], bool], _Route]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    connections: set[socket.socket] = field(default_factory=set)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "threadkeep-test"
    sys_version = ""
    timeout = 15  # idle keep-alive connections end by themselves

    state: _State  # set on the subclass made per server

    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with self.state.lock:
            self.state.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, self.path, self.headers, body, time.monotonic())
        with self.state.lock:
            self.state.requests.append(req)
            resp = self._lookup(req)
        if callable(resp):
            resp = resp(req)
        if not isinstance(resp, Resp):
            resp = Resp(200, resp)
        self._send(resp)

    def _lookup(self, req: Request) -> Any:
        st = self.state
        route = st.exact.get(req.path) or st.exact.get(urlsplit(req.path).path)
        if route is None:
            route = next((r for match, r in st.patterns if match(req.path)), None)
        if route is None:
            return Resp(404, "not found", {"Content-Type": "text/plain"})
        if callable(route.answers):
            return route.answers
        resp = route.answers[min(route.served, len(route.answers) - 1)]
        route.served += 1
        return resp

    def _send(self, resp: Resp) -> None:
        st = self.state
        if resp.delay and resp.fault not in ("slow", "slowhead") and st.stopping.wait(resp.delay):
            return
        if resp.fault == "close":
            self._abort(rst=False)
            return
        body = resp.body_bytes()
        headers = resp.header_list()
        if resp.gzip:
            body = _gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        head_only = self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
        if resp.chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        elif not head_only or self.command == "HEAD":
            length = len(body) if resp.content_length is None else resp.content_length
            headers.append(("Content-Length", str(length)))
        lines = [f"HTTP/1.1 {resp.status} {self.responses.get(resp.status, ('Unknown',))[0]}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if resp.fault or resp.content_length is not None:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if head_only:
            body = b""
        if resp.chunked and not head_only:
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in _pieces(body, 8192)) + b"0\r\n\r\n"
        try:
            if resp.fault in ("reset", "hang"):
                self.wfile.write(head + body[: len(body) // 2])
                self.wfile.flush()
                if resp.fault == "hang":
                    st.stopping.wait(resp.hang)
                self._abort(rst=resp.fault == "reset")
                return
            if resp.fault == "slowhead":
                for i in range(len(head)):
                    if st.stopping.wait(resp.delay):
                        return
                    self.wfile.write(head[i : i + 1])
                    self.wfile.flush()
                self.wfile.write(body)
                self.close_connection = True
                return
            if resp.fault == "slow":
                self.wfile.write(head)
                for piece in _pieces(body, max(1, resp.slow_chunk)):
                    if st.stopping.wait(resp.delay):
                        break
                    self.wfile.write(piece)
                self.close_connection = True
                return
            self.wfile.write(head + body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return
        if resp.fault or resp.content_length is not None:
            self.close_connection = True

    def _abort(self, *, rst: bool) -> None:
        self.close_connection = True
        sock = self.connection
        try:
            if rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client gone away is no news
        pass


class TestServer:
    """An HTTP/1.1 server on `host` (port chosen by the OS), serving in a background thread."""

    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state = _State()
        handler = type("Handler", (_Handler,), {"state": self._state})
        self._httpd = _HTTPServer((host, port), handler)
        self.host = host
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"test-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- the API ---------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    @property
    def requests(self) -> list[Request]:
        """Every request received so far (a copy)."""
        with self._state.lock:
            return list(self._state.requests)

    def requests_to(self, path: str) -> list[Request]:
        """The requests for `path` (exact path+query, or path alone when `path` has no query)."""
        return [r for r in self.requests if r.path == path or ("?" not in path and urlsplit(r.path).path == path)]

    def route(
        self,
        path: str | re.Pattern[str],
        body: Any = b"",
        status: int = 200,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
        delay: float = 0.0,
        fault: str | None = None,
        *,
        prefix: bool = False,
        **resp_options: Any,
    ) -> None:
        """Answer requests for `path` with `body`: bytes or str (with status/headers/delay/fault),
        a Resp, a list of Resp served in order (the last repeated), or a callable Request -> Resp."""
        if isinstance(body, Resp) or callable(body):
            answers: Any = body if callable(body) and not isinstance(body, Resp) else [body]
        elif isinstance(body, list):
            if not body:
                raise ValueError("empty response list")
            answers = [r if isinstance(r, Resp) else Resp(200, r) for r in body]
        else:
            answers = [Resp(status, body, headers, delay, fault, **resp_options)]
        route = _Route(answers)
        with self._state.lock:
            if isinstance(path, re.Pattern):
                pattern = path
                self._state.patterns.append((lambda p: pattern.search(p) is not None, route))
            elif prefix:
                self._state.patterns.append((lambda p: p.startswith(path), route))
            else:
                self._state.exact[path] = route

    def reset(self) -> None:
        """Forget all routes and logged requests."""
        with self._state.lock:
            self._state.exact.clear()
            self._state.patterns.clear()
            self._state.requests.clear()

    def close(self) -> None:
        self._state.stopping.set()
        self._httpd.shutdown()
        with self._state.lock:
            conns = list(self._state.connections)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> TestServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def free_port_refusing(host: str = "127.0.0.1") -> int:
    """A port on `host` where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
