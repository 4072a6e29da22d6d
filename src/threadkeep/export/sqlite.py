"""Archives into one SQLite database, searchable (FTS5) and ready for Datasette.

Tables (`docs/export.md` describes every column):

    threads            one row per archive: URL, title, author, dates, platform, counts, abstract
    comments           one row per comment: place in the tree, author, dates, text, html, marks
    abstract_sections  the sections of each thread's abstract, in order
    comment_history    the earlier versions of edited comments, oldest first
    comments_fts       full-text index (FTS5) over comments.text and comments.author_name
    threads_fts        full-text index (FTS5) over threads.title and threads.article_text
    _threadkeep        what this module needs to update the file in place (hidden in Datasette)

The FTS tables are kept in step by triggers (sqlite-utils' `enable_fts(create_triggers=True)`), so
a row written or deleted by anyone keeps its index right. A thread is known by its archive file
(the absolute path) and that file's SHA-256: a second run reads only the archives whose bytes
changed, replaces their rows, and removes the rows of archives that are gone from the directory
it was given. Work is committed every `BATCH` threads, each thread inside its own savepoint: a run
killed at any point leaves every thread either as it was or as it is now, never half of one.

`metadata(...)` is the `metadata.json` Datasette reads (titles, descriptions, canned queries).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threadkeep._version import __version__
from threadkeep.errors import InputError, ThreadkeepError
from threadkeep.model import Thread
from threadkeep.tree import walk

LAYOUT_VERSION = 1  # raise when the tables change: a database of another layout is rebuilt whole
BATCH = 50  # threads per transaction

THREAD_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "title": str,
    "author": str,
    "author_url": str,
    "published": str,
    "published_utc": str,
    "updated": str,
    "labels": str,
    "platform": str,
    "comment_count": int,
    "top_level_count": int,
    "max_depth": int,
    "deleted_count": int,
    "removed_count": int,
    "edited_count": int,
    "not_archived": int,
    "external_comments": str,
    "first_seen": str,
    "last_seen": str,
    "snapshot_count": int,
    "abstract_citation": str,
    "abstract_title": str,
    "abstract_journal": str,
    "abstract_date": str,
    "doi": str,
    "pmid": str,
    "pmcid": str,
    "trials": str,
    "article_text": str,
    "article_html": str,
    "final_url": str,
    "fetched_at": str,
    "archive": str,
    "archive_sha256": str,
}
COMMENT_COLUMNS: dict[str, type] = {
    "thread_id": int,
    "id": str,
    "position": int,
    "number": str,
    "parent_id": str,
    "parent_number": str,
    "depth": int,
    "kind": str,
    "author_name": str,
    "author_url": str,
    "is_post_author": int,
    "published": str,
    "published_utc": str,
    "permalink": str,
    "text": str,
    "html": str,
    "deleted": int,
    "removed_upstream_at": str,
    "first_seen": str,
    "last_seen": str,
    "edit_count": int,
    "reply_count": int,
}
SECTION_COLUMNS: dict[str, type] = {"thread_id": int, "position": int, "label": str, "text": str}
HISTORY_COLUMNS: dict[str, type] = {
    "thread_id": int,
    "comment_id": str,
    "version": int,
    "text": str,
    "html": str,
    "seen_at": str,
}
CHILD_TABLES = ("comment_history", "abstract_sections", "comments")


def utc(value: str | None) -> str | None:
    """An ISO 8601 time as UTC ('2016-09-05T05:00:00Z'), for sorting across offsets; a time with
    no offset stays as written, one that is not ISO 8601 gives None."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return value
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def thread_row(thread: Thread) -> dict[str, Any]:
    """The `threads` row of a thread (without id, archive and archive_sha256)."""
    a, s, ab = thread.article, thread.source, thread.abstract
    stats = thread.stats()
    seen = sorted(x.fetched_at for x in thread.snapshots if x.fetched_at)
    removed = edited = 0
    for c in thread.all_comments():
        removed += c.removed_upstream_at is not None
        edited += bool(c.history)
    cit = ab.citation if ab else None
    ids = ab.identifiers if ab else None
    return {
        "url": a.url or s.url or s.final_url,
        "title": a.title,
        "author": a.author.name,
        "author_url": a.author.url,
        "published": a.published,
        "published_utc": utc(a.published),
        "updated": a.updated,
        "labels": json.dumps(a.labels, ensure_ascii=False),
        "platform": s.platform,
        "comment_count": stats["comments"],
        "top_level_count": stats["top_level"],
        "max_depth": stats["max_depth"],
        "deleted_count": stats["deleted"],
        "removed_count": removed,
        "edited_count": edited,
        "not_archived": thread.not_archived,
        "external_comments": thread.external_comments.service if thread.external_comments else None,
        "first_seen": seen[0] if seen else s.fetched_at,
        "last_seen": thread.last_checked or (seen[-1] if seen else s.fetched_at),
        "snapshot_count": len(thread.snapshots),
        "abstract_citation": cit.text if cit else None,
        "abstract_title": cit.title if cit else None,
        "abstract_journal": cit.journal if cit else None,
        "abstract_date": cit.date if cit else None,
        "doi": ids.doi if ids else None,
        "pmid": ids.pmid if ids else None,
        "pmcid": ids.pmcid if ids else None,
        "trials": json.dumps(ids.trials) if ids else None,
        "article_text": a.text,
        "article_html": a.html,
        "final_url": s.final_url,
        "fetched_at": s.fetched_at,
    }


