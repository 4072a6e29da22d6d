"""A sync or an update killed with SIGKILL at any instant leaves every archive in DIR valid: as
before or as after; and the next run removes every temporary file the killed one left.

A real `python -m threadkeep sync` over a dozen threads on three hosts, each page changing at
every request (so every run rewrites every archive and capture), killed at 30 random moments;
then a real `update` of one archive, killed at 30 random moments. The counts of temporaries seen
after the kills are printed (`pytest -s`) for docs/security.md.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server import Resp
from test_update import C1, seed_html, set_content
from threadkeep.capture.warc import read_responses
from threadkeep.store import load_archive
from threadkeep.tree import walk

pytestmark = pytest.mark.slow

THREADS_PER_HOST = 4
KILLS = 30
TEMPORARY = (".tmp", ".part", ".warc.gz")  # the names of killed runs' leftovers (all start with ".")


def temporaries(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.startswith(".") and p.name.endswith(TEMPORARY)]


def changing_page():
    """Each request gets the seed page with comment 1 edited once more."""
    base = seed_html()
    count = {"n": 0}

    def answer(req):
        count["n"] += 1
        return Resp(200, set_content(base, C1, f"Edit number {count['n']} of the first comment."), delay=0.01)

    return answer


def check_dir(directory: Path, expected: int, seen: dict[str, int]) -> None:
    """Every archive loads and validates; none lost a comment or a version it had."""
    archives = sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))
    assert len(archives) == expected
    for p in archives:
        t = load_archive(p)  # JSON + schema: raises on a torn or invalid file
        comments = {c.id: c for c in walk(t.comments)}
        assert len(comments) == 8
        versions = len(comments[C1].history) + 1
        assert versions >= seen.get(p.name, 0), p.name
        seen[p.name] = versions
        assert len(t.snapshots) == versions
        capture = p.with_name(p.name[: -len(".json")] + ".warc.gz")
        pages = [r for r in read_responses(capture) if r.url == t.source.url]
        assert len(pages) >= versions  # the capture holds at least every version the archive has


def test_sigkill_at_random_moments_leaves_every_archive_valid(make_server, tmp_path):
    urls, servers = [], []
    for host in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        srv = make_server(host)
        servers.append(srv)
        srv.route("/robots.txt", status=404)
        for i in range(THREADS_PER_HOST):
            srv.route(f"/2016/09/thread-{i}.html", changing_page())
            urls.append(srv.url(f"/2016/09/thread-{i}.html"))
    watch = tmp_path / "watch.txt"
    watch.write_text("\n".join(urls) + "\n", "utf-8")
    out = tmp_path / "archive"
    argv = [sys.executable, "-m", "threadkeep", "sync", str(watch), "--dir", str(out), "--delay", "0", "--quiet"]

    def requests() -> int:
        return sum(len(srv.requests) for srv in servers)

    def start_sync() -> tuple[subprocess.Popen, float]:
        """Start a sync; return it once it has begun to fetch (or ended), with the wait for that."""
        before, t0 = requests(), time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(4000):  # at most ~20 s
            if requests() > before or proc.poll() is not None:
                break
            time.sleep(0.005)
        return proc, time.monotonic() - t0

    first, _ = start_sync()
    t0 = time.monotonic()
    _, err = first.communicate(timeout=120)
    work = time.monotonic() - t0  # from the first request to the end: where the writes happen
    assert first.returncode == 0, err
    seen: dict[str, int] = {}
    check_dir(out, len(urls), seen)

    rng = random.Random(20240501)
    interrupted, left = 0, 0
    for _ in range(KILLS):
        proc, _ = start_sync()
        time.sleep(rng.uniform(0.0, work * 1.1))
        if proc.poll() is None:
            interrupted += 1
        proc.send_signal(signal.SIGKILL)  # (no-op when it has ended and been reaped)
        proc.communicate(timeout=30)
        check_dir(out, len(urls), seen)
        left += len(temporaries(out))  # each next run sweeps these
    assert interrupted >= KILLS // 2  # most kills hit a run in progress
    assert sum(seen.values()) > 2 * len(urls)  # and some runs got some writes done before theirs

    last = subprocess.run(argv, capture_output=True, timeout=120)  # the lock died with the killed runs
    assert last.returncode == 0, last.stderr
    check_dir(out, len(urls), seen)
    assert temporaries(out) == []
    print(f"\nsync: {KILLS} kills, {interrupted} mid-run, {left} temporaries seen after kills, 0 after the next run")


def test_sigkill_during_update_leaves_the_archive_valid_and_no_temporaries(server, tmp_path):
    server.route("/robots.txt", status=404)
    path = "/2016/09/thread.html"
    server.route(path, changing_page())
    out = tmp_path / "t.json"
    fetch = [sys.executable, "-m", "threadkeep", "fetch", server.url(path), "-o", str(out), "--delay", "0"]
    assert subprocess.run(fetch, capture_output=True, timeout=60).returncode == 0
    argv = [sys.executable, "-m", "threadkeep", "update", str(out), "--delay", "0"]

    def start_update() -> subprocess.Popen:
        """Start an update; return it once it has asked for the page (or ended)."""
        before = len(server.requests_to(path))
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(4000):
            if len(server.requests_to(path)) > before or proc.poll() is not None:
                break
            time.sleep(0.005)
        return proc

    works = []
    for _ in range(3):  # from the request to the end: where the merge and the writes happen
        proc = start_update()
        t0 = time.monotonic()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        works.append(time.monotonic() - t0)
    work = sorted(works)[1]
    seen: dict[str, int] = {}
    check_dir(tmp_path, 1, seen)
    rng = random.Random(20261201)
    interrupted, left = 0, 0
    for _ in range(KILLS):
        proc = start_update()
        time.sleep(rng.uniform(0.0, work * 1.1))
        if proc.poll() is None:
            interrupted += 1
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        check_dir(tmp_path, 1, seen)
        left += len(temporaries(tmp_path))
    assert interrupted >= KILLS // 3
    last = subprocess.run(argv, capture_output=True, timeout=60)
    assert last.returncode == 0, last.stderr
    check_dir(tmp_path, 1, seen)
    assert temporaries(tmp_path) == []
    print(f"\nupdate: {KILLS} kills, {interrupted} mid-run, {left} temporaries seen after kills, 0 after the next run")


BLOG_KILLS = 8


def test_sigkill_during_a_180_thread_blog_run_then_the_next_run_completes_it(make_server, tmp_path):
    """Three generated blogs (tests/blogs.py: 120 Blogger, 40 WordPress, 20 RSS posts) synced from
    nothing, killed with SIGKILL at random moments of the first run again and again: every archive
    left validates, and the run after the kills archives the whole collection."""
    from blogs import BloggerBlog, RssBlog, WordPressBlog

    servers = [make_server(h) for h in ("127.0.0.1", "127.0.0.2", "127.0.0.3")]
    blogs = [BloggerBlog(servers[0], posts=120), WordPressBlog(servers[1], posts=40), RssBlog(servers[2], posts=20)]
    watch = tmp_path / "watch.txt"
    watch.write_text("".join(f"blog {s.url('/')}\n" for s in servers), "utf-8")
    out = tmp_path / "archive"
    argv = [sys.executable, "-m", "threadkeep", "sync", str(watch), "--dir", str(out), "--delay", "0.002", "-q"]

    def archives() -> list[Path]:
        return sorted(p for p in out.glob("*/*.json") if not p.name.startswith("."))

    def check_all() -> int:
        found = archives()
        for p in found:
            load_archive(p)  # JSON + schema: raises on a torn or invalid file
        return len(found)

    # how long a whole first run takes here, so that the kills fall inside one whatever the
    # machine's speed (a fixed 0.3-4 s missed most runs on a quiet machine)
    started = time.monotonic()
    subprocess.run(argv, capture_output=True, timeout=300, check=True)
    whole = time.monotonic() - started
    shutil.rmtree(out)
    rng = random.Random(20261216)
    counts, interrupted = [], 0
    for _ in range(BLOG_KILLS):
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.15, 0.85) * whole)
        if proc.poll() is None:
            interrupted += 1
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        counts.append(check_all())
        if (out / "index.json").exists():  # a run that ended before its kill: start the collection again
            shutil.rmtree(out)
    assert interrupted >= BLOG_KILLS // 2
    last = subprocess.run(argv, capture_output=True, timeout=300)
    assert last.returncode == 0, last.stderr
    assert check_all() == 180
    assert {t.source.url for t in map(load_archive, archives())} == {b.url(p) for b in blogs for p in b.posts}
    assert len(json.loads((out / "index.json").read_text("utf-8"))["threads"]) == 180
    assert [p for p in out.rglob(".*") if p.name.endswith(TEMPORARY)] == []
    print(f"\nblogs: {BLOG_KILLS} kills, {interrupted} mid-run, archives after each kill: {counts}")
