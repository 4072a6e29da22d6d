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
- **"Later".** A host that answers 429/503 with a Retry-After longer than the Fetcher waits
  defers its thread and every thread of that host still to come in this run (status "deferred",
  no request); the time is kept in DIR's state (`retry_at`) and later runs skip the host until
  then. Deferred threads are no failure (exit 0); the summary counts them.
- **Stopping.** `stop` (set by the CLI on SIGINT/SIGTERM) ends every request and wait at once
  (the Fetcher's cancel), lets a write in progress finish (writes are atomic anyway), checks no
  further thread, saves the state of the threads checked and returns a report with
  `interrupted` set.
- **Bounded.** Each thread gets `FetchOptions.max_time` for all its requests; DIR's state and the
  summary are written even when some thread's write failed (a full disk fails that thread).
"""

from __future__ import annotations

from threadkeep.errors import Deferred, InputError, Interrupted, ThreadkeepError
from threadkeep.net.http import host_key
from threadkeep.paths import archive_path
from threadkeep.pipeline import FetchOptions
from threadkeep.store import read_file, write_atomic
from threadkeep.sync.blog import BlogPlan, BlogRun, plan_blog
from threadkeep.sync.blog import _known as _known_posts
from threadkeep.sync.check import RoutingRecorder, ThreadResult, check_thread, deferred_result, update_archive
from threadkeep.sync.index import INDEX_NAME, update_index
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
    accept_empty: bool = False  # merge a page much poorer than its archive (see sync.check.poorer)
    full_every: float = 7.0  # days between a blog's full re-checks (0: every run); see sync.blog
    on_note: Callable[[str], None] | None = None  # what a blog's discovery notes (one line each)


@dataclass
class SyncReport:
    results: list[ThreadResult]
    started: str
    finished: str
    elapsed: float
    planned: int = 0  # threads in the watch list
    interrupted: bool = False  # stopped by SIGINT/SIGTERM before every thread was checked
    blogs: list[BlogRun] = field(default_factory=list)  # the blogs of the watch list, as planned and checked
    state_error: str | None = None  # DIR's state could not be saved (one line)

    @property
    def failed(self) -> list[ThreadResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        blog_failed = any(run.plan.error is not None for run in self.blogs)
        return 1 if self.failed or self.state_error or blog_failed else 0

    def _plain(self) -> list[ThreadResult]:
        """The results of the watch list's own threads (not of its blogs' posts)."""
        of_blogs = {id(r) for run in self.blogs for r in run.results}
        return [r for r in self.results if id(r) not in of_blogs]

    def totals(self, results: list[ThreadResult] | None = None) -> dict[str, int]:
        results = self.results if results is None else results
        t = {"threads": len(results), "new": 0, "changed": 0, "unchanged": 0, "failed": 0, "deferred": 0}
        t.update({k: 0 for k in ("added", "edited", "deleted", "removed", "restored")})
        t["threads_with_new_comments"] = 0
        for r in results:
            t[r.status] += 1
            if r.status == "changed" and r.changes is not None:
                for k, n in r.changes.counts().items():
                    t[k] += n
                t["threads_with_new_comments"] += bool(r.changes.added)
        return t

    def summary(self) -> str:
        """One line per blog ('blog.example.com: 1,204 posts, 3 threads changed, 12 new comments'),
        then one for the watch list's threads ('12 threads: 3 new comments in 2, 1 edited, 1 failed')
        when it has some, or no blogs."""
        lines = [run.summary() for run in self.blogs]
        plain = self._plain()
        if plain or not self.blogs:
            lines.append(self._threads_line(plain))
        return "\n".join(lines)

    def _threads_line(self, results: list[ThreadResult]) -> str:
        t = self.totals(results)
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
        if t["deferred"]:
            until = max(r.retry_at or "" for r in results if r.status == "deferred")
            parts.append(f"{t['deferred']} deferred (the host asked to wait, until {until})")
        return f"{n} thread{'s' * (n != 1)}: {', '.join(parts) if parts else 'no changes'}"

    def interruption(self) -> str:
        """'interrupted: 3 of 12 threads checked'."""
        return f"interrupted: {len(self.results)} of {self.planned} threads checked"

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "totals": self.totals(),
            "started": self.started,
            "finished": self.finished,
            "elapsed_seconds": round(self.elapsed, 3),
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "state_error": self.state_error,
            "results": [r.to_dict() for r in self._plain()],
            "blogs": [run.to_dict() for run in self.blogs],
        }


def sync(
    entries: list[WatchEntry],
    directory: str | Path,
    options: SyncOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[ThreadResult], None] | None = None,
    on_plan: Callable[[BlogRun], None] | None = None,
    stop: threading.Event | None = None,
) -> SyncReport:
    """Check every thread of the watch list into DIR, and every blog's changed threads into
    DIR/<folder>/ (see the module doc and sync.blog). Raises LockedError."""
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
    stop = stop if stop is not None else threading.Event()
    threads_only = [e for e in entries if not e.blog]
    blogs = [e for e in entries if e.blog]
    with directory_lock(directory):
        clean_stale_temporaries(directory)
        for blog in blogs:
            if (directory / blog.folder).is_dir():
                clean_stale_temporaries(directory / blog.folder)
        previous = _load_state(directory)
        blog_states = _load_blogs(directory)
        waits = _host_waits(previous, started)
        if on_start is not None:
            on_start(len(threads_only))
        groups: dict[str, list[WatchEntry]] = {}
        for e in threads_only:
            groups.setdefault(host_key(e.url), []).append(e)
        ordered = sorted(groups.values(), key=len, reverse=True)
        results: dict[tuple, ThreadResult] = {}
        index = {id(e): (0, i) for i, e in enumerate(threads_only)}
        runs: list[BlogRun | None] = [None] * len(blogs)
        planned = {"threads": len(threads_only)}
        done_lock = threading.Lock()
        router = RoutingRecorder()

        def one(fetcher, entry: WatchEntry) -> ThreadResult | None:
            folder = directory / entry.folder_name if entry.folder_name else directory
            path = archive_path(folder, entry.stem)
            fetch_options = replace(copy.copy(options.fetch), comments=entry.comments)
            try:
                return check_thread(
                    path,
                    entry.url,
                    fetcher,
                    fetch_options,
                    router=router,
                    keep_warc=options.keep_warc,
                    accept_empty=options.accept_empty,
                )
            except Interrupted:
                return None  # not checked
            except Deferred as exc:
                return deferred_result(entry.url, path, exc)
            except ThreadkeepError as exc:
                return ThreadResult(entry.url, path, "failed", error=str(exc), checked_at=now_iso())
            except Exception as exc:  # a bug must not stop the other threads
                error = f"internal error: {type(exc).__name__}: {exc}"
                return ThreadResult(entry.url, path, "failed", error=error, checked_at=now_iso())

        def work(fetcher, group: list[WatchEntry], keys=None, run: BlogRun | None = None) -> None:
            later = waits.get(host_key(group[0].url)) if group else None  # (retry_at, why) from an earlier run
            for n, entry in enumerate(group):
                if stop.is_set():
                    return
                if later is not None:
                    folder = directory / entry.folder_name if entry.folder_name else directory
                    path = archive_path(folder, entry.stem)
                    result = deferred_result(
                        entry.url, path, Deferred(entry.url, later[1], status=None, retry_at=later[0])
                    )
                else:
                    result = one(fetcher, entry)
                if result is None:
                    return
                if result.status == "deferred" and later is None:
                    later = (result.retry_at or "", result.error or "the server asked to wait")
                with done_lock:
                    results[keys[n] if keys is not None else index[id(entry)]] = result
                    if run is not None:
                        run.results.append(result)
                    if on_result is not None:
                        on_result(result)

        def blog_work(fetcher, number: int, blog: WatchEntry) -> None:
            later = waits.get(host_key(blog.url))
            if later is not None:  # the host asked an earlier run to wait: no request at all
                plan = BlogPlan(blog, directory / blog.folder, previous=blog_states.get(blog.url) or {})
                plan.error = f"{blog.url}: deferred: {later[1]}"
                plan.posts = {u: p for u, p in _known_posts(plan.previous).items()}
                run = BlogRun(plan)
            else:
                plan = plan_blog(
                    fetcher,
                    blog,
                    directory,
                    blog_states.get(blog.url),
                    options.fetch,
                    options.full_every,
                    previous,
                    on_note=options.on_note,
                )
                run = BlogRun(plan)
            with done_lock:
                runs[number] = run
                planned["threads"] += len(plan.threads)
                if on_plan is not None:
                    on_plan(run)
            if later is None and not stop.is_set():
                keys = [(1, number, j) for j in range(len(plan.threads))]
                work(fetcher, plan.threads, keys, run)

        config = options.fetch.fetch_config()
        with Fetcher(config, on_event=options.fetch.on_event, recorder=router, cancel=stop) as fetcher:
            workers = max(1, min(options.jobs, len(ordered) + len(blogs)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="threadkeep-sync") as pool:
                futures = [pool.submit(blog_work, fetcher, i, b) for i, b in enumerate(blogs)]
                futures += [pool.submit(work, fetcher, g) for g in ordered]
                for fut in futures:
                    fut.result()
        report = SyncReport([results[k] for k in sorted(results)], started, now_iso(), time.monotonic() - t0)
        report.blogs = [r for r in runs if r is not None]
        report.planned = planned["threads"]
        report.interrupted = stop.is_set() and (len(results) < report.planned or None in runs)
        try:
            _save_state(directory, report)
        except ThreadkeepError as exc:  # a full disk: the summary still tells what was done
            report.state_error = f"{directory / STATE_NAME}: the state was not saved: {exc}"
        try:
            if blogs:
                update_index(directory, report.results, [b.folder for b in blogs])
        except ThreadkeepError as exc:
            report.state_error = report.state_error or f"{directory / INDEX_NAME}: the index was not saved: {exc}"
    return report


def _load_state(directory: Path) -> dict[str, Any]:
    """What earlier runs learned of each thread, by its URL."""
    return _state_part(directory, "threads")


def _state_part(directory: Path, key: str) -> dict[str, Any]:
    """One part of DIR's state file ({} when there is none, or it cannot be read)."""
    try:
        state = json.loads(read_file(directory / STATE_NAME, "a state file", limit=64 * 1024 * 1024))
        part = state.get(key) if isinstance(state, dict) else None
    except (ThreadkeepError, ValueError, RecursionError):
        return {}
    return part if isinstance(part, dict) else {}


