"""`threadkeep export PATH`: one archive or a directory, every format's place to write, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus import SEED_PAGE, SEED_URL
from export_data import archive_data, make_archives

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr
    return r


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli") / "archives"
    make_archives(d)
    return d


def test_directory_to_markdown_files(archive_dir, tmp_path):
    out = tmp_path / "md"
    r = run("export", str(archive_dir), "-o", str(out))  # md is the default
    assert r.returncode == 0, r.stderr
    names = sorted(p.stem for p in out.iterdir())
    assert names == sorted(p.stem for p in archive_dir.glob("*.json"))
    seed = (out / "seed.md").read_text("utf-8")
    assert seed.startswith("# ResearchSpeak: Interferon vs. Alemtuzumab\n")
    assert "## Comments (8)" in seed


def test_one_archive_into_a_directory(archive_dir, tmp_path):
    r = run("export", str(archive_dir / "seed.json"), "-f", "html", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "seed.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    r = run("export", str(archive_dir / "seed.json"), "-f", "md", "-o", str(tmp_path))
    assert r.returncode == 0 and (tmp_path / "seed.md").exists()


def test_old_single_archive_exports_unchanged(tmp_path):
    archive = tmp_path / "seed.json"
    assert run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-o", str(archive)).returncode == 0
    for fmt in ("md", "json", "tree"):
        r = run("export", str(archive), "--format", fmt)
        assert r.returncode == 0 and r.stdout
    assert run("export", str(archive), "-f", "json").stdout == archive.read_text("utf-8")
    assert archive_data(archive)["stats"]["comments"] == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "json"], "takes one archive"),
        (["-f", "tree"], "takes one archive"),
        (["-f", "html"], "give one with -o DIR"),
        (["-f", "md"], "give one with -o DIR"),
        (["-f", "parquet"], "-o FILE.parquet"),
        (["-f", "csv", "--metadata", "m.json"], "--metadata goes with --format sqlite"),
        (["-f", "pdf"], "pdf"),
    ],
)
def test_directory_usage_errors(archive_dir, args, message):
    r = run("export", str(archive_dir), *args)
    assert r.returncode == 2
    assert r.stderr.startswith("threadkeep: error: ") and message in r.stderr
    assert r.stderr.count("\n") == 1


def test_missing_path_and_file_in_the_way(archive_dir, tmp_path):
    r = run("export", str(tmp_path / "nowhere"), "-f", "sqlite", "-o", str(tmp_path / "x.db"))
    assert r.returncode == 2 and "nowhere: no such file or directory" in r.stderr
    blocker = tmp_path / "pages"
    blocker.write_text("a file")
    r = run("export", str(archive_dir), "-f", "html", "-o", str(blocker))
    assert r.returncode == 2 and "not a directory" in r.stderr
    assert blocker.read_text() == "a file"


def test_a_sync_dir_with_blog_folders_exports_every_thread_in_its_layout(tmp_path):
    """`sync --blog` keeps a blog's threads in DIR/NAME/: a directory export takes them too (one
    level down, not hidden folders, not deeper), keeps the layout, and links the index to them."""
    import sqlite3

    d = tmp_path / "threads"
    (d / "msr-blog").mkdir(parents=True)
    (d / ".hidden").mkdir()
    (d / "msr-blog" / "deeper").mkdir()
    assert run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-o", str(d / "seed.json")).returncode == 0
    post = d / "msr-blog" / "post.json"
    post.write_bytes((d / "seed.json").read_bytes().replace(b"2016/09/researchspeak", b"2016/10/researchspeak"))
    for hidden in (d / ".hidden" / "x.json", d / "msr-blog" / "deeper" / "y.json"):
        hidden.write_bytes((d / "seed.json").read_bytes())
    (d / "index.json").write_text('{"threads": []}', "utf-8")  # sync's listing, no archive

    out = tmp_path / "html"
    r = run("export", str(d), "-f", "html", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "2 thread pages" in r.stdout
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == [
        "index.html",
        "msr-blog/post.html",
        "seed.html",
    ]
    index = (out / "index.html").read_text("utf-8")
    assert 'href="msr-blog/post.html"' in index and 'href="seed.html"' in index
    assert 'href="../index.html"' in (out / "msr-blog" / "post.html").read_text("utf-8")

    md = tmp_path / "md"
    assert run("export", str(d), "-o", str(md)).returncode == 0
    assert sorted(p.relative_to(md).as_posix() for p in md.rglob("*.md")) == ["msr-blog/post.md", "seed.md"]

    db = tmp_path / "t.db"
    assert run("export", str(d), "-f", "sqlite", "-o", str(db)).returncode == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM threads").fetchone()[0] == 2
    post.unlink()  # gone from the blog folder: its rows go on the next export
    assert run("export", str(d), "-f", "sqlite", "-o", str(db)).returncode == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM threads").fetchone()[0] == 1


def test_sync_index_given_as_an_archive_says_what_it_is(tmp_path):
    index = tmp_path / "index.json"
    index.write_text('{"version": 1, "updated": "2026-12-01T00:00:00Z", "threads": []}', "utf-8")
    r = run("show", str(index))
    assert r.returncode == 2
    assert r.stderr.strip().endswith("a collection's index (sync's index.json), not an archive")
