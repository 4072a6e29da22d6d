"""Keeping archives up to date: `update` (one archive) and `sync` (a watch list into a directory).

    entries = read_watchlist("threads.txt")
    report = sync(entries, "archives/", SyncOptions(FetchOptions(min_delay=1.0)))
    report.exit_code   # 0 every thread checked, 1 some failed

    result = update_archive("thread.json", options)   # one archive, same rules

The decisions (docs/sync.md has them for users):

- **Change detection.** The page is asked for with the stored ETag / Last-Modified. A 304 ends
  the check. Otherwise the fetch is merged into the archive (threadkeep.merge); the archive
  and its WARC are rewritten only when the merge changed something (a comment added, edited,
  deleted, removed or restored, or the article changed). Same bytes, or new bytes with the same
  thread, rewrite nothing: a run with nothing new touches no archive file. The archive's
  `last_checked` is therefore the last check that changed it; the time of every check is kept
  in DIR/.threadkeep-state (sync only).
- **Capture.** Each thread's exchanges are recorded to a temporary WARC; when the archive
  changes, the new WARC is the old one's records followed by the new ones (gzip members
  concatenate), written beside it and renamed into place before the archive itself. `reextract`
  takes the last response per URL, so it rebuilds from the newest capture.
- **Safety.** Every file is written to a temporary file, fsync'ed and renamed: a run killed at
  any instant leaves each archive as before or as after. One lock per directory
  (DIR/.threadkeep.lock, non-blocking): a second run on the same directory stops at once with
  LockedError (exit 3). `update` takes the lock of the archive's directory too.
- **Concurrency.** One shared Fetcher (its per-host politeness: one request at a time per
  scheme://host:port, spaced by the delay). The watch list is grouped by host; each group is
  worked through in order by one worker, groups run in parallel (up to `jobs`), the largest
  first. One thread failing never stops the others.
"""

from __future__ import annotations

from threadkeep.errors import InputError, ThreadkeepError
from threadkeep.net.http import host_key
from threadkeep.paths import archive_path
from threadkeep.pipeline import FetchOptions
from threadkeep.store import write_atomic
from threadkeep.sync.check import RoutingRecorder, ThreadResult, check_thread, update_archive
from threadkeep.sync.lock import LOCK_NAME, clean_stale_temporaries, directory_lock
from threadkeep.timefmt import now_iso
from threadkeep.watchlist import WatchEntry, read_watchlist

__all__ = [
    "LOCK_NAME",
    "STATE_NAME",
    "SyncOptions",
    "SyncReport",
    "ThreadResult",
    "WatchEntry",
    "check_thread",
    "directory_lock",
    "read_watchlist",
    "sync",
    "update_archive",
]

import copy
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

STATE_NAME = ".threadkeep-state"  # JSON; no .json suffix, so that DIR/*.json are the archives


@dataclass
class SyncOptions:
    fetch: FetchOptions = field(default_factory=FetchOptions)
    keep_warc: bool = True
    jobs: int = 32  # host groups worked on at once


@dataclass
class SyncReport:
    results: list[ThreadResult]
    started: str
    finished: str
    elapsed: float

    @property
    def failed(self) -> list[ThreadResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def totals(self) -> dict[str, int]:
        t = {"threads": len(self.results), "new": 0, "changed": 0, "unchanged": 0, "failed": 0}
        t.update({k: 0 for k in ("added", "edited", "deleted", "removed", "restored")})
        t["threads_with_new_comments"] = 0
        for r in self.results:
            t[r.status] += 1
            if r.status == "changed" and r.changes is not None:
                for k, n in r.changes.counts().items():
                    t[k] += n
                t["threads_with_new_comments"] += bool(r.changes.added)
        return t

    def summary(self) -> str:
        """One line: '12 threads: 3 new comments in 2, 1 edited, 1 failed'."""
        t = self.totals()
        n = t["threads"]
        parts = []
        if t["new"]:
            parts.append(f"{t['new']} new archive{'s' * (t['new'] != 1)}")
        if t["added"]:
            c, w = t["added"], t["threads_with_new_comments"]
            parts.append(f"{c} new comment{'s' * (c != 1)} in {w}")
        parts += [f"{t[k]} {k}" for k in ("edited", "deleted", "removed", "restored") if t[k]]
        if t["failed"]:
            parts.append(f"{t['failed']} failed")
        return f"{n} thread{'s' * (n != 1)}: {', '.join(parts) if parts else 'no changes'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "totals": self.totals(),
            "started": self.started,
            "finished": self.finished,
            "elapsed_seconds": round(self.elapsed, 3),
            "exit_code": self.exit_code,
            "results": [r.to_dict() for r in self.results],
        }


