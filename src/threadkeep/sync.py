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

import copy
import json
import os
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from threadkeep.archive import FetchOptions, NotModified, fetch_thread, now_iso, warc_path
from threadkeep.errors import InputError, LockedError, ThreadkeepError
from threadkeep.fetch import host_key
from threadkeep.merge import Changes, merge, stamp_new
from threadkeep.paths import archive_path, archive_stem, name_stem
from threadkeep.store import load_archive, read_file, save_archive, write_atomic

__all__ = [
    "LOCK_NAME",
    "STATE_NAME",
    "SyncOptions",
    "SyncReport",
    "ThreadResult",
    "WatchEntry",
    "directory_lock",
    "read_watchlist",
    "sync",
    "update_archive",
]

LOCK_NAME = ".threadkeep.lock"
STATE_NAME = ".threadkeep-state"  # JSON; no .json suffix, so that DIR/*.json are the archives
COMMENT_MODES = ("auto", "page", "feed")
STALE_TEMP_SECONDS = 600


# ------------------------------------------------------------------------------- the watch list


@dataclass
class WatchEntry:
    url: str
    comments: str = "auto"
    name: str | None = None  # the archive's file-name stem, when chosen in the list

    @property
    def stem(self) -> str:
        return name_stem(self.name) if self.name else archive_stem(self.url)


def _check_url(url: Any, where: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"{where}: a thread needs a url")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"{where}: not an http(s) URL: {url[:200]!r}")
    return url


def read_watchlist(path: str | Path) -> list[WatchEntry]:
    """A watch list: TOML when the name ends in .toml, else one URL a line (`#` starts a comment).

    TOML: optional `[defaults]` (comments = "auto" | "page" | "feed"), then `[[thread]]` tables
    with `url` and optionally `comments` and `name`. Duplicate URLs are read once; two threads
    with one archive name are an error. Every error is an InputError naming the line or entry."""
    path = Path(path)
    raw = read_file(path, "a watch list")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a watch list: the file is not UTF-8 text") from None
    entries = _read_toml(path, text) if path.suffix.lower() == ".toml" else _read_lines(path, text)
    out: list[WatchEntry] = []
    seen_urls: set[str] = set()
    stems: dict[str, str] = {}
    for e in entries:
        if e.url in seen_urls:
            continue
        seen_urls.add(e.url)
        other = stems.get(e.stem.casefold())  # one file on a case-insensitive file system
        if other is not None:
            raise InputError(f"{path}: {e.url} and {other} would share the archive {e.stem}.json")
        stems[e.stem.casefold()] = e.url
        out.append(e)
    return out


def _read_lines(path: Path, text: str) -> list[WatchEntry]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) > 1 and not words[1].startswith("#"):
            raise InputError(f"{path}:{n}: one URL a line (a comment starts with #)")
        out.append(WatchEntry(_check_url(words[0], f"{path}:{n}")))
    return out


def _read_toml(path: Path, text: str) -> list[WatchEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"defaults", "thread"}
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} (expected [defaults] and [[thread]])")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"comments"}:
        raise InputError(f"{path}: [defaults] takes only comments")
    threads = data.get("thread") or []
    if not isinstance(threads, list):
        raise InputError(f"{path}: threads are [[thread]] tables")
    out = []
    for i, t in enumerate(threads, start=1):
        where = f"{path}: thread {i}"
        if not isinstance(t, dict):
            raise InputError(f"{where}: not a table")
        extra = set(t) - {"url", "comments", "name"}
        if extra:
            raise InputError(f"{where}: unknown key {sorted(extra)[0]!r} (expected url, comments, name)")
        comments = t.get("comments", defaults.get("comments", "auto"))
        if comments not in COMMENT_MODES:
            raise InputError(f"{where}: comments must be one of {', '.join(COMMENT_MODES)}, not {comments!r}")
        name = t.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise InputError(f"{where}: name must be a non-empty string")
        out.append(WatchEntry(_check_url(t.get("url"), where), comments, name))
    return out


