"""WARC capture: what WarcRecorder writes (checked with warcio itself) and what read_responses gives back."""

from __future__ import annotations

import gzip
import os
import stat
import threading
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from server import Resp, TestServer
from threadkeep import __version__
from threadkeep.capture.warc import CapturedResponse, WarcRecorder, read_responses
from threadkeep.errors import ArchiveError, FetchError
from threadkeep.net.fetch import Fetcher
from threadkeep.net.http import FetchConfig, RequestInfo, ResponseInfo

PAGE = "<html><body><p>Un café, s'il vous plaît</p></body></html>"


def fast(**kw: object) -> FetchConfig:
    base: dict[str, object] = dict(read_timeout=2.0, connect_timeout=2.0, retries=0, min_delay=0.0, backoff_base=0.01)
    base.update(kw)
    return FetchConfig(**base)  # type: ignore[arg-type]


def exchange(n: int) -> tuple[RequestInfo, ResponseInfo]:
    url = f"http://blog.example/p/{n}?x=1"
    req = RequestInfo("GET", url, [("Host", "blog.example"), ("User-Agent", "t")], "HTTP/1.1", "2024-05-01T10:00:00Z")
    body = f"<p>{n}</p>".encode()
    resp = ResponseInfo(url, 200, "OK", "HTTP/1.1", [("Content-Type", "text/html")], body, "10.0.0.1", req.date)
    return req, resp


@pytest.fixture
def captured(server: TestServer, tmp_path: Path) -> Path:
    """A WARC of two exchanges: a plain page and a gzip-encoded, chunked JSON feed."""
    server.route("/post.html", PAGE, headers={"ETag": '"p1"'})
    server.route(
        "/feed?alt=json", Resp(200, '{"feed": 1}', {"Content-Type": "application/json"}, gzip=True, chunked=True)
    )
    path = tmp_path / "capture.warc.gz"
    with WarcRecorder(path) as rec, Fetcher(fast(respect_robots=False), recorder=rec) as f:
        f.get(server.url("/post.html"))
        f.get(server.url("/feed?alt=json"), accept="json")
        assert not path.exists()  # written aside, moved into place on close
        assert rec.count == 2
    return path


def test_round_trip_records_as_warcio_sees_them(captured: Path, server: TestServer) -> None:
    with captured.open("rb") as fh:
        records = []
        for rec in ArchiveIterator(fh, check_digests="raise"):
            records.append((rec.rec_type, rec.rec_headers, rec.http_headers, rec.content_stream().read()))
    assert [r[0] for r in records] == ["warcinfo", "response", "request", "response", "request"]
    info = records[0][3].decode()
    assert f"software: threadkeep/{__version__}" in info
    assert records[0][1].get_header("WARC-Filename") == "capture.warc.gz"
    for resp, req in (records[1:3], records[3:5]):
        _, resp_h, resp_http, _ = resp
        _, req_h, req_http, req_body = req
        assert resp_h.protocol == "WARC/1.1"
        assert req_h.get_header("WARC-Concurrent-To") == resp_h.get_header("WARC-Record-ID")
        assert resp_h.get_header("WARC-Concurrent-To") == req_h.get_header("WARC-Record-ID")
        assert resp_h.get_header("WARC-Target-URI") == req_h.get_header("WARC-Target-URI")
        assert resp_h.get_header("WARC-Date") == req_h.get_header("WARC-Date")
        assert resp_h.get_header("WARC-Date").endswith("Z")
        assert resp_h.get_header("WARC-Payload-Digest").startswith("sha1:")
        assert resp_h.get_header("WARC-IP-Address") == "127.0.0.1"
        assert resp_h.get_header("Content-Type") == "application/http; msgtype=response"
        assert req_h.get_header("Content-Type") == "application/http; msgtype=request"
        assert resp_http.get_statuscode() == "200"
        assert req_http.get_header("User-Agent").startswith("threadkeep/")
        assert req_body == b""
    page, feed = records[1], records[3]
    assert page[1].get_header("WARC-Target-URI") == server.url("/post.html")
    assert page[2].get_header("ETag") == '"p1"'
    assert page[3] == PAGE.encode()
    assert records[4][2].protocol == "GET" and records[4][2].statusline == "/feed?alt=json HTTP/1.1"
    # the feed is stored as sent (gzip), its transfer coding removed; warcio decodes it
    assert feed[2].get_header("Content-Encoding") == "gzip"
    assert feed[2].get_header("Transfer-Encoding") is None
    assert feed[3] == b'{"feed": 1}'


def test_read_responses_gives_the_responses_in_order(captured: Path, server: TestServer) -> None:
    got = read_responses(captured)
    assert [(r.url, r.status) for r in got] == [(server.url("/post.html"), 200), (server.url("/feed?alt=json"), 200)]
    page, feed = got
    assert isinstance(page, CapturedResponse)
    assert page.body == PAGE.encode() and page.header("etag") == '"p1"'
    assert page.content_type == "text/html; charset=utf-8"
    assert feed.body == b'{"feed": 1}' and feed.header("CONTENT-ENCODING") == "gzip"
    assert page.date.endswith("Z") and page.truncated is None
    assert read_responses(str(captured))[0].url == page.url