def comment_rows(thread: Thread, thread_id: int) -> Iterator[dict[str, Any]]:
    numbers: dict[str, str] = {}
    for position, c in enumerate(walk(thread.comments), start=1):
        numbers[c.id] = c.number
        yield {
            "thread_id": thread_id,
            "id": c.id,
            "position": position,
            "number": c.number,
            "parent_id": c.parent_id,
            "parent_number": numbers.get(c.parent_id) if c.parent_id else None,
            "depth": c.depth,
            "kind": c.kind,
            "author_name": c.author.name,
            "author_url": c.author.url,
            "is_post_author": int(c.author.is_post_author),
            "published": c.published,
            "published_utc": utc(c.published),
            "permalink": c.permalink,
            "text": c.text,
            "html": c.html,
            "deleted": int(c.deleted),
            "removed_upstream_at": c.removed_upstream_at,
            "first_seen": c.first_seen,
            "last_seen": c.last_seen,
            "edit_count": len(c.history),
            "reply_count": len(c.replies),
        }


def history_rows(thread: Thread, thread_id: int) -> Iterator[dict[str, Any]]:
    for c in walk(thread.comments):
        for version, r in enumerate(c.history, start=1):
            yield {
                "thread_id": thread_id,
                "comment_id": c.id,
                "version": version,
                "text": r.text,
                "html": r.html,
                "seen_at": r.seen_at,
            }


def section_rows(thread: Thread, thread_id: int) -> Iterator[dict[str, Any]]:
    if thread.abstract:
        for position, s in enumerate(thread.abstract.sections, start=1):
            yield {"thread_id": thread_id, "position": position, "label": s.label, "text": s.text}


@dataclass
class SqliteReport:
    """What one run did; `failed` holds one line per archive that could not be read."""

    database: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    comments: int = 0
    threads: int = 0
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.database}: {self.threads:,} threads, {self.comments:,} comments",
            f"({self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"
            + (f", {len(self.failed)} failed)" if self.failed else ")"),
        ]
        return " ".join(parts)


def _sha256(path: Path) -> str:
    from threadkeep.store import read_file

    return hashlib.sha256(read_file(path, "an archive")).hexdigest()


def _open(db_path: Path):
    import sqlite3

    import sqlite_utils

    try:
        db = sqlite_utils.Database(db_path)
        db.execute("PRAGMA foreign_keys = ON")
        db.table_names()  # reads the header: a file that is not SQLite fails here
    except sqlite3.OperationalError:  # locked, unreadable: the caller says so
        raise
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{db_path}: not an SQLite database ({exc})") from None
    return db