def sync(
    entries: list[WatchEntry],
    directory: str | Path,
    options: SyncOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[ThreadResult], None] | None = None,
) -> SyncReport:
    """Check every thread of the watch list into DIR (see the module doc). Raises LockedError."""
    from threadkeep.net.fetch import Fetcher

    options = options or SyncOptions()
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create the directory: {exc.strerror or exc}") from None
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    started, t0 = now_iso(), time.monotonic()
    with directory_lock(directory):
        clean_stale_temporaries(directory)
        if on_start is not None:
            on_start(len(entries))
        groups: dict[str, list[WatchEntry]] = {}
        for e in entries:
            groups.setdefault(host_key(e.url), []).append(e)
        ordered = sorted(groups.values(), key=len, reverse=True)
        results: dict[int, ThreadResult] = {}
        index = {id(e): i for i, e in enumerate(entries)}
        done_lock = threading.Lock()
        router = RoutingRecorder()

        def one(fetcher, entry: WatchEntry) -> ThreadResult:
            path = archive_path(directory, entry.stem)
            fetch_options = replace(copy.copy(options.fetch), comments=entry.comments)
            try:
                return check_thread(path, entry.url, fetcher, fetch_options, router=router, keep_warc=options.keep_warc)
            except ThreadkeepError as exc:
                return ThreadResult(entry.url, path, "failed", error=str(exc), checked_at=now_iso())
            except Exception as exc:  # a bug must not stop the other threads
                error = f"internal error: {type(exc).__name__}: {exc}"
                return ThreadResult(entry.url, path, "failed", error=error, checked_at=now_iso())

        def work(fetcher, group: list[WatchEntry]) -> None:
            for entry in group:
                result = one(fetcher, entry)
                with done_lock:
                    results[index[id(entry)]] = result
                    if on_result is not None:
                        on_result(result)

        config = options.fetch.fetch_config()
        with Fetcher(config, on_event=options.fetch.on_event, recorder=router) as fetcher:
            workers = max(1, min(options.jobs, len(ordered)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="threadkeep-sync") as pool:
                futures = [pool.submit(work, fetcher, g) for g in ordered]
                for fut in futures:
                    fut.result()
        report = SyncReport([results[i] for i in sorted(results)], started, now_iso(), time.monotonic() - t0)
        _save_state(directory, report)
    return report


def _save_state(directory: Path, report: SyncReport) -> None:
    """DIR/.threadkeep-state: when each thread was last checked and how it went."""
    path = directory / STATE_NAME
    try:
        state = json.loads(path.read_text("utf-8"))
        threads = state.get("threads") if isinstance(state, dict) else None
        threads = threads if isinstance(threads, dict) else {}
    except (OSError, ValueError):
        threads = {}
    for r in report.results:
        previous = threads.get(r.url) if isinstance(threads.get(r.url), dict) else {}
        threads[r.url] = {
            "archive": r.archive.name,
            "last_checked": r.checked_at,
            "last_result": r.status,
            "last_error": r.error,
            "last_success": r.checked_at if r.status != "failed" else previous.get("last_success"),
        }
    state = {
        "version": 1,
        "last_run": {"started": report.started, "finished": report.finished, "summary": report.summary()},
        "threads": threads,
    }
    write_atomic(path, json.dumps(state, indent=2, ensure_ascii=False) + "\n")
