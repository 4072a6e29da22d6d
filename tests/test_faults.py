"""Issue 14, "never hang" and "never lose what was kept": a fault-injecting server on 127.0.0.1,
FIFOs, links, signals and umasks, through the library and the real CLI in subprocesses."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from server import Resp
from test_update import PATH, seed_html
from threadkeep.errors import Deferred, FetchError
from threadkeep.net.fetch import FetchConfig, Fetcher
from threadkeep.paths import archive_stem
from threadkeep.pipeline import FetchOptions
from threadkeep.store import load_archive
from threadkeep.sync import STATE_NAME, SyncOptions, WatchEntry, sync
from threadkeep.tree import walk

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*EXE, *args], capture_output=True, timeout=timeout, env={**os.environ, "COLUMNS": "100", **(env or {})}
    )


def one_error_line(r: subprocess.CompletedProcess) -> str:
    err = r.stderr.decode()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return lines[0]


def fast(**kw) -> FetchOptions:
    return FetchOptions(min_delay=0, retries=0, **kw)


def seeded(server, tmp_path: Path) -> tuple[Path, str]:
    """An archive of the seed page (8 comments) fetched from the server; the page route stays."""
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    out = tmp_path / "t.json"
    r = run("fetch", server.url(PATH), "-o", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    return out, server.url(PATH)


# ----------------------------------------------------------------------------- 1. never hang


def test_header_slowloris_hits_the_request_deadline(server):
    # the status line and headers one byte every 50 ms (about 5 s in all): each read gets a byte
    # well within the 2 s read timeout, so only a deadline over the whole request stops it
    server.route("/slow", Resp(200, "<p>x</p>", fault="slowhead", delay=0.05))
    f = Fetcher(FetchConfig(read_timeout=2, total_timeout=0.6, retries=0, min_delay=0, respect_robots=False))
    start = time.monotonic()
    with pytest.raises(FetchError) as exc:
        f.get(server.url("/slow"))
    assert exc.value.cause == "timeout after 0.6 s (whole request)"
    assert time.monotonic() - start < 1.5


def test_a_dripping_robots_txt_is_bounded_too(server):
    server.route("/robots.txt", Resp(200, "User-agent: *\nDisallow:\n", fault="slowhead", delay=0.05))
    server.route("/page", "<p>ok</p>")
    events = []
    f = Fetcher(FetchConfig(read_timeout=2, total_timeout=0.5, retries=0, min_delay=0), on_event=events.append)
    start = time.monotonic()
    assert f.get(server.url("/page")).text == "<p>ok</p>"
    assert time.monotonic() - start < 1.5
    assert any(e.kind == "robots" and "whole request" in e.message for e in events)


def test_max_time_bounds_one_thread_of_a_sync(make_server, tmp_path):
    slow, good = make_server("127.0.0.1"), make_server("127.0.0.2")
    for srv in (slow, good):
        srv.route("/robots.txt", status=404)
    slow.route(PATH, Resp(200, seed_html(), fault="slowhead", delay=0.05))
    good.route(PATH, seed_html())
    start = time.monotonic()
    options = SyncOptions(FetchOptions(min_delay=0, retries=4, request_timeout=30, max_time=1.0))
    report = sync([WatchEntry(slow.url(PATH)), WatchEntry(good.url(PATH))], tmp_path / "d", options)
    assert time.monotonic() - start < 3
    bad, ok = report.results
    assert bad.status == "failed" and bad.error.endswith("time limit of 1 s reached")
    assert ok.status == "new"


def test_cancel_stops_a_hanging_request_within_a_second(server):
    from threadkeep.errors import Interrupted

    server.route("/hang", Resp(200, "<p>" + "x" * 10_000, fault="hang", hang=20))
    f = Fetcher(FetchConfig(read_timeout=30, retries=0, min_delay=0, respect_robots=False))
    threading.Timer(0.3, f.cancel).start()
    start = time.monotonic()
    with pytest.raises(Interrupted):
        f.get(server.url("/hang"))
    assert time.monotonic() - start < 1.0


def test_a_wait_longer_than_the_time_left_is_not_slept(server):
    server.route("/busy", Resp(503, "", {"Retry-After": "30"}))
    f = Fetcher(FetchConfig(min_delay=0, respect_robots=False))  # backoff_max 60: 30 s would be waited
    start = time.monotonic()
    with f.time_limit(2.0), pytest.raises(FetchError) as exc:
        f.get(server.url("/busy"))
    assert exc.value.cause == "time limit of 2 s reached" and time.monotonic() - start < 1


def test_max_time_is_a_cli_option_of_every_fetching_command():
    for command in ("fetch", "update", "sync"):
        r = run(command, "--help")
        assert b"--max-time" in r.stdout and b"--request-timeout" in r.stdout, command


def test_a_lock_held_too_long_names_its_holder(tmp_path):
    import fcntl

    d = tmp_path / "d"
    d.mkdir()
    (tmp_path / "w.txt").write_text("http://127.0.0.1:9/x\n")
    fd = os.open(d / ".threadkeep.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another "run", started 3 hours ago
    os.write(fd, json.dumps({"pid": 4242, "started": "2026-01-01T03:00:00Z", "since": time.time() - 3 * 3600}).encode())
    try:
        r = run("sync", str(tmp_path / "w.txt"), "--dir", str(d))
    finally:
        os.close(fd)
    assert r.returncode == 3
    line = one_error_line(r)
    assert "PID 4242, started 2026-01-01T03:00:00Z" in line and "may be hung" in line and "3.0 h" in line


def test_the_systemd_example_does_not_count_a_locked_run_as_success():
    unit = Path(__file__).resolve().parents[1] / "examples" / "threadkeep-sync.service"
    live = [line for line in unit.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not any(line.startswith("SuccessExitStatus") for line in live)
    assert "exit 3" in unit.read_text()  # and it says why


# ----------------------------------------------------------------------- 2. a long Retry-After


def test_a_long_retry_after_is_asked_once(server):
    server.route("/busy", Resp(429, "later", {"Retry-After": "3600"}))
    f = Fetcher(FetchConfig(min_delay=0, respect_robots=False))  # retries=4, backoff_max=60
    start = time.monotonic()
    with pytest.raises(Deferred) as exc:
        f.get(server.url("/busy"))
    assert time.monotonic() - start < 1
    assert len(server.requests_to("/busy")) == 1
    assert "asks to wait 60 min" in exc.value.cause and exc.value.retry_at.endswith("Z")


def test_a_host_asking_for_later_is_deferred_and_the_run_goes_on(make_server, tmp_path):
    busy, good = make_server("127.0.0.1"), make_server("127.0.0.2")
    for srv in (busy, good):
        srv.route("/robots.txt", status=404)
    busy.route("/a", Resp(429, "later", {"Retry-After": "3600"}))
    busy.route("/b", seed_html())
    good.route(PATH, seed_html())
    entries = [WatchEntry(busy.url("/a")), WatchEntry(busy.url("/b")), WatchEntry(good.url(PATH))]
    d = tmp_path / "d"
    start = time.monotonic()
    report = sync(entries, d, SyncOptions(FetchOptions(min_delay=0)))
    assert time.monotonic() - start < 5
    assert [r.status for r in report.results] == ["deferred", "deferred", "new"]
    assert busy.requests_to("/b") == [] and len(busy.requests_to("/a")) == 1  # the host said "later"
    assert report.exit_code == 0 and "2 deferred (the host asked to wait, until 20" in report.summary()
    state = json.loads((d / STATE_NAME).read_text())["threads"]
    assert state[busy.url("/a")]["retry_at"] == report.results[0].retry_at
    again = sync(entries, d, SyncOptions(FetchOptions(min_delay=0)))  # an hour has not passed
    assert [r.status for r in again.results] == ["deferred", "deferred", "unchanged"]
    assert len(busy.requests_to("/a")) == 1 and busy.requests_to("/b") == []


# ------------------------------------------------------------------- 3. FIFOs, devices, links


def test_show_dev_zero_and_a_fifo_are_refused_at_once(tmp_path):
    fifo = tmp_path / "a.json"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        r = run("show", target, timeout=20)
        assert r.returncode == 2
        assert "not a regular file" in one_error_line(r)


def test_a_link_to_a_fifo_in_dir_does_not_block_sync(server, tmp_path):
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    server.route("/other", seed_html())
    d = tmp_path / "d"
    d.mkdir()
    url = server.url(PATH)
    os.mkfifo(tmp_path / "fifo")
    (d / f"{archive_stem(url)}.json").symlink_to(tmp_path / "fifo")
    (d / f"{archive_stem(server.url('/other'))}.warc.gz").symlink_to(tmp_path / "fifo")
    w = tmp_path / "w.txt"
    w.write_text(f"{url}\n{server.url('/other')}\n")
    r = run("sync", str(w), "--dir", str(d), "--delay", "0", timeout=30)
    assert r.returncode == 1
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 2 and all("symbolic link" in line for line in lines), lines
    assert b"2 threads: 2 failed" in r.stdout


# ----------------------------------------------------------------------- 4. Ctrl-C and SIGTERM


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_sync_with_its_summary_and_state(server, tmp_path, sig):
    server.route("/robots.txt", status=404)
    urls = []
    for i in range(8):
        server.route(f"/t{i}.html", Resp(200, seed_html(), delay=0.6))
        urls.append(server.url(f"/t{i}.html"))
    w = tmp_path / "w.txt"
    w.write_text("\n".join(urls) + "\n")
    d = tmp_path / "d"
    proc = subprocess.Popen(
        [*EXE, "sync", str(w), "--dir", str(d), "--delay", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while len(list(d.glob("*.json"))) < 2 and time.monotonic() < deadline:  # two threads written
        time.sleep(0.02)
    sent = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 130, err
    checked = len(list(d.glob("*.json")))
    assert 2 <= checked < 8
    (line,) = err.decode().splitlines()
    assert line.endswith(f"interrupted: {checked} of 8 threads checked"), line
    assert out.decode().startswith(f"{checked} threads: {checked} new archives")
    state = json.loads((d / STATE_NAME).read_text())
    assert len(state["threads"]) == checked and state["last_run"]["interrupted"] is True
    assert not [p for p in d.iterdir() if p.name.endswith((".part", ".tmp"))]
    for p in d.glob("*.json"):
        load_archive(p)


# ---------------------------------------------------------------------- 5. a bad 200 wipes nothing


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda page: Resp(200, page, content_length=1500), id="short-content-length"),
        pytest.param(lambda page: Resp(200, ""), id="empty-200"),
        pytest.param(lambda page: Resp(200, "<html><body><p>Maintenance.</p></body></html>"), id="no-thread"),
    ],
)
def test_a_broken_200_is_a_failed_check_not_a_wipe(server, tmp_path, bad):
    out, url = seeded(server, tmp_path)
    before = out.read_bytes()
    server.route(PATH, bad(seed_html()))
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 1
    line = one_error_line(r)
    assert url in line and ("much poorer" in line or "empty response" in line), line
    assert out.read_bytes() == before
    r = run("fetch", url, "-o", str(out), "--delay", "0")  # the same through fetch -o
    assert r.returncode == 1 and out.read_bytes() == before
    report = sync([WatchEntry(url, name="t")], tmp_path, SyncOptions(fast()))
    assert report.results[0].status == "failed" and out.read_bytes() == before


def test_accept_empty_takes_the_poor_page(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    server.route(PATH, Resp(200, seed_html(), content_length=1500))
    r = run("update", str(out), "--delay", "0", "--accept-empty")
    assert r.returncode == 0, r.stderr
    t = load_archive(out)
    assert len([c for c in walk(t.comments) if c.removed_upstream_at]) == 8  # kept, marked removed


# ------------------------------------------------------------ 6. fetch -o onto an existing archive


def test_fetch_o_onto_the_same_thread_merges_and_keeps_history(server, tmp_path):
    out, url = seeded(server, tmp_path)
    warc = tmp_path / "t.warc.gz"
    size = warc.stat().st_size
    server.route(PATH, seed_html().replace("Shame for people who discover", "Shame, edited, for people who discover"))
    r = run("fetch", url, "-o", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    t = load_archive(out)
    assert len(t.snapshots) == 2
    assert [len(c.history) for c in walk(t.comments) if c.history] == [1]
    assert warc.stat().st_size > size  # the old capture's records kept, the new ones added


def test_fetch_o_onto_another_thread_is_refused_and_force_replaces(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    before = out.read_bytes()
    server.route("/2016/10/other.html", seed_html())
    other = server.url("/2016/10/other.html")
    r = run("fetch", other, "-o", str(out), "--delay", "0")
    assert r.returncode == 2
    line = one_error_line(r)
    assert "another thread" in line and "update" in line and "--force" in line
    assert out.read_bytes() == before
    r = run("fetch", other, "-o", str(out), "--delay", "0", "--force")
    assert r.returncode == 0, r.stderr
    assert load_archive(out).source.url == other


def test_fetch_o_takes_the_directory_lock(server, tmp_path):
    import fcntl

    out, url = seeded(server, tmp_path)
    fd = os.open(tmp_path / ".threadkeep.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        r = run("fetch", url, "-o", str(out), "--delay", "0")
    finally:
        os.close(fd)
    assert r.returncode == 3 and "holds its lock" in one_error_line(r)


# ---------------------------------------------------------- 7. a WARC linked to someone's secret


def test_a_linked_warc_is_never_read(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    secret = tmp_path.parent / f"{tmp_path.name}-secret"
    secret.write_bytes(b"SECRET-TOKEN " * 100)
    secret.chmod(0o600)
    warc = tmp_path / "t.warc.gz"
    warc.unlink()
    warc.symlink_to(secret)
    server.route(PATH, seed_html().replace("Shame for people", "Shame (edited) for people"))
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 2 and "symbolic link" in one_error_line(r)
    assert warc.is_symlink() and secret.read_bytes().startswith(b"SECRET-TOKEN")
    assert not any(b"SECRET-TOKEN" in p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink())


# ------------------------------------------------------------------------- 8. temporaries


def test_a_recorder_that_fails_to_open_or_close_leaves_no_file(tmp_path, monkeypatch):
    import errno

    from threadkeep.capture import warc as warcmod

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(warcmod.WARCWriter, "write_record", full)
        with pytest.raises(Exception, match="no space left on device"):
            warcmod.WarcRecorder(tmp_path / "x.warc.gz")
    assert list(tmp_path.iterdir()) == []
    rec = warcmod.WarcRecorder(tmp_path / "x.warc.gz")
    with monkeypatch.context() as m:
        m.setattr(warcmod.os, "fsync", full)
        with pytest.raises(Exception, match="no space left on device"):
            rec.close()
    assert list(tmp_path.iterdir()) == []


def test_update_sweeps_what_killed_runs_left(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process that has ended
    left = [
        tmp_path / f".t.json.tk{pid}.abc123.tmp",
        tmp_path / f".t.warc.gz.tk{pid}.def456.tmp",
        tmp_path / f"..t.json.tk{pid}-new.warc.gz.tk{pid}.x1.part",
    ]
    for p in left:
        p.write_bytes(b"x" * 1000)
    mine = tmp_path / f".t.json.tk{os.getpid()}.live.tmp"  # a live writer's: kept
    mine.write_bytes(b"x")
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert not any(p.exists() for p in left) and mine.exists()


# ------------------------------------------------------------------- 9. modes and links in DIR


def test_files_get_the_umask_mode_and_keep_their_own(server, tmp_path):
    out, _url = seeded(server, tmp_path)  # the test process's umask (022 here) is inherited
    warc = tmp_path / "t.warc.gz"
    expected = 0o666 & ~_umask()
    assert stat.S_IMODE(out.stat().st_mode) == expected and stat.S_IMODE(warc.stat().st_mode) == expected
    out.chmod(0o640)
    warc.chmod(0o640)
    server.route(PATH, seed_html().replace("Shame for people", "Shame (edited) for people"))
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert b"1 edited" in r.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and stat.S_IMODE(warc.stat().st_mode) == 0o640


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_an_archive_linked_inside_dir_is_updated_in_place(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    (tmp_path / "store").mkdir()
    real = tmp_path / "store" / "t.json"
    out.rename(real)
    (tmp_path / "t.warc.gz").rename(tmp_path / "store" / "t.warc.gz")
    out.symlink_to(Path("store") / "t.json")
    server.route(PATH, seed_html().replace("Shame for people", "Shame (edited) for people"))
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert out.is_symlink() and len(load_archive(real).snapshots) == 2


def test_an_archive_linked_out_of_dir_is_refused(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    d = tmp_path / "d"
    d.mkdir()
    (d / "t.json").symlink_to(out)
    before = out.read_bytes()
    r = run("update", str(d / "t.json"), "--delay", "0")
    assert r.returncode == 2 and "symbolic link out of" in one_error_line(r)
    assert out.read_bytes() == before


def test_sync_survives_concurrent_readers(server, tmp_path):
    """A reader thread loading the archive all through a sync never sees a torn file."""
    out, url = seeded(server, tmp_path)
    stop, seen, errors = threading.Event(), [], []

    def reader():
        while not stop.is_set():
            try:
                seen.append(len(load_archive(out).snapshots))
            except Exception as exc:  # pragma: no cover - the failure being guarded against
                errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(3):
            server.route(PATH, seed_html().replace("Shame for people", f"Shame ({i}) for people"))
            sync([WatchEntry(url, name="t")], tmp_path, SyncOptions(fast()))
    finally:
        stop.set()
        t.join()
    assert errors == [], errors[:3]
    assert seen and set(seen) <= {1, 2, 3, 4} and len(load_archive(out).snapshots) == 4