def _host_waits(threads: dict[str, Any], now: str) -> dict[str, tuple[str, str]]:
    """host -> (retry_at, why) for the hosts that asked an earlier run to wait until after now."""
    out: dict[str, tuple[str, str]] = {}
    for url, t in threads.items():
        at = t.get("retry_at") if isinstance(t, dict) else None
        if isinstance(at, str) and at > now:
            try:
                host = host_key(url)
            except ValueError:
                continue
            if host not in out or at > out[host][0]:
                out[host] = (at, f"the host asked to wait until {at} (an earlier run)")
    return out


def _save_state(directory: Path, report: SyncReport) -> None:
    """DIR/.threadkeep-state: when each thread was last checked and how it went."""
    path = directory / STATE_NAME
    threads = _load_state(directory)
    for r in report.results:
        previous = threads.get(r.url) if isinstance(threads.get(r.url), dict) else {}
        threads[r.url] = {
            "archive": r.archive.relative_to(directory).as_posix()
            if r.archive.is_relative_to(directory)
            else r.archive.name,
            "last_checked": r.checked_at,
            "last_result": r.status,
            "last_error": r.error,
            "last_success": r.checked_at if r.status not in ("failed", "deferred") else previous.get("last_success"),
            "retry_at": r.retry_at if r.status == "deferred" else None,
        }
    blogs = _load_blogs(directory)
    for run in report.blogs:
        learned = run.plan.state()
        if learned:
            blogs[run.plan.entry.url] = learned
    state = {
        "version": 1,
        "last_run": {
            "started": report.started,
            "finished": report.finished,
            "summary": report.summary(),
            "interrupted": report.interrupted,
        },
        "threads": threads,
        "blogs": blogs,
    }
    write_atomic(path, json.dumps(state, indent=2, ensure_ascii=False) + "\n")


def _load_blogs(directory: Path) -> dict[str, Any]:
    """What earlier runs learned of each blog (sync.blog.BlogPlan.state), by the blog's URL."""
    return _state_part(directory, "blogs")
