"""The command line as a user runs it: real processes, real files, exit codes and stderr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from corpus import SAMPLE, SEED_PAGE, SEED_URL, SHARED_SEED_PAGE, needs_corpus

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*EXE, *args], capture_output=True, input=input, timeout=60, env={**os.environ, "COLUMNS": "100", **(env or {})}
    )


@pytest.fixture(scope="module")
def seed_archive(tmp_path_factory):
    out = tmp_path_factory.mktemp("a") / "seed.json"
    r = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.decode().startswith("threadkeep 0.")


def test_fetch_writes_a_valid_archive(seed_archive):
    data = json.loads(seed_archive.read_text("utf-8"))
    assert data["schema_version"] == 1
    assert data["generator"].startswith("threadkeep ")
    assert data["source"]["url"] == SEED_URL and data["source"]["platform"] == "blogger"
    assert data["source"]["http"] is None and len(data["source"]["sha256"]) == 64
    assert data["stats"]["comments"] == 8
    from threadkeep.store import validation_errors

    assert validation_errors(data) == []


def test_fetch_from_stdin_equals_fetch_from_file():
    a = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "--format", "md")
    b = run("fetch", "-", "--url", SEED_URL, "--format", "md", input=SEED_PAGE.read_bytes())
    assert a.returncode == b.returncode == 0
    assert without_archived_time(a.stdout) == without_archived_time(b.stdout)


def without_archived_time(markdown: bytes) -> bytes:
    """The Markdown less its metadata line's fetch time (two runs are seconds apart)."""
    return re.sub(rb"archived \d{4}-\d\d-\d\dT[\d:]+Z", b"archived (time)", markdown)


def test_show_md_equals_fetch_md(seed_archive):
    shown = run("show", str(seed_archive), "--format", "md")
    fetched = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "--format", "md")
    assert shown.returncode == 0 and fetched.returncode == 0
    # the archived time differs between the two runs; everything else is the same
    assert without_archived_time(shown.stdout) == without_archived_time(fetched.stdout)
    assert b"# ResearchSpeak: Interferon vs. Alemtuzumab" in shown.stdout


def test_show_tree(seed_archive):
    r = run("show", str(seed_archive))
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "ResearchSpeak: Interferon vs. Alemtuzumab" in out
    assert "2.4 James" in out and "Comments: 8" in out
    r = run("show", str(seed_archive), "--no-article", "--depth", "1")
    out = r.stdout.decode()
    assert "Is there life in the old dog" not in out and "2.1" not in out and "4 Anonymous" in out


def test_export_md_to_file(seed_archive, tmp_path):
    out = tmp_path / "seed.md"
    r = run("export", str(seed_archive), "--format", "md", "-o", str(out))
    assert r.returncode == 0 and out.read_text("utf-8").startswith("# ResearchSpeak")


def test_schema_command():
    r = run("schema")
    assert r.returncode == 0 and json.loads(r.stdout)["properties"]["schema_version"]["const"] == 1


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "no such file"),
        (b'{"schema_version": 1, "generator": "threadkeep 0.1.0", "sou', "invalid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "not UTF-8"),
        (b'{"hello": "world"}', "not a valid threadkeep archive"),
        (b"[1, 2]", "not a threadkeep archive"),
    ],
    ids=["missing", "truncated", "garbage", "wrong-shape", "not-object"],
)
def test_show_bad_archive_is_one_line_exit_2(tmp_path, content, words):
    path = tmp_path / "archive.json"
    if content is not None:
        path.write_bytes(content)
    r = run("show", str(path))
    err = r.stderr.decode()
    assert r.returncode == 2
    assert err.count("\n") == 1 and str(path) in err and words in err
    assert "Traceback" not in err


def test_show_future_version_archive(seed_archive, tmp_path):
    data = json.loads(seed_archive.read_text("utf-8"))
    data["schema_version"] = 2
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    r = run("show", str(path))
    assert r.returncode == 2 and b"newer" in r.stderr and b"Traceback" not in r.stderr


def test_debug_shows_the_traceback(tmp_path):
    r = run("--debug", "show", str(tmp_path / "missing.json"))
    assert r.returncode != 0 and b"Traceback" in r.stderr


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["fetch", "no/such/page.html"], 2, "no such file"),
        (["fetch", "--format", "pdf", "x"], 2, "pdf"),
        (["nonsense"], 2, "nonsense"),
    ],
)
def test_usage_and_input_errors(args, code, words):
    r = run(*args)
    assert r.returncode == code
    assert words in r.stderr.decode() and b"Traceback" not in r.stderr


def test_fetch_garbage_input(tmp_path):
    for name, data in [("empty.html", b""), ("binary.bin", bytes(range(256)) * 10), ("text.txt", b"just words")]:
        p = tmp_path / name
        p.write_bytes(data)
        r = run("fetch", str(p))
        assert r.returncode == 2, (name, r.stderr)
        assert b"not HTML" in r.stderr and r.stderr.count(b"\n") == 1


def test_unknown_platform_page_yields_article(tmp_path):
    p = tmp_path / "plain.html"
    p.write_text(
        "<html><head><title>A plain page</title></head><body><h1>A plain page</h1>"
        "<p>Some words that make up the body of this page, long enough to count.</p></body></html>"
    )
    r = run("fetch", str(p))
    data = json.loads(r.stdout)
    assert r.returncode == 0
    assert data["article"]["title"] == "A plain page" and "Some words" in data["article"]["text"]
    assert data["comments"] == [] and data["source"]["platform"] == "generic"


def test_failed_write_keeps_the_old_archive(seed_archive, tmp_path):
    target = tmp_path / "keep.json"
    target.write_bytes(seed_archive.read_bytes())
    before = target.read_bytes()
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"")
    r = run("fetch", str(bad), "-o", str(target))
    assert r.returncode == 2 and target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@needs_corpus
def test_sample_fixture_is_the_seed():
    assert SAMPLE.read_bytes() == SHARED_SEED_PAGE.read_bytes()


@needs_corpus
def test_evaluate_command_on_the_corpus():
    from corpus import CORPUS

    r = subprocess.run([sys.executable, "-m", "threadkeep.evaluate", str(CORPUS)], capture_output=True, timeout=300)
    out = r.stdout.decode()
    assert r.returncode == 0, out[-2000:]
    assert "| page | platform | detected |" in out and "0 failed" in out.splitlines()[-1]


def test_evaluate_fails_on_a_wrong_manifest_row(tmp_path):
    page = tmp_path / "seed.html"
    page.write_bytes(SEED_PAGE.read_bytes())
    (tmp_path / "MANIFEST.tsv").write_text(
        "file\tplatform\tcomments\ttop_level\tmax_depth\tcount_basis\nseed.html\tblogger\t9\t4\t2\tmarkup\n"
    )
    r = subprocess.run([sys.executable, "-m", "threadkeep.evaluate", str(tmp_path)], capture_output=True, timeout=60)
    assert r.returncode == 1 and b"FAIL" in r.stdout and b"8 / 4 / 2" in r.stdout
