"""`threadkeep export DIR --format sqlite`: real SQLite over archives of every corpus page and the seed.

Expected values come from outside the exporter: comment counts from the archive files (read with
the json module), the seed's mentions of alemtuzumab from the seed page (lxml, a word regex), the
seed's abstract sections from the seed's README. Datasette is started for real on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from export_data import SEED_STEM, archive_comments, archive_data, make_archives, require, seed_mentions, tool
from threadkeep.export import sqlite as sqlite_export

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, Path]:
    return make_archives(tmp_path_factory.mktemp("archives"))


@pytest.fixture
def archive_dir(archives, tmp_path) -> Path:
    """A private copy of the archives (tests change and delete files in it)."""
    d = tmp_path / "archives"
    shutil.copytree(next(iter(archives.values())).parent, d)
    return d


def export(archive_dir: Path, db: Path, *more: str) -> subprocess.CompletedProcess[str]:
    r = run("export", str(archive_dir), "--format", "sqlite", "-o", str(db), *more)
    assert "Traceback" not in r.stderr
    return r


def query(db: Path, sql: str, *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_row_counts_equal_the_archives(archive_dir, tmp_path):
    db = tmp_path / "threads.db"
    r = export(archive_dir, db)
    assert r.returncode == 0, r.stderr
    files = sorted(archive_dir.glob("*.json"))
    expected = {str(p.resolve()): len(archive_comments(p)) for p in files}
    assert len(expected) == 32  # 31 corpus pages and the seed
    assert query(db, "select count(*) from threads") == [(len(files),)]
    assert query(db, "select count(*) from comments") == [(sum(expected.values()),)]
    per_thread = dict(
        query(
            db,
            "select archive, count(comments.id) from threads"
            " left join comments on thread_id = threads.id group by threads.id",
        )
    )
    assert per_thread == expected
    assert dict(query(db, "select archive, comment_count from threads")) == expected
    # the comment ids and numbers of each archive, as the file holds them
    for p in files:
        got = query(
            db, "select c.id, c.number from comments c join threads t on t.id = c.thread_id where t.archive = ?",
            str(p.resolve()),
        )  # fmt: skip
        assert sorted(got) == sorted((c["id"], c["number"]) for c in archive_comments(p))
    assert "32 threads" in r.stdout and "32 added" in r.stdout


def test_full_text_search_finds_the_seeds_mentions(archive_dir, tmp_path):
    db = tmp_path / "threads.db"
    assert export(archive_dir, db).returncode == 0
    expected = seed_mentions("alemtuzumab")
    assert expected == 4  # read by eye too: 2.1, 2.3 (three times), 3 and 4; 2 writes "alememtuzumab"
    hits = query(
        db,
        "select t.title, c.number from comments_fts join comments c on c.rowid = comments_fts.rowid"
        " join threads t on t.id = c.thread_id where comments_fts match 'alemtuzumab' order by c.position",
    )
    assert len(hits) == expected
    assert {title for title, _ in hits} == {"ResearchSpeak: Interferon vs. Alemtuzumab"}
    seed = archive_data(archive_dir / f"{SEED_STEM}.json")
    # the thread index: title and article text
    assert query(db, "select title from threads_fts where threads_fts match 'interferon'") == [
        (seed["article"]["title"],)
    ]
    # and by author name
    james = query(db, "select count(*) from comments_fts where comments_fts match 'author_name: James'")
    assert james == [(2,)]  # 2.2 and 2.4, per the seed's README and page


def test_threads_abstract_and_columns(archive_dir, tmp_path):
    db = tmp_path / "threads.db"
    assert export(archive_dir, db).returncode == 0
    seed_id, doi, trials, platform, published = query(
        db, "select id, doi, trials, platform, published from threads where title like 'ResearchSpeak%'"
    )[0]
    assert doi == "10.1212/WNL.0000000000003169"
    assert json.loads(trials) == ["NCT00530348", "NCT00548405"]
    assert (platform, published) == ("blogger", "2016-09-05T06:00:00+01:00")
    labels = [
        r[0] for r in query(db, "select label from abstract_sections where thread_id = ? order by position", seed_id)
    ]
    assert labels == ["Background", "Methods", "Results", "Conclusions"]
    # replies know their parent's number; depth and reading order as on the page
    rows = query(db, "select number, parent_number, depth from comments where thread_id = ? order by position", seed_id)
    assert rows == [
        ("1", None, 1), ("2", None, 1), ("2.1", "2", 2), ("2.2", "2", 2),
        ("2.3", "2", 2), ("2.4", "2", 2), ("3", None, 1), ("4", None, 1),
    ]  # fmt: skip
    # published_utc sorts across offsets: the post was 06:00 +01:00
    assert query(db, "select published_utc from threads where id = ?", seed_id) == [("2016-09-05T05:00:00Z",)]
    fks = {(fk.table, fk.column) for fk in _foreign_keys(db)}
    assert fks == {("comments", "thread_id"), ("abstract_sections", "thread_id"), ("comment_history", "thread_id")}


def _foreign_keys(db: Path):
    import sqlite_utils

    database = sqlite_utils.Database(db)
    return [fk for name in ("comments", "abstract_sections", "comment_history") for fk in database[name].foreign_keys]


def _add_comment(path: Path, cid: str, text: str) -> None:
    data = archive_data(path)
    data["comments"].append(
        {
            "id": cid, "number": str(len(data["comments"]) + 1), "parent_id": None, "depth": 1, "kind": "comment",
            "author": {"name": "Zed", "url": None, "is_post_author": False}, "published": "2024-01-02T03:04:05Z",
            "permalink": None, "html": f"<p>{text}</p>", "text": text, "deleted": False,
            "first_seen": "2024-01-02T03:04:05Z", "last_seen": "2024-01-02T03:04:05Z",
            "removed_upstream_at": None,
            "history": [
                {"text": "an earlier text", "html": "<p>an earlier text</p>", "seen_at": "2024-01-01T00:00:00Z"}
            ],
            "replies": [],
        }
    )  # fmt: skip
    data["stats"]["comments"] += 1
    data["stats"]["top_level"] += 1
    path.write_text(json.dumps(data), "utf-8")


def test_rerun_updates_only_what_changed(archive_dir, tmp_path):
    db = tmp_path / "threads.db"
    assert export(archive_dir, db).returncode == 0
    rowids = dict(query(db, "select id || '/' || thread_id, rowid from comments"))
    again = export(archive_dir, db)
    assert again.returncode == 0
    assert "0 added, 0 updated, 32 unchanged, 0 removed" in again.stdout
    assert dict(query(db, "select id || '/' || thread_id, rowid from comments")) == rowids

    seed = archive_dir / f"{SEED_STEM}.json"
    _add_comment(seed, "new1", "A brand new remark about zanubrutinib")
    gone = archive_dir / "lemire.me_2019-08_json-parsing-simdjson.json"
    gone_words = archive_comments(gone)[0]["text"].split()[:3]
    gone.unlink()
    r = export(archive_dir, db)
    assert r.returncode == 0, r.stderr
    assert "0 added, 1 updated, 30 unchanged, 1 removed" in r.stdout
    # the changed thread has its new comment, findable; the rows of unchanged threads were not rewritten
    (seed_id,) = query(db, "select id from threads where archive = ?", str(seed.resolve()))[0]
    assert query(db, "select count(*) from comments where thread_id = ?", seed_id) == [(9,)]
    assert query(
        db,
        "select c.id from comments_fts join comments c on c.rowid = comments_fts.rowid"
        " where comments_fts match 'zanubrutinib'",
    ) == [("new1",)]
    assert query(db, "select version, text from comment_history where comment_id = 'new1'") == [(1, "an earlier text")]
    assert query(db, "select edit_count from comments where id = 'new1'") == [(1,)]
    now = dict(query(db, "select id || '/' || thread_id, rowid from comments"))
    unchanged = {k: v for k, v in rowids.items() if not k.endswith(f"/{seed_id}") and k in now}
    assert unchanged and all(now[k] == v for k, v in unchanged.items())
    # the removed archive's rows are gone, and so is its text from the index
    assert query(db, "select count(*) from threads where archive like '%lemire%'") == [(0,)]
    phrase = " ".join(w for w in gone_words if w.isalnum())
    if phrase:
        assert query(db, "select count(*) from comments_fts where comments_fts match ?", f'"{phrase}"') == [(0,)]
    total = sum(len(archive_comments(p)) for p in archive_dir.glob("*.json"))
    assert query(db, "select count(*) from comments") == [(total,)]
    assert query(db, "select count(*) from comments_fts") == [(total,)]


def test_a_bad_archive_is_reported_the_rest_exported(archive_dir, tmp_path):
    (archive_dir / "broken.json").write_text("{not json", "utf-8")
    (archive_dir / "other.json").write_text('{"schema_version": 99}', "utf-8")
    db = tmp_path / "threads.db"
    r = export(archive_dir, db)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "broken.json: not an archive: invalid JSON" in r.stderr
    assert "other.json: schema_version 99 is newer" in r.stderr
    assert query(db, "select count(*) from threads") == [(32,)]


def test_input_errors(archive_dir, tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("these are my notes\n" * 100)
    r = export(archive_dir, not_db)
    assert r.returncode == 2
    assert r.stderr.startswith("threadkeep: error: ") and "not an SQLite database" in r.stderr
    assert not_db.read_text() == "these are my notes\n" * 100
    theirs_db = tmp_path / "mine.db"
    con = sqlite3.connect(theirs_db)
    con.execute("create table comments (mine text)")
    con.execute("insert into comments values ('keep me')")
    con.commit()
    con.close()
    r = export(archive_dir, theirs_db)
    assert r.returncode == 2 and "threadkeep did not make" in r.stderr
    assert query(theirs_db, "select * from comments") == [("keep me",)]
    r = run("export", str(archive_dir), "--format", "sqlite")
    assert r.returncode == 2 and "-o FILE.db" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = export(empty, tmp_path / "x.db")
    assert r.returncode == 2 and "no archives" in r.stderr
    # someone else's metadata.json is never overwritten
    theirs = tmp_path / "site" / "metadata.json"
    theirs.parent.mkdir()
    theirs.write_text('{"title": "my site"}')
    r = export(archive_dir, theirs.parent / "threads.db")
    assert r.returncode == 2 and "not written by threadkeep" in r.stderr
    assert theirs.read_text() == '{"title": "my site"}'
    # one unreadable archive on its own: an input error
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    r = run("export", str(bad), "--format", "sqlite", "-o", str(tmp_path / "y.db"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_an_interrupted_run_leaves_no_half_thread(archive_dir, tmp_path, monkeypatch):
    """Killed after some batches: what was committed is whole threads; the next run completes it."""
    db = tmp_path / "threads.db"
    files = sorted(archive_dir.glob("*.json"))
    from threadkeep.store import load_archive

    calls = {"n": 0}

    def flaky(path):
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return load_archive(path)

    monkeypatch.setattr(sqlite_export, "BATCH", 5)
    with pytest.raises(KeyboardInterrupt):
        sqlite_export.export_sqlite(files, db, directory=archive_dir, load=flaky)
    kept = query(
        db,
        "select archive, comment_count, (select count(*) from comments c where c.thread_id = threads.id) from threads",
    )
    assert len(kept) == 10  # two batches of five were committed, the third rolled back
    for archive, count, rows in kept:
        assert count == rows == len(archive_comments(Path(archive)))
    report = sqlite_export.export_sqlite(files, db, directory=archive_dir)
    assert (report.added, report.unchanged) == (22, 10)
    assert query(db, "select count(*) from comments") == [(sum(len(archive_comments(p)) for p in files),)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(args: list[str], cwd: Path):
    """Start datasette on 127.0.0.1 at a free port; (process, base URL) once it answers."""
    exe = tool("datasette")
    require(exe is not None, "datasette is not installed")
    port = _free_port()
    log = (cwd / f"datasette-{port}.log").open("wb")
    proc = subprocess.Popen(
        [exe, "serve", *args, "--host", "127.0.0.1", "--port", str(port)],
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "DATASETTE_SECRET": "test"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"datasette did not start: {(cwd / f'datasette-{port}.log').read_text(errors='replace')}")
        time.sleep(0.2)


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_datasette_serves_the_canned_queries(archive_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    db = site / "threads.db"
    assert export(archive_dir, db).returncode == 0
    metadata = json.loads((site / "metadata.json").read_text())
    assert set(metadata["databases"]["threads"]["queries"]) == {"search_comments", "commenter", "most_discussed"}
    proc, base = _serve(["threads.db", "--metadata", "metadata.json"], site)
    try:
        r = httpx.get(
            f"{base}/threads/search_comments.json", params={"q": "alemtuzumab", "_shape": "array"}, timeout=30
        )
        assert r.status_code == 200, r.text
        rows = r.json()
        assert len(rows) == seed_mentions("alemtuzumab")
        assert {row["thread"] for row in rows} == {"ResearchSpeak: Interferon vs. Alemtuzumab"}
        assert [row["published"] for row in rows] == sorted((row["published"] for row in rows), reverse=True)
        # words with FTS syntax in them are searched as words, not an error
        r = httpx.get(f"{base}/threads/search_comments.json", params={"q": "Grave's \"MD", "_shape": "array"})
        assert r.status_code == 200, r.text
        r = httpx.get(f"{base}/threads/search_comments.json", params={"q": "", "_shape": "array"})
        assert r.status_code == 200 and r.json() == []
        r = httpx.get(f"{base}/threads/commenter.json", params={"author": "James", "_shape": "array"})
        assert [row["number"] for row in r.json()] == ["2.2", "2.4"]
        r = httpx.get(f"{base}/threads/most_discussed.json", params={"_shape": "array"})
        top = r.json()[0]
        busiest = max(archive_dir.glob("*.json"), key=lambda p: len(archive_comments(p)))
        assert top["comment_count"] == len(archive_comments(busiest))
        assert top["title"] == archive_data(busiest)["article"]["title"]
        # the table's own search (Datasette finds the FTS table itself)
        r = httpx.get(f"{base}/threads/comments.json", params={"_search": "alemtuzumab", "_shape": "array"})
        assert len(r.json()) == seed_mentions("alemtuzumab")
        assert "Search comments" in httpx.get(f"{base}/threads").text
    finally:
        _stop(proc)


def test_datasette_directory_mode_reads_the_metadata(archive_dir, tmp_path):
    """`datasette DIR` (the database and metadata.json in it) serves the canned queries as is."""
    site = tmp_path / "site"
    site.mkdir()
    assert export(archive_dir, site / "threads.db").returncode == 0
    proc, base = _serve([str(site)], tmp_path)
    try:
        r = httpx.get(f"{base}/threads/most_discussed.json", params={"_shape": "array"}, timeout=30)
        assert r.status_code == 200, r.text
        assert len(r.json()) == 32
    finally:
        _stop(proc)


def test_database_inside_the_archive_directory(archive_dir):
    """The database and metadata.json beside the archives: the metadata is not read as an archive."""
    db = archive_dir / "threads.db"
    assert export(archive_dir, db).returncode == 0
    assert (archive_dir / "metadata.json").exists()
    again = export(archive_dir, db)
    assert again.returncode == 0, again.stderr
    assert again.stderr == "" and "32 unchanged" in again.stdout


def test_a_locked_database_is_one_line_and_left_whole(archive_dir, tmp_path):
    db = tmp_path / "threads.db"
    assert export(archive_dir, db).returncode == 0
    _add_comment(archive_dir / f"{SEED_STEM}.json", "late", "a late comment")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = export(archive_dir, db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 1
    assert r.stderr.startswith("threadkeep: error: ") and "database is locked" in r.stderr
    assert r.stderr.count("\n") == 1
    assert query(db, "select count(*) from comments where id = 'late'") == [(0,)]
    assert export(archive_dir, db).returncode == 0
    assert query(db, "select count(*) from comments where id = 'late'") == [(1,)]