def test_robots_retries_and_truncated_bodies_are_captured(server: TestServer, tmp_path: Path) -> None:
    server.route("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    server.route("/flaky", [Resp(503, "busy"), Resp(200, "<p>ok</p>")])
    server.route("/big", Resp(200, b"x" * 1024 * 1024, chunked=True))
    path = tmp_path / "c.warc.gz"
    with WarcRecorder(path) as rec:
        f = Fetcher(fast(retries=1, max_bytes=1000), recorder=rec)
        f.get(server.url("/flaky"))
        with pytest.raises(FetchError, match="over the limit"):
            f.get(server.url("/big"))
    got = read_responses(path)
    assert [(r.url.rsplit("/", 1)[1], r.status, r.truncated) for r in got] == [
        ("robots.txt", 200, None),
        ("flaky", 503, None),
        ("flaky", 200, None),
        ("big", 200, "length"),
    ]
    assert 1000 <= len(got[-1].body) < 256 * 1024  # what was read before stopping


def test_file_is_atomic_and_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    rec = WarcRecorder(path)
    rec.record(*exchange(1))
    temps = [p for p in tmp_path.iterdir() if p.name != "a.warc.gz"]
    assert not path.exists() and len(temps) == 1 and temps[0].name.startswith(".a.warc.gz.")
    rec.close()
    rec.close()  # idempotent
    assert path.exists() and list(tmp_path.iterdir()) == [path]
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    with pytest.raises(ValueError):
        rec.record(*exchange(2))
    assert [r.url for r in read_responses(path)] == ["http://blog.example/p/1?x=1"]


def test_an_exception_discards_the_capture(tmp_path: Path) -> None:
    path = tmp_path / "b.warc.gz"
    path.write_bytes(b"previous")
    with pytest.raises(RuntimeError), WarcRecorder(path) as rec:
        rec.record(*exchange(1))
        raise RuntimeError("boom")
    assert path.read_bytes() == b"previous"  # the old file is untouched
    assert list(tmp_path.iterdir()) == [path]


def test_threads_can_share_a_recorder(tmp_path: Path) -> None:
    path = tmp_path / "t.warc.gz"
    with WarcRecorder(path) as rec:
        threads = [
            threading.Thread(target=lambda k=k: [rec.record(*exchange(k * 10 + i)) for i in range(5)]) for k in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    got = read_responses(path)
    assert len(got) == 40
    assert sorted(int(r.url.split("/p/")[1].split("?")[0]) for r in got) == sorted(
        k * 10 + i for k in range(8) for i in range(5)
    )
    assert all(r.body == f"<p>{r.url.split('/p/')[1].split('?')[0]}</p>".encode() for r in got)


# -- broken files ----------------------------------------------------------------------------------


def _one_exchange(tmp_path: Path) -> Path:
    path = tmp_path / "ok.warc.gz"
    with WarcRecorder(path) as rec:
        rec.record(*exchange(7))
    return path


def test_missing_empty_and_non_warc_files(tmp_path: Path) -> None:
    cases = {
        tmp_path / "nope.warc.gz": "no such file",
        tmp_path / "empty.warc.gz": "not a valid WARC file",
        tmp_path / "page.html": "not a valid WARC file",
        tmp_path: "is a directory",
    }
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    (tmp_path / "page.html").write_text("<html>not a warc</html>\n")
    for path, message in cases.items():
        with pytest.raises(ArchiveError) as exc:
            read_responses(path)
        assert message in str(exc.value) and str(path) in str(exc.value)
        assert "\n" not in str(exc.value) and exc.value.exit_code == 2


def test_truncated_file(tmp_path: Path) -> None:
    path = _one_exchange(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 60])
    with pytest.raises(ArchiveError, match=r"not a valid WARC file \(truncated gzip data\)"):
        read_responses(path)
    path.write_bytes(data[:-60] + b"garbage" * 10)
    with pytest.raises(ArchiveError, match=r"not a valid WARC file"):
        read_responses(path)


def test_tampered_payload_fails_its_digest(tmp_path: Path) -> None:
    path = _one_exchange(tmp_path)
    plain = gzip.decompress(path.read_bytes())
    assert plain.count(b"<p>7</p>") == 1
    bad = tmp_path / "bad.warc"
    bad.write_bytes(plain.replace(b"<p>7</p>", b"<p>8</p>"))
    assert [r.body for r in read_responses(tmp_path / "ok.warc.gz")] == [b"<p>7</p>"]
    with pytest.raises(ArchiveError, match=r"not a valid WARC file .*digest"):
        read_responses(bad)


def test_body_over_max_body(tmp_path: Path) -> None:
    path = _one_exchange(tmp_path)
    assert read_responses(path, max_body=8)[0].body == b"<p>7</p>"
    with pytest.raises(ArchiveError, match="over the limit"):
        read_responses(path, max_body=7)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