# ------------------------------------------------------------------------------- capture


class RoutingRecorder:
    """A Fetcher recorder that sends each exchange to the recorder of the calling thread, if any.

    The shared Fetcher records in the thread that made the request, so each worker can keep its
    own thread's capture while all of them share one Fetcher (and its per-host politeness)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def capturing(self, recorder) -> Iterator[None]:
        self._local.target = recorder
        try:
            yield
        finally:
            self._local.target = None

    def record(self, request, response) -> None:
        target = getattr(self._local, "target", None)
        if target is not None:
            target.record(request, response)


def _append_capture(new_part: Path, final: Path) -> None:
    """final := final's records (if any) + new_part's, atomically; new_part is removed."""
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for src in (final, new_part):
                try:
                    with src.open("rb") as fh:
                        shutil.copyfileobj(fh, out, 1024 * 1024)
                except FileNotFoundError:
                    continue
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    new_part.unlink(missing_ok=True)


# ------------------------------------------------------------------------------- one thread


@dataclass
class ThreadResult:
    url: str
    archive: Path
    status: str  # "new", "changed", "unchanged", "failed"
    changes: Changes | None = None
    comments: int = 0  # comments in the archive after the check
    error: str | None = None
    not_modified: bool = False  # the server answered 304
    checked_at: str = ""

    def describe(self) -> str:
        """One line for `threadkeep update`: 'thread.json: 1 new comment, 1 edited (9 comments)'."""
        if self.status == "failed":
            return f"{self.archive}: failed: {self.error}"
        if self.status == "new":
            return f"{self.archive}: new archive ({self.comments} comments)"
        if self.status == "unchanged":
            why = " (HTTP 304 Not Modified)" if self.not_modified else ""
            return f"{self.archive}: unchanged{why}; nothing written"
        c = self.changes.counts() if self.changes is not None else {}
        parts = [f"{c['added']} new comment{'s' * (c['added'] != 1)}"] if c.get("added") else []
        parts += [f"{n} {k}" for k, n in c.items() if n and k != "added"]
        if self.changes is not None and self.changes.article:
            parts.append("article changed")
        return f"{self.archive}: {', '.join(parts)} ({self.comments} comments)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "archive": self.archive.name,
            "status": self.status,
            "not_modified": self.not_modified,
            "comments": self.comments,
            "changes": self.changes.to_dict() if self.changes is not None else None,
            "error": self.error,
            "checked_at": self.checked_at,
        }


def check_thread(
    path: Path,
    url: str | None,
    fetcher,
    options: FetchOptions,
    *,
    router: RoutingRecorder | None = None,
    keep_warc: bool = True,
) -> ThreadResult:
    """Bring the archive at `path` up to date with `url` (default: the archive's source URL);
    create it when it does not exist. Writes only when something changed."""
    from threadkeep.warc import WarcRecorder

    old = load_archive(path) if path.exists() else None
    if url is None:
        if old is None or not old.source.url:
            raise InputError(f"{path}: the archive does not record its source URL; it cannot be updated")
        url = old.source.url
    http = old.source.http if old is not None else None
    etag = http.etag if http else None
    last_modified = http.last_modified if http else None
    checked_at = now_iso()

    recorder = None
    new_part = path.with_name(f".{path.name}.tk-new.warc.gz")
    if keep_warc and router is not None:
        recorder = WarcRecorder(new_part, info={"threadkeep-url": url})
    try:
        if recorder is not None and router is not None:
            with router.capturing(recorder):
                new = fetch_thread(fetcher, url, options, etag=etag, last_modified=last_modified)
        else:
            new = fetch_thread(fetcher, url, options, etag=etag, last_modified=last_modified)
    except NotModified:
        if recorder is not None:
            recorder.abort()
        count = sum(1 for _ in old.all_comments()) if old is not None else 0
        return ThreadResult(url, path, "unchanged", Changes(), count, not_modified=True, checked_at=checked_at)
    except BaseException:
        if recorder is not None:
            recorder.abort()
        raise

    seen_at = new.source.fetched_at or checked_at
    if old is None:
        thread, changes, status = stamp_new(new, seen_at), Changes(), "new"
        changes.added = [c.id for c in thread.all_comments()]
    else:
        thread, changes = merge(old, new, seen_at)
        status = "changed" if changes else "unchanged"
    count = sum(1 for _ in thread.all_comments())
    if status == "unchanged":
        if recorder is not None:
            recorder.abort()
        count = sum(1 for _ in old.all_comments()) if old is not None else count
        return ThreadResult(url, path, status, changes, count, checked_at=checked_at)
    if recorder is not None:
        recorder.close()
        _append_capture(new_part, warc_path(path))
    save_archive(thread, path)
    return ThreadResult(url, path, status, changes, count, checked_at=checked_at)


# ------------------------------------------------------------------------------- the lock


@contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """Hold DIR/.threadkeep.lock, or raise LockedError at once when another run holds it."""
    from filelock import FileLock, Timeout

    lock = FileLock(directory / LOCK_NAME, blocking=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(f"{directory}: another threadkeep run holds its lock ({LOCK_NAME})") from None
    except OSError as exc:
        raise InputError(f"{directory}: cannot lock: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def _clean_stale_temporaries(directory: Path) -> None:
    """Remove temporary files a killed run left behind (only old ones: a `fetch -o` may be writing)."""
    limit = time.time() - STALE_TEMP_SECONDS
    for p in directory.glob(".*"):
        if p.name.endswith((".tmp", ".part", ".tk-new.warc.gz")) and p.is_file():
            try:
                if p.stat().st_mtime < limit:
                    p.unlink()
            except OSError:
                pass


# ------------------------------------------------------------------------------- update


def update_archive(
    path: str | Path, options: FetchOptions | None = None, *, keep_warc: bool = True, fetcher=None
) -> ThreadResult:
    """`threadkeep update`: re-fetch one archive's source and merge; raises on failure."""
    from threadkeep.fetch import Fetcher

    path = Path(path)
    options = options or FetchOptions()
    if not path.exists():
        raise InputError(f"{path}: no such file")
    directory = path.parent if str(path.parent) else Path(".")
    router = RoutingRecorder()
    with directory_lock(directory):
        if fetcher is not None:
            return check_thread(path, None, fetcher, options, router=None, keep_warc=False)
        with Fetcher(options.fetch_config(), on_event=options.on_event, recorder=router) as f:
            return check_thread(path, None, f, options, router=router, keep_warc=keep_warc)


# ------------------------------------------------------------------------------- sync


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
    from threadkeep.fetch import Fetcher

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
        _clean_stale_temporaries(directory)
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


# ------------------------------------------------------------------------------- presentation


@contextmanager
def progress_bar(
    console, on_result: Callable[[ThreadResult], None] | None = None
) -> Iterator[tuple[Callable[[int], None], Callable[[ThreadResult], None]]]:
    """(on_start, on_result) callbacks for sync(): a rich progress bar on `console`, or none."""
    if console is None:

        def quiet_result(result: ThreadResult) -> None:
            if on_result is not None:
                on_result(result)

        yield (lambda total: None), quiet_result
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from threadkeep.sanitize import terminal_safe

    progress = Progress(
        TextColumn("syncing", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}", markup=False),
        console=console,
        transient=True,
    )
    task = progress.add_task("sync", total=None, last="")

    def start(total: int) -> None:
        progress.update(task, total=total)

    def result(r: ThreadResult) -> None:
        progress.update(task, advance=1, last=terminal_safe(f"{r.status}: {r.url}")[:80])
        if on_result is not None:
            on_result(r)

    with progress:
        yield start, result