def _create(db, db_path: Path) -> None:
    """Create (or, for another layout, recreate) the tables, indexes and full-text indexes."""
    meta = db["_threadkeep"]
    layout = None
    if not meta.exists() and db.table_names():
        raise InputError(f"{db_path}: an SQLite database threadkeep did not make; choose another file")
    if meta.exists():
        row = next(iter(db.execute("SELECT value FROM _threadkeep WHERE key = 'layout_version'")), None)
        layout = int(row[0]) if row else None
    if layout == LAYOUT_VERSION:
        return
    with db.atomic():
        for name in (*CHILD_TABLES, "threads", "_threadkeep"):
            for suffix in ("_fts",):
                if db[name + suffix].exists():
                    db[name + suffix].drop()
            if db[name].exists():
                db[name].drop()
        db["_threadkeep"].create({"key": str, "value": str}, pk="key")
        db["threads"].create(THREAD_COLUMNS, pk="id", not_null={"archive", "archive_sha256", "platform"})
        db["comments"].create(
            COMMENT_COLUMNS,
            pk=("thread_id", "id"),
            foreign_keys=[("thread_id", "threads", "id")],
            not_null={"number", "position", "depth", "text"},
        )
        db["abstract_sections"].create(
            SECTION_COLUMNS, pk=("thread_id", "position"), foreign_keys=[("thread_id", "threads", "id")]
        )
        db["comment_history"].create(
            HISTORY_COLUMNS,
            pk=("thread_id", "comment_id", "version"),
            foreign_keys=[("thread_id", "threads", "id")],
        )
        db["threads"].create_index(["archive"], unique=True)
        db["threads"].create_index(["comment_count"])
        db["comments"].create_index(["thread_id", "position"])
        db["comments"].create_index(["author_name"])
        db["comments"].create_index(["published_utc"])
        db["comments"].enable_fts(["text", "author_name"], create_triggers=True)
        db["threads"].enable_fts(["title", "article_text"], create_triggers=True)
        db["_threadkeep"].insert_all(
            [
                {"key": "layout_version", "value": str(LAYOUT_VERSION)},
                {"key": "generator", "value": f"threadkeep {__version__}"},
            ],
            replace=True,
        )


def _delete_thread(db, thread_id: int) -> None:
    for name in CHILD_TABLES:
        db[name].delete_where("thread_id = ?", [thread_id])
    db["threads"].delete_where("id = ?", [thread_id])


def _write_thread(db, thread: Thread, thread_id: int, archive: str, sha: str) -> int:
    """Replace one thread's rows (inside the caller's transaction); returns its comment count."""
    row = {"id": thread_id, **thread_row(thread), "archive": archive, "archive_sha256": sha}
    with db.atomic():
        _delete_thread(db, thread_id)
        db["threads"].insert(row)
        db["comments"].insert_all(comment_rows(thread, thread_id), batch_size=500)
        db["abstract_sections"].insert_all(section_rows(thread, thread_id))
        db["comment_history"].insert_all(history_rows(thread, thread_id))
    return row["comment_count"]


def export_sqlite(
    archives: Iterable[Path],
    db_path: str | Path,
    *,
    directory: Path | None = None,
    on_error: Callable[[str], None] | None = None,
    load: Callable[[Path], Thread] | None = None,
) -> SqliteReport:
    """Bring db_path up to date with these archive files (created when missing).

    directory: the directory the archives were found in; rows of archives that were in it and are
    gone are removed. An archive that cannot be read is reported through on_error (one line) and
    left as it was in the database. Raises InputError when db_path is not an SQLite database."""
    if load is None:
        from threadkeep.store import load_archive as load
    db_path = Path(db_path)
    report = SqliteReport(db_path)
    db = _open(db_path)
    try:
        _create(db, db_path)
        known = {
            archive: (tid, sha) for tid, archive, sha in db.execute("SELECT id, archive, archive_sha256 FROM threads")
        }
        next_id = max((tid for tid, _ in known.values()), default=0) + 1
        seen: set[str] = set()
        pending = 0
        db.begin()
        for path in archives:
            key = str(Path(path).resolve())
            seen.add(key)
            try:
                sha = _sha256(path)
                old = known.get(key)
                if old is not None and old[1] == sha:
                    report.unchanged += 1
                    continue
                thread = load(path)
            except ThreadkeepError as exc:
                report.failed.append(str(exc))
                if on_error:
                    on_error(str(exc))
                continue
            if old is not None:
                tid = old[0]
                report.updated += 1
            else:
                tid, next_id = next_id, next_id + 1
                report.added += 1
            _write_thread(db, thread, tid, key, sha)
            pending += 1
            if pending >= BATCH:
                db.commit()
                db.begin()
                pending = 0
        if directory is not None:
            root = Path(directory).resolve()
            for archive, (tid, _) in known.items():
                if archive not in seen and root in Path(archive).parents[:2]:  # DIR/x.json, DIR/NAME/x.json
                    with db.atomic():
                        _delete_thread(db, tid)
                    report.removed += 1
        db["_threadkeep"].insert(
            {"key": "updated_at", "value": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}, replace=True
        )
        db.commit()
        report.threads = db["threads"].count
        report.comments = db["comments"].count
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()
    return report
