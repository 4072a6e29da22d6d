"""The fetcher against a real HTTP server on 127.0.0.1: retries, limits, robots.txt, politeness, validators."""

from __future__ import annotations

import email.utils
import hashlib
import re
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server import Request, Resp, TestServer, free_port_refusing, gzip_bomb, redirect
from threadkeep import __version__
from threadkeep.errors import FetchError
from threadkeep.net.fetch import Fetcher
from threadkeep.net.http import FetchConfig, FetchEvent, RequestInfo, ResponseInfo
from threadkeep.net.http import retry_after_seconds as _retry_after
from threadkeep.net.http import size_text as _size

MB = 1024 * 1024


class FakeClock:
    """An injected clock and sleep: sleeping advances the clock and is logged, and takes no time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ListRecorder:
    def __init__(self) -> None:
        self.exchanges: list[tuple[RequestInfo, ResponseInfo]] = []

    def record(self, request: RequestInfo, response: ResponseInfo) -> None:
        self.exchanges.append((request, response))


def config(**kw: object) -> FetchConfig:
    """Fast settings for tests: short timeouts, tiny backoff, no per-host delay."""
    base: dict[str, object] = dict(
        connect_timeout=2.0, read_timeout=2.0, retries=3, backoff_base=0.01, backoff_max=2.0, min_delay=0.0
    )
    base.update(kw)
    return FetchConfig(**base)  # type: ignore[arg-type]


def fetcher(fake: FakeClock | None = None, events: list[FetchEvent] | None = None, **kw: object) -> Fetcher:
    extra: dict[str, object] = {}
    if fake is not None:
        extra = {"sleep": fake.sleep, "clock": fake.clock}
    return Fetcher(config(**kw), on_event=events.append if events is not None else None, **extra)  # type: ignore[arg-type]


# -- the server fixture itself -------------------------------------------------------------------


def test_server_routes_sequences_patterns_and_404(server: TestServer) -> None:
    server.route("/seq", [Resp(201, "one"), Resp(202, "two")])
    server.route(re.compile(r"^/posts/\d+$"), "a post")
    server.route("/static/", "static", prefix=True)
    server.route("/feed", lambda req: Resp(200, f"start={req.query.get('start-index', '1')}"))
    server.route("/feed?x=1", "exact query wins")
    with httpx.Client() as c:
        assert [c.get(server.url("/seq")).status_code for _ in range(3)] == [201, 202, 202]
        assert c.get(server.url("/posts/12")).text == "a post"
        assert c.get(server.url("/posts/12/x")).status_code == 404
        assert c.get(server.url("/static/a/b.css")).text == "static"
        assert c.get(server.url("/feed?start-index=26")).text == "start=26"
        assert c.get(server.url("/feed?x=1")).text == "exact query wins"
        assert c.get(server.url("/nowhere")).status_code == 404
        c.get(server.url("/seq"), headers={"X-Test": "yes"})
    last = server.requests[-1]
    assert (last.method, last.path, last.headers["x-test"]) == ("GET", "/seq", "yes")
    assert len(server.requests_to("/feed")) == 2


def test_make_server_gives_distinct_hosts(make_server) -> None:
    a, b = make_server(), make_server("127.0.0.2")
    a.route("/", "A")
    b.route("/", "B")
    assert a.netloc != b.netloc and b.host == "127.0.0.2"
    assert httpx.get(a.url("/")).text == "A"
    assert httpx.get(b.url("/")).text == "B"


# -- success, and what a Response holds ------------------------------------------------------------


def test_get_returns_a_full_response(server: TestServer) -> None:
    body = "<html><body><p>Bonjour, café</p></body></html>"
    server.route("/post.html", body, headers={"ETag": '"abc"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"})
    with fetcher() as f:
        r = f.get(server.url("/post.html"))
    assert r.status == 200 and not r.not_modified
    assert r.url == r.final_url == server.url("/post.html")
    assert r.text == body and r.content == body.encode()
    assert r.content_type == "text/html; charset=utf-8" and r.mime_type == "text/html"
    assert r.etag == '"abc"' and r.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert r.sha256 == hashlib.sha256(body.encode()).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r.fetched_at)
    assert r.headers["etag"] == '"abc"' and ("ETag", '"abc"') in r.raw_headers
    assert r.elapsed >= 0
    sent = server.requests_to("/post.html")[0].headers
    assert sent["User-Agent"].startswith(f"threadkeep/{__version__} (+")
    assert sent["Accept"].startswith("text/html")
    assert sent["Accept-Encoding"] == "gzip, deflate"


def test_gzip_and_deflate_bodies_are_decoded(server: TestServer) -> None:
    text = "Un café, s'il vous plaît. " * 200
    server.route("/gz", Resp(200, text, gzip=True, chunked=True))
    server.route("/zlib", Resp(200, zlib.compress(text.encode()), {"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    server.route("/raw", Resp(200, raw.compress(text.encode()) + raw.flush(), {"Content-Encoding": "deflate"}))
    with fetcher(respect_robots=False) as f:
        for path in ("/gz", "/zlib", "/raw"):
            r = f.get(server.url(path), accept="any")
            assert r.content == text.encode(), path


def test_json_helper_and_content_type_checks(server: TestServer) -> None:
    server.route("/feed.json", '{"feed": {"entry": []}}', headers={"Content-Type": "application/json"})
    server.route("/bad.json", "{not json", headers={"Content-Type": "application/json"})
    server.route("/atom", "<feed/>", headers={"Content-Type": "application/atom+xml; charset=UTF-8"})
    server.route("/logo.png", b"\x89PNG\r\n", headers={"Content-Type": "image/png"})
    server.route("/untyped", Resp(200, b"<p>x</p>", [("Content-Type", "")]))
    with fetcher() as f:
        assert f.get(server.url("/feed.json"), accept="json").json() == {"feed": {"entry": []}}
        assert f.get(server.url("/atom"), accept="xml").text == "<feed/>"
        with pytest.raises(FetchError, match=r"invalid JSON"):
            f.get(server.url("/bad.json"), accept="json").json()
        with pytest.raises(FetchError) as exc:
            f.get(server.url("/logo.png"))
        assert exc.value.cause == "not HTML (content-type image/png)"
        with pytest.raises(FetchError, match=r"not JSON \(content-type application/atom\+xml\)$"):
            f.get(server.url("/atom"), accept="json")
        assert f.get(server.url("/untyped")).content == b"<p>x</p>"  # no Content-Type: accepted
        assert f.get(server.url("/logo.png"), accept="any").content.startswith(b"\x89PNG")
    assert len(server.requests_to("/logo.png")) == 2  # a wrong type is not retried


# -- retries ---------------------------------------------------------------------------------------


def test_503_twice_then_200_succeeds_after_three_requests(server: TestServer) -> None:
    server.route("/flaky", [Resp(503, "busy"), Resp(503, "busy"), Resp(200, "<p>ok</p>")])
    fake, events = FakeClock(), []
    recorder = ListRecorder()
    f = Fetcher(config(), sleep=fake.sleep, clock=fake.clock, on_event=events.append, recorder=recorder)
    r = f.get(server.url("/flaky"))
    assert r.status == 200 and r.text == "<p>ok</p>"
    assert len(server.requests_to("/flaky")) == 3
    retries = [e for e in events if e.kind == "retry"]
    assert [e.attempt for e in retries] == [1, 2]
    assert "HTTP 503; retry 1/3" in str(retries[0])
    # exponential backoff with jitter: attempt n waits in [base*2**(n-1)/2, base*2**(n-1)]
    assert 0.005 <= fake.sleeps[0] <= 0.01 and 0.01 <= fake.sleeps[1] <= 0.02
    # every exchange is recorded: robots.txt, both 503s and the 200
    assert [resp.status for _, resp in recorder.exchanges] == [404, 503, 503, 200]


def test_5xx_every_time_gives_up_with_the_status(server: TestServer) -> None:
    server.route("/down", status=502, body="bad gateway")
    with fetcher(retries=2) as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/down"))
    assert exc.value.cause == "HTTP 502" and exc.value.status == 502
    assert len(server.requests_to("/down")) == 3


def test_429_with_retry_after_seconds_waits_that_long(server: TestServer) -> None:
    server.route("/limited", [Resp(429, "slow down", {"Retry-After": "1"}), Resp(200, "<p>ok</p>")])
    fake = FakeClock()
    r = fetcher(fake).get(server.url("/limited"))
    assert r.status == 200
    assert fake.sleeps == [1.0]
    assert len(server.requests_to("/limited")) == 2


def test_429_with_retry_after_really_waits(server: TestServer) -> None:
    server.route("/limited", [Resp(429, "", {"Retry-After": "1"}), Resp(200, "<p>ok</p>")])
    start = time.monotonic()
    fetcher(respect_robots=False).get(server.url("/limited"))
    first, second = server.requests_to("/limited")
    assert 0.95 <= second.time - first.time < 2.0
    assert time.monotonic() - start >= 0.95


def test_retry_after_http_date_is_honoured(server: TestServer) -> None:
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=4), usegmt=True)
    server.route("/later", [Resp(503, "", {"Retry-After": soon}), Resp(200, "<p>ok</p>")])
    fake = FakeClock()
    fetcher(fake, backoff_max=5.0).get(server.url("/later"))
    assert len(fake.sleeps) == 1 and 2.5 <= fake.sleeps[0] <= 4.0  # the date asked for, within backoff_max
    far = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= _retry_after(far) <= 30  # type: ignore[operator]
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert _retry_after("soon") is None


def test_404_is_not_retried(server: TestServer) -> None:
    with fetcher() as f, pytest.raises(FetchError) as exc:
        f.get(server.url("/missing"))
    assert exc.value.status == 404
    assert str(exc.value) == f"{server.url('/missing')}: HTTP 404"
    assert len(server.requests_to("/missing")) == 1


# -- redirects -------------------------------------------------------------------------------------


def test_redirects_are_followed_across_hosts(server: TestServer, make_server) -> None:
    other = make_server("127.0.0.2")
    other.route("/final", "<p>here</p>")
    server.route("/old", redirect("/new", 301))
    server.route("/new", redirect(other.url("/final"), 302))
    r = fetcher().get(server.url("/old"))
    assert r.final_url == other.url("/final") and r.url == server.url("/old")
    assert r.redirects == [server.url("/old"), server.url("/new")]
    assert r.text == "<p>here</p>"


def test_redirect_loop_is_detected(server: TestServer) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    with pytest.raises(FetchError) as exc:
        fetcher().get(server.url("/a"))
    assert exc.value.cause == "redirect loop" and exc.value.status == 302
    assert len(server.requests_to("/a")) + len(server.requests_to("/b")) <= 4


def test_too_many_redirects(server: TestServer) -> None:
    def hop(req: Request) -> Resp:
        n = int(req.path.rsplit("/", 1)[1])
        return redirect(f"/hop/{n + 1}")

    server.route("/hop/", hop, prefix=True)
    with pytest.raises(FetchError) as exc:
        fetcher(max_redirects=3).get(server.url("/hop/0"))
    assert exc.value.cause == "too many redirects (3)"
    assert len(server.requests_to("/hop/0")) == 1 and len([r for r in server.requests if "/hop/" in r.path]) == 4


# -- network faults --------------------------------------------------------------------------------


def test_read_timeout_before_the_headers(server: TestServer) -> None:
    server.route("/slow", Resp(200, "<p>late</p>", delay=1.0))
    with pytest.raises(FetchError) as exc:
        fetcher(read_timeout=0.2, retries=1).get(server.url("/slow"))
    assert exc.value.cause == "timeout after 0.2 s" and exc.value.status is None
    assert len(server.requests_to("/slow")) == 2


def test_read_timeout_mid_body(server: TestServer) -> None:
    server.route("/stall", Resp(200, b"<p>" + b"x" * 10_000, fault="hang"))
    recorder = ListRecorder()
    f = Fetcher(config(read_timeout=0.2, retries=0, respect_robots=False), recorder=recorder)
    with pytest.raises(FetchError, match=r"timeout after 0\.2 s$"):
        f.get(server.url("/stall"))
    (_, resp), *_ = recorder.exchanges
    assert resp.truncated == "time" and 0 < len(resp.body) < 10_003


def test_a_dripping_body_hits_the_total_timeout(server: TestServer) -> None:
    server.route("/drip", Resp(200, b"x" * 1000, fault="slow", slow_chunk=50, delay=0.05))
    start = time.monotonic()
    with pytest.raises(FetchError) as exc:
        fetcher(total_timeout=0.3, retries=0, respect_robots=False).get(server.url("/drip"))
    assert exc.value.cause == "timeout after 0.3 s (whole request)"
    assert time.monotonic() - start < 0.9


def test_connection_reset_mid_body(server: TestServer) -> None:
    server.route("/cut", Resp(200, b"<p>" + b"x" * 200_000, fault="reset"))
    with pytest.raises(FetchError) as exc:
        fetcher(retries=1).get(server.url("/cut"))
    assert exc.value.cause == "connection reset"
    assert len(server.requests_to("/cut")) == 2


def test_reset_then_success_is_retried(server: TestServer) -> None:
    server.route("/once", [Resp(200, b"x" * 50_000, fault="reset"), Resp(200, "<p>whole</p>")])
    assert fetcher().get(server.url("/once")).text == "<p>whole</p>"


def test_connection_refused(server: TestServer) -> None:
    url = f"http://127.0.0.1:{free_port_refusing()}/x"
    with pytest.raises(FetchError) as exc:
        fetcher(retries=1).get(url)
    assert exc.value.cause == "connection failed: connection refused"
    assert str(exc.value).startswith(url)


def test_unsupported_scheme() -> None:
    with pytest.raises(FetchError, match=r"unsupported URL scheme 'ftp'"):
        fetcher().get("ftp://example.org/x")


# -- size limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_the_limit(server: TestServer, chunked: bool) -> None:
    server.route("/big", Resp(200, b"<p>" + b"x" * (2 * MB), chunked=chunked))
    with pytest.raises(FetchError) as exc:
        fetcher(max_bytes=MB).get(server.url("/big"))
    assert exc.value.cause == "body over the limit (1 MB)" and exc.value.status == 200
    assert len(server.requests_to("/big")) == 1


def test_body_exactly_at_the_limit_is_fine(server: TestServer) -> None:
    server.route("/edge", Resp(200, b"x" * 1000, gzip=True))
    assert len(fetcher(max_bytes=1000).get(server.url("/edge")).content) == 1000


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(200 * MB)  # ~200 KB on the wire


def test_gzip_bomb_is_stopped_with_bounded_memory(server: TestServer, bomb: bytes) -> None:
    assert len(bomb) < MB
    server.route("/bomb", Resp(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "text/html"}))
    f = fetcher(max_bytes=MB)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as exc:
            f.get(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.cause == "body over the limit (1 MB)"
    assert peak < 6 * MB, f"peak {peak / MB:.1f} MB"


def test_sizes_read_well() -> None:
    assert [_size(20 * MB), _size(2048), _size(1536), _size(1000)] == ["20 MB", "2 KB", "1536 bytes", "1000 bytes"]


# -- decoding --------------------------------------------------------------------------------------

CP1252_PAGE = "<html><head>{meta}<title>x</title></head><body><p>café – naïve</p></body></html>"


def test_cp1252_page_declared_utf8_in_meta_only(server: TestServer) -> None:
    raw = CP1252_PAGE.format(meta='<meta charset="utf-8">').encode("cp1252")
    server.route("/mislabelled", Resp(200, raw, {"Content-Type": "text/html"}))
    assert "café – naïve" in fetcher().get(server.url("/mislabelled")).text


def test_cp1252_page_without_any_declaration(server: TestServer) -> None:
    raw = CP1252_PAGE.format(meta="").encode("cp1252")
    server.route("/bare", Resp(200, raw, {"Content-Type": "text/html"}))
    assert "café – naïve" in fetcher().get(server.url("/bare")).text


def test_charset_from_the_header_is_used(server: TestServer) -> None:
    raw = CP1252_PAGE.format(meta='<meta charset="utf-8">').encode("cp1252")
    server.route("/declared", Resp(200, raw, {"Content-Type": "text/html; charset=windows-1252"}))
    assert "café – naïve" in fetcher().get(server.url("/declared")).text


# -- robots.txt ------------------------------------------------------------------------------------


def test_path_disallowed_by_robots(server: TestServer) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    server.route("/private/post.html", "<p>secret</p>")
    server.route("/public.html", "<p>hello</p>")
    f = fetcher()
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/private/post.html"))
    assert exc.value.cause == "blocked by robots.txt"
    assert f.get(server.url("/public.html")).status == 200
    assert not f.allowed(server.url("/private/x")) and f.allowed(server.url("/x"))
    assert server.requests_to("/private/post.html") == []
    assert len(server.requests_to("/robots.txt")) == 1  # read once per host


def test_ignoring_robots(server: TestServer) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    server.route("/post.html", "<p>hello</p>")
    assert fetcher(respect_robots=False).get(server.url("/post.html")).status == 200
    assert server.requests_to("/robots.txt") == []


def test_robots_rules_for_our_user_agent_only(server: TestServer, make_server) -> None:
    server.route("/robots.txt", "User-agent: threadkeep\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    other = make_server()
    other.route("/robots.txt", "User-agent: otherbot\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    other.route("/p", "<p>ok</p>")
    f = fetcher()
    with pytest.raises(FetchError, match=r"blocked by robots\.txt$"):
        f.get(server.url("/p"))
    assert f.get(other.url("/p")).status == 200


def test_redirect_into_a_disallowed_path_is_blocked(server: TestServer) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"})
    server.route("/go", redirect("/private/x"))
    with pytest.raises(FetchError, match=r"blocked by robots.txt \(redirected to .*/private/x\)"):
        fetcher().get(server.url("/go"))
    assert server.requests_to("/private/x") == []


def test_robots_server_error_means_allow_all(server: TestServer) -> None:
    server.route("/robots.txt", status=500, body="oops")
    server.route("/p", "<p>ok</p>")
    events: list[FetchEvent] = []
    assert fetcher(events=events).get(server.url("/p")).status == 200
    assert any(e.kind == "robots" and "HTTP 500; allowing all" in e.message for e in events)


# -- politeness ------------------------------------------------------------------------------------


def test_crawl_delay_is_honoured_between_requests_to_one_host(server: TestServer) -> None:
    server.route("/robots.txt", "User-agent: *\nCrawl-delay: 2\n", headers={"Content-Type": "text/plain"})
    server.route("/1", "<p>1</p>")
    server.route("/2", "<p>2</p>")
    fake = FakeClock()
    f = fetcher(fake, min_delay=0.5)
    f.get(server.url("/1"))
    f.get(server.url("/2"))
    assert fake.sleeps == [2.0, 2.0]  # robots.txt -> /1 -> /2


def test_min_delay_between_requests_to_one_host_but_not_across_hosts(server: TestServer, make_server) -> None:
    other = make_server("127.0.0.2")
    for s in (server, other):
        s.route("/p", "<p>x</p>")
    fake = FakeClock()
    f = fetcher(fake, min_delay=1.5, respect_robots=False)
    f.get(server.url("/p"))
    f.get(other.url("/p"))
    assert fake.sleeps == []
    fake.now += 0.5  # half a second later: one more second to wait
    f.get(server.url("/p"))
    assert fake.sleeps == [1.0]


def test_threads_share_a_fetcher_politely(server: TestServer, make_server) -> None:
    other = make_server("127.0.0.2")
    for s in (server, other):
        s.route("/slow", Resp(200, "<p>x</p>", delay=0.3))
    f = fetcher(respect_robots=False, min_delay=0.1)
    errors: list[BaseException] = []

    def run(url: str) -> None:
        try:
            f.get(url)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    start = time.monotonic()
    threads = [threading.Thread(target=run, args=(s.url("/slow"),)) for s in (server, other)]
    threads += [threading.Thread(target=run, args=(server.url("/slow"),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    first, second = server.requests_to("/slow")
    assert second.time - first.time >= 0.3 + 0.1 - 0.02  # one host: one request at a time, then the delay
    assert abs(other.requests_to("/slow")[0].time - first.time) < 0.25  # another host: in parallel
    assert time.monotonic() - start < 1.5


# -- conditional GET -------------------------------------------------------------------------------


def test_304_on_refetch_with_stored_validators(server: TestServer) -> None:
    lm = "Wed, 01 May 2024 10:00:00 GMT"

    def page(req: Request) -> Resp:
        if req.headers.get("If-None-Match") == '"v1"':
            return Resp(304, b"", {"ETag": '"v1"'})
        return Resp(200, "<p>v1</p>", {"ETag": '"v1"', "Last-Modified": lm})

    server.route("/post", page)
    f = fetcher()
    first = f.get(server.url("/post"))
    assert (first.status, first.not_modified, first.etag, first.last_modified) == (200, False, '"v1"', lm)
    again = f.get(server.url("/post"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.status == 304 and again.content == b""
    assert (again.etag, again.last_modified) == ('"v1"', lm)
    sent = server.requests_to("/post")[-1].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == lm
    assert "If-None-Match" not in server.requests_to("/post")[0].headers


# -- pure logic with a mock transport ----------------------------------------------------------------


def test_mock_transport_and_capture_details() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>mock</p>")

    recorder = ListRecorder()
    f = Fetcher(config(), transport=httpx.MockTransport(handler), recorder=recorder)
    assert f.get("http://blog.example/post").text == "<p>mock</p>"
    req, resp = recorder.exchanges[-1]
    assert req.method == "GET" and req.url == "http://blog.example/post"
    assert ("Accept-Encoding", "gzip, deflate") in req.headers
    assert resp.status == 200 and resp.body == b"<p>mock</p>" and resp.truncated is None
    assert resp.date.endswith("Z") and req.date.endswith("Z")


# ---------------------------------------------------------------------------- robots.txt, RFC 9309


def test_robots_wildcards_and_end_anchor_are_honoured(server: TestServer) -> None:
    """`*` matches any run of characters and `$` anchors the end (RFC 9309 2.2.3): the rules a
    WordPress blog writes against its reply links and files."""
    rules = "User-agent: *\nDisallow: /*?replytocom=\nDisallow: /*.pdf$\nDisallow: /this/*/exactly\n"
    server.route("/robots.txt", rules, headers={"Content-Type": "text/plain"})
    f = fetcher()
    assert not f.allowed(server.url("/2024/01/post/?replytocom=42"))
    assert f.allowed(server.url("/2024/01/post/?page=2&replytocom=42"))  # the rule says "?replytocom=", literally
    assert f.allowed(server.url("/2024/01/post/"))
    assert not f.allowed(server.url("/files/paper.pdf"))
    assert f.allowed(server.url("/files/paper.pdf?download=1"))  # `$`: the path must end there
    assert not f.allowed(server.url("/this/very/long/path/exactly"))
    assert f.allowed(server.url("/this/exactly"))  # `/*/` needs a segment between the slashes
    server.route("/2024/01/post/", "<p>hello</p>")
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/2024/01/post/?replytocom=42"))
    assert exc.value.cause == "blocked by robots.txt"
    assert f.get(server.url("/2024/01/post/")).status == 200


def test_robots_longest_match_wins_and_allow_wins_a_tie(server: TestServer) -> None:
    """RFC 9309 2.2.2: the most specific (longest) matching rule applies; on equal length, allow."""
    rules = (
        "User-agent: threadkeep\n"
        "Allow: /example/page/\n"
        "Disallow: /example/page/disallowed.gif\n"
        "Disallow: /tie\n"
        "Allow: /tie\n"
        "Disallow: /\n"
    )
    server.route("/robots.txt", rules, headers={"Content-Type": "text/plain"})
    f = fetcher()
    assert f.allowed(server.url("/example/page/"))
    assert f.allowed(server.url("/example/page/other.html"))
    assert not f.allowed(server.url("/example/page/disallowed.gif"))
    assert f.allowed(server.url("/tie"))
    assert not f.allowed(server.url("/anything-else"))


def test_robots_percent_encoding_matches_either_way(server: TestServer) -> None:
    """RFC 9309 2.2.2: octets in a rule and in a URL compare after percent-decoding unreserved ones."""
    server.route("/robots.txt", "User-agent: *\nDisallow: /%7Ejoe/\n", headers={"Content-Type": "text/plain"})
    f = fetcher()
    assert not f.allowed(server.url("/~joe/index.html"))
    assert not f.allowed(server.url("/%7Ejoe/index.html"))
    assert f.allowed(server.url("/joe/index.html"))
