"""`threadkeep sync`: the watch list, one archive per thread, the cron contract (exit codes, lock,
quiet, nothing rewritten when nothing changed) and the example crontab and systemd units, run as written."""

from __future__ import annotations

import configparser
import itertools
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus import REPO, SEED_PAGE
from server import Resp
from threadkeep.errors import InputError, LockedError
from threadkeep.merge import Changes
from threadkeep.paths import archive_stem
from threadkeep.pipeline import FetchOptions
from threadkeep.store import load_archive
from threadkeep.sync import (
    STATE_NAME,
    SyncOptions,
    SyncReport,
    ThreadResult,
    WatchEntry,
    directory_lock,
    read_watchlist,
    sync,
)

EXE = [sys.executable, "-m", "threadkeep"]
EXAMPLES = REPO / "examples"
VENV_BIN = Path(sys.executable).parent


def run(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*EXE, *args], capture_output=True, timeout=timeout, env={**os.environ, "COLUMNS": "100", **(env or {})}
    )


def archives(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def files_state(directory: Path) -> dict[str, tuple[int, int]]:
    """mtime_ns and inode of every archive and capture: a rewrite (atomic rename) changes both."""
    out = {}
    for p in directory.iterdir():
        if p.name.endswith((".json", ".warc.gz")) and not p.name.startswith("."):
            st = p.stat()
            out[p.name] = (st.st_mtime_ns, st.st_ino)
    return out


@pytest.fixture
def two_hosts(make_server):
    """Three threads on two hosts (127.0.0.1 and 127.0.0.2); the third answers 404."""
    a, b = make_server("127.0.0.1"), make_server("127.0.0.2")
    page = SEED_PAGE.read_text("utf-8")
    for srv in (a, b):
        srv.route("/robots.txt", status=404)
    a.route("/2016/09/one.html", page)
    a.route("/2016/09/missing.html", status=404)
    b.route("/2016/09/two.html", page)
    urls = [a.url("/2016/09/one.html"), b.url("/2016/09/two.html"), a.url("/2016/09/missing.html")]
    return a, b, urls


def write_list(path: Path, urls: list[str]) -> Path:
    path.write_text("# threads to keep\n\n" + "\n".join(f"{u}   # a note" for u in urls) + "\n", "utf-8")
    return path


def test_a_404_among_three_exit_1_quiet_prints_nothing_and_a_rerun_rewrites_nothing(two_hosts, tmp_path):
    a, _, urls = two_hosts
    watch = write_list(tmp_path / "watch.txt", urls)
    out = tmp_path / "archive"
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0", "--quiet")
    assert r.returncode == 1
    assert r.stdout == b""
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "HTTP 404" in err and urls[2] in err
    made = archives(out)
    assert [p.name for p in made] == sorted(f"{archive_stem(u)}.json" for u in urls[:2])
    for p in made:
        t = load_archive(p)
        assert t.stats()["comments"] == 8 and len(t.snapshots) == 1 and p.with_suffix(".warc.gz").exists()
    before = files_state(out)
    assert len(before) == 4

    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 1 and r.stdout.decode() == "3 threads: 1 failed\n"
    assert files_state(out) == before  # nothing changed upstream: no archive, no capture rewritten
    state = json.loads((out / STATE_NAME).read_text("utf-8"))
    assert {u: s["last_result"] for u, s in state["threads"].items()} == {
        urls[0]: "unchanged",
        urls[1]: "unchanged",
        urls[2]: "failed",
    }

    a.route("/2016/09/missing.html", SEED_PAGE.read_text("utf-8"))
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0 and r.stdout.decode() == "3 threads: 1 new archive\n" and r.stderr == b""
    assert len(archives(out)) == 3 and {k: v for k, v in files_state(out).items() if k in before} == before


def test_json_summary(two_hosts, tmp_path):
    _, _, urls = two_hosts
    watch = write_list(tmp_path / "watch.txt", urls)
    r = run("sync", str(watch), "--dir", str(tmp_path / "d"), "--delay", "0", "--json")
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert d["summary"] == "3 threads: 2 new archives, 1 failed" and d["exit_code"] == 1
    assert d["totals"]["new"] == 2 and d["totals"]["failed"] == 1
    assert [x["status"] for x in d["results"]] == ["new", "new", "failed"]
    assert d["results"][2]["error"].endswith("HTTP 404") and d["results"][0]["comments"] == 8


def test_toml_watch_list_names_and_comment_modes(server, tmp_path):
    server.route("/robots.txt", status=404)
    server.route("/p.html", SEED_PAGE.read_text("utf-8"))
    watch = tmp_path / "watch.toml"
    watch.write_text(
        f"""
[defaults]
comments = "page"

[[thread]]
url = "{server.url("/p.html")}"
name = "seed thread"

[[thread]]
url = "{server.url("/p.html?again=1")}"
comments = "auto"
""",
        "utf-8",
    )
    entries = read_watchlist(watch)
    assert [(e.comments, e.stem) for e in entries] == [
        ("page", "seed_thread"),
        ("auto", archive_stem(server.url("/p.html?again=1"))),
    ]
    report = sync(entries, tmp_path / "d", SyncOptions(FetchOptions(min_delay=0)))
    assert report.exit_code == 0 and (tmp_path / "d" / "seed_thread.json").exists()
    assert report.summary() == "2 threads: 2 new archives"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("w.txt", "http://127.0.0.1/a\nnot a url\n", "w.txt:2: one URL a line"),
        ("w.txt", "ftp://127.0.0.1/a\n", "w.txt:1: not an http(s) URL"),
        ("w.toml", '[[thread]]\nurl = "http://127.0.0.1/a"\nnmae = "x"\n', "unknown key 'nmae'"),
        ("w.toml", '[[thread]]\nurl = "http://127.0.0.1/a"\ncomments = "all"\n', "comments must be one of"),
        ("w.toml", "[[thread]\n", "not valid TOML"),
        (
            "w.toml",
            '[[thread]]\nurl = "http://a.example/1"\nname = "x"\n[[thread]]\nurl = "http://a.example/2"\nname = "x"\n',
            "would share the archive x.json",
        ),
    ],
)
def test_watch_list_errors_are_input_errors(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_watchlist(path)


def test_usage_and_input_errors_exit_2(tmp_path):
    r = run("sync", str(tmp_path / "nope.txt"), "--dir", str(tmp_path / "d"))
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1 and "no such file" in r.stderr.decode()
    bad = tmp_path / "bad.txt"
    bad.write_text("javascript:alert(1)\n", "utf-8")
    r = run("sync", str(bad), "--dir", str(tmp_path / "d"))
    assert r.returncode == 2 and "bad.txt:1" in r.stderr.decode()
    r = run("sync", str(bad))  # --dir is required
    assert r.returncode == 2


def test_duplicate_urls_are_read_once(tmp_path):
    w = tmp_path / "w.txt"
    w.write_text("http://127.0.0.1/a\nhttp://127.0.0.1/a\nhttp://127.0.0.1/b\n", "utf-8")
    assert [e.url for e in read_watchlist(w)] == ["http://127.0.0.1/a", "http://127.0.0.1/b"]


def test_a_corrupt_archive_fails_that_thread_only_and_is_left_alone(two_hosts, tmp_path):
    _, _, urls = two_hosts
    out = tmp_path / "d"
    out.mkdir()
    broken = out / f"{archive_stem(urls[0])}.json"
    broken.write_text('{"not": "an archive"}\n', "utf-8")
    report = sync([WatchEntry(u) for u in urls[:2]], out, SyncOptions(FetchOptions(min_delay=0)))
    assert [r.status for r in report.results] == ["failed", "new"]
    assert "not a valid threadkeep archive" in report.results[0].error
    assert broken.read_text("utf-8") == '{"not": "an archive"}\n'


def test_two_syncs_on_one_directory_the_second_exits_3_at_once(server, tmp_path):
    server.route("/robots.txt", status=404)
    server.route("/slow.html", Resp(200, SEED_PAGE.read_text("utf-8"), delay=3.0))
    watch = write_list(tmp_path / "watch.txt", [server.url("/slow.html")])
    out = tmp_path / "d"
    first = subprocess.Popen(
        [*EXE, "sync", str(watch), "--dir", str(out), "--delay", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        for _ in range(400):  # until the first run is fetching, so holds the lock (at most ~20 s)
            if server.requests_to("/slow.html") or first.poll() is not None:
                break
            time.sleep(0.05)
        assert server.requests_to("/slow.html"), "the first sync never fetched"
        second = run("sync", str(watch), "--dir", str(out), "--delay", "0", timeout=60)
        assert first.poll() is None  # the second one did not wait for the first
        assert second.returncode == 3
        err = second.stderr.decode()
        assert err.count("\n") == 1 and "another threadkeep run holds its lock" in err and second.stdout == b""
        out_first, err_first = first.communicate(timeout=60)
        assert first.returncode == 0, err_first
        assert out_first.decode() == "1 thread: 1 new archive\n"
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    assert len(server.requests_to("/slow.html")) == 1


def test_directory_lock_in_process(tmp_path):
    with directory_lock(tmp_path), pytest.raises(LockedError), directory_lock(tmp_path):
        pass
    with directory_lock(tmp_path):  # released
        pass


def test_politeness_within_a_host_one_shared_fetcher(server, tmp_path):
    server.route("/robots.txt", status=404)
    page = SEED_PAGE.read_text("utf-8")
    for i in range(3):
        server.route(f"/p{i}.html", page)
    entries = [WatchEntry(server.url(f"/p{i}.html")) for i in range(3)]
    report = sync(entries, tmp_path / "d", SyncOptions(FetchOptions(min_delay=0.2)))
    assert report.exit_code == 0
    times = [r.time for r in server.requests]
    assert len(times) == 4 and server.requests[0].path == "/robots.txt"  # robots.txt once per host
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(times))


def test_summary_line():
    def res(status, **changes):
        return ThreadResult("http://x/", Path("x.json"), status, Changes(**changes) if changes else None)

    results = [res("unchanged")] * 7 + [
        res("changed", added=["a", "b"]),
        res("changed", added=["c"], edited=["d"]),
        res("changed", removed=["e"]),
        res("new"),
        res("failed"),
    ]
    report = SyncReport(results, "s", "f", 1.0)
    assert report.summary() == "12 threads: 1 new archive, 3 new comments in 2, 1 edited, 1 removed, 1 failed"
    assert report.exit_code == 1
    assert SyncReport([res("unchanged")], "s", "f", 0).summary() == "1 thread: no changes"


# ------------------------------------------------------------------- the examples, run as written


def home_with_threadkeep(tmp_path: Path, urls: list[str]) -> Path:
    """A HOME as the examples expect it: ~/.local/bin/threadkeep and ~/threads/watchlist.txt."""
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "threadkeep").symlink_to(VENV_BIN / "threadkeep")
    (home / "threads").mkdir()
    write_list(home / "threads" / "watchlist.txt", urls)
    return home


def test_the_crontab_line_runs_as_written(two_hosts, tmp_path):
    _, _, urls = two_hosts
    home = home_with_threadkeep(tmp_path, urls[:2])
    lines = [
        ln for ln in (EXAMPLES / "threadkeep.crontab").read_text("utf-8").splitlines() if ln.strip() and ln[0] != "#"
    ]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["17", "*", "*", "*", "*"]
    command = fields[5]
    assert "%" not in command  # cron would turn it into a newline
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "LANG": "C.UTF-8"}  # as cron runs it
    r = subprocess.run(["/bin/sh", "-c", command], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"" and r.stderr == b""  # --quiet: cron mails nothing
    assert len(archives(home / "threads" / "archive")) == 2


def test_the_systemd_units_run_as_written(two_hosts, tmp_path):
    _, _, urls = two_hosts
    home = home_with_threadkeep(tmp_path, [urls[1], urls[2]])
    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str
    unit.read(EXAMPLES / "threadkeep-sync.service", encoding="utf-8")
    assert unit["Service"]["Type"] == "oneshot" and "SuccessExitStatus" not in unit["Service"]  # 3 is a failure
    argv = [a.replace("%h", str(home)) for a in shlex.split(unit["Service"]["ExecStart"])]
    r = subprocess.run(argv, capture_output=True, env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert r.returncode == 1 and r.stdout == b"" and b"HTTP 404" in r.stderr  # one thread of two answers 404
    assert len(archives(home / "threads" / "archive")) == 1
    timer = configparser.ConfigParser(interpolation=None)
    timer.optionxform = str
    timer.read(EXAMPLES / "threadkeep-sync.timer", encoding="utf-8")
    assert timer["Timer"]["OnCalendar"] == "hourly" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
