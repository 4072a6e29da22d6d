"""DIR/index.json: the collection's listing, kept current by every sync that keeps a blog.

    {"version": 1, "updated": "...", "threads": [
        {"archive": "blog.example.com/blog.example.com_2024_05_post.html-3f9a1c0b2e.json",
         "url": "...", "title": "...", "comments": 12, "blog": "blog.example.com",
         "first_seen": "2024-05-01T06:00:00Z", "last_seen": "2024-05-08T06:00:00Z"}, ...]}

One entry per archive in DIR and in its blogs' folders, by archive path: `first_seen` is when the
archive was first written, `last_seen` the last check that found the thread (changed or not).
It is cheap: the results of this run update their entries; an archive with no entry (a run killed
before it wrote the index, an archive from before the index) is read once; an entry whose archive
is gone is dropped. Written atomically, and only when it changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from threadkeep.errors import ThreadkeepError
from threadkeep.paths import INDEX_NAME, is_archive_file
from threadkeep.store import load_archive, read_file, write_atomic
from threadkeep.timefmt import now_iso


def _archives(directory: Path, folders: list[str]) -> dict[str, Path]:
    out = {}
    for folder in [directory, *(directory / f for f in folders)]:
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if is_archive_file(p):
                out[p.relative_to(directory).as_posix()] = p
    return out


def read_index(directory: Path) -> dict[str, dict[str, Any]]:
    """The index's entries by archive path ({} when there is none, or it cannot be read)."""
    try:
        data = json.loads(read_file(directory / INDEX_NAME, "an index", limit=256 * 1024 * 1024))
    except (ThreadkeepError, ValueError, RecursionError):
        return {}
    threads = data.get("threads") if isinstance(data, dict) else None
    if not isinstance(threads, list):
        return {}
    return {t["archive"]: t for t in threads if isinstance(t, dict) and isinstance(t.get("archive"), str)}


def update_index(directory: Path, results: list, folders: list[str]) -> None:
    """Bring DIR/index.json up to date with this run's results and the archives on disk."""
    directory = Path(directory)
    old = read_index(directory)
    entries = {k: dict(v) for k, v in old.items()}
    for r in results:
        if r.status in ("failed", "deferred") or not r.archive.is_relative_to(directory):
            continue
        rel = r.archive.relative_to(directory).as_posix()
        was = entries.get(rel, {})
        entries[rel] = {
            "archive": rel,
            "url": r.url,
            "title": r.title if r.title is not None else was.get("title"),
            "comments": r.comments,
            "blog": rel.split("/", 1)[0] if "/" in rel else None,
            "first_seen": was.get("first_seen") or r.first_seen or r.checked_at,
            "last_seen": r.checked_at or was.get("last_seen"),
        }
    present = _archives(directory, folders)
    for rel in [k for k in entries if k not in present]:
        del entries[rel]
    for rel, path in present.items():
        if rel in entries:
            continue
        try:
            thread = load_archive(path)
        except ThreadkeepError:
            continue  # not an archive threadkeep can read: not listed
        entries[rel] = {
            "archive": rel,
            "url": thread.source.url,
            "title": thread.article.title,
            "comments": sum(1 for _ in thread.all_comments()),
            "blog": rel.split("/", 1)[0] if "/" in rel else None,
            "first_seen": thread.snapshots[0].fetched_at if thread.snapshots else thread.last_checked,
            "last_seen": thread.last_checked,
        }
    if entries == old and (directory / INDEX_NAME).exists():
        return
    listing = [entries[k] for k in sorted(entries)]
    data = {"version": 1, "updated": now_iso(), "threads": listing}
    write_atomic(directory / INDEX_NAME, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
