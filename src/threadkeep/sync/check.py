"""Checking one thread against its archive (`update`, `fetch -o` over an archive, and each thread
of a `sync`): fetch with the stored validators, merge, and write the archive and its capture only
when something changed.

Guards, in order: the archive is a regular file in DIR (a link is followed only to a file inside
DIR, which is then rewritten in place; its capture is never read through a link); the fetch is
bounded by `FetchOptions.max_time`; a page much poorer than the archive (no article where there
was one, every comment gone at once: an empty or cut-short 200) is not merged but fails the
check (`PoorerPage`), unless `accept_empty`; every temporary is removed on failure."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadkeep.capture.replay import warc_path
from threadkeep.errors import Deferred, FetchError, InputError
from threadkeep.files import inside_dir, make_temporary, open_regular, refuse_link, write_failure
from threadkeep.merge import Changes, merge, stamp_new
from threadkeep.pipeline import FetchOptions, NotModified, fetch_thread
from threadkeep.store import load_archive, save_archive
from threadkeep.sync.lock import clean_stale_temporaries, directory_lock
from threadkeep.timefmt import now_iso


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


class PoorerPage(FetchError):
    """The page fetched holds much less than the archive: most likely a broken response."""


def poorer(old, new) -> str | None:
    """Why `new` looks like a broken page next to the archive `old`, or None."""
    if (old.article.text or "").strip() and not (new.article.text or "").strip():
        return "no article where the archive has one"
    live = sum(1 for c in old.all_comments() if c.removed_upstream_at is None)
    if live and not any(True for _ in new.all_comments()):
        return f"no comments where the archive has {live}"
    return None


def _append_capture(new_part: Path, final: Path) -> None:
    """final := final's records (if any) + new_part's, atomically; new_part is removed."""
    fd, tmp = make_temporary(final, ".tmp")  # final's mode, or the umask's for a new one
    try:
        with os.fdopen(fd, "wb") as out:
            for src in (final, new_part):
                if not src.exists():
                    continue
                with open_regular(src, "a WARC file", no_link=True) as fh:
                    shutil.copyfileobj(fh, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        new_part.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_failure(final, exc) from None
        raise
    new_part.unlink(missing_ok=True)


# ------------------------------------------------------------------------------- one thread


@dataclass
class ThreadResult:
    url: str
    archive: Path
    status: str  # "new", "changed", "unchanged", "failed", "deferred" (the host asked for later)
    changes: Changes | None = None
    comments: int = 0  # comments in the archive after the check
    error: str | None = None
    not_modified: bool = False  # the server answered 304
    checked_at: str = ""
    retry_at: str | None = None  # deferred: not before this time (ISO 8601 UTC)
    declared: int | None = None  # how many comments the page says the thread has
    held: int = 0  # how many of them this check found on the page (and what completes it)
    title: str | None = None  # the archived thread's title (for DIR/index.json)
    first_seen: str | None = None  # when the archive was first written (its first snapshot)

    def describe(self) -> str:
        """One line for `threadkeep update`: 'thread.json: 1 new comment, 1 edited (9 comments)'."""
        if self.status == "failed":
            return f"{self.archive}: failed: {self.error}"
        if self.status == "deferred":
            return f"{self.archive}: deferred until {self.retry_at}: {self.error}"
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
            "retry_at": self.retry_at,
        } | ({"declared": self.declared, "held": self.held} if self.declared is not None else {})


def check_thread(
    path: Path,
    url: str | None,
    fetcher,
    options: FetchOptions,
    *,
    router: RoutingRecorder | None = None,
    keep_warc: bool = True,
    accept_empty: bool = False,
) -> ThreadResult:
    """Bring the archive at `path` up to date with `url` (default: the archive's source URL);
    create it when it does not exist. Writes only when something changed. Raises on failure
    (Deferred when the host asked to come back later, PoorerPage for a broken-looking page)."""
    from threadkeep.capture.warc import WarcRecorder

    directory = path.parent if str(path.parent) else Path(".")
    path = inside_dir(path, directory)  # a link inside DIR: its target; out of DIR: refused
    capture = warc_path(path)
    refuse_link(capture)
    old = load_archive(path) if os.path.lexists(path) else None
    if url is None:
        if old is None or not old.source.url:
            raise InputError(f"{path}: the archive does not record its source URL; it cannot be updated")
        url = old.source.url
    http = old.source.http if old is not None else None
    etag = http.etag if http else None
    last_modified = http.last_modified if http else None
    checked_at = now_iso()

    recorder = None
    new_part = path.with_name(f".{path.name}.tk{os.getpid()}-new.warc.gz")
    if keep_warc and router is not None:
        recorder = WarcRecorder(new_part, info={"threadkeep-url": url}, label=capture)
    limit = getattr(fetcher, "time_limit", None)
    try:
        with limit(options.max_time) if limit is not None else _nothing():
            if recorder is not None and router is not None:
                with router.capturing(recorder):
                    new = fetch_thread(fetcher, url, options, etag=etag, last_modified=last_modified)
            else:
                new = fetch_thread(fetcher, url, options, etag=etag, last_modified=last_modified)
    except NotModified:
        if recorder is not None:
            recorder.abort()
        count = sum(1 for _ in old.all_comments()) if old is not None else 0
        result = ThreadResult(url, path, "unchanged", Changes(), count, not_modified=True, checked_at=checked_at)
        return _titled(result, old)
    except BaseException:
        if recorder is not None:
            recorder.abort()
        raise
    try:
        return _merge_and_write(path, capture, url, old, new, recorder, new_part, checked_at, accept_empty)
    except BaseException:
        if recorder is not None:
            recorder.abort()
        new_part.unlink(missing_ok=True)
        raise


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _merge_and_write(path, capture, url, old, new, recorder, new_part, checked_at, accept_empty) -> ThreadResult:
    if old is not None and not accept_empty:
        why = poorer(old, new)
        if why is not None:
            raise PoorerPage(
                url,
                f"the page fetched is much poorer than the archive ({why}); nothing merged (--accept-empty takes it)",
            )
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
        return _titled(_declared(ThreadResult(url, path, status, changes, count, checked_at=checked_at), new), old)
    if recorder is not None:
        recorder.close()
        _append_capture(new_part, capture)
    save_archive(thread, path)
    return _titled(_declared(ThreadResult(url, path, status, changes, count, checked_at=checked_at), new), thread)


def _titled(result: ThreadResult, thread) -> ThreadResult:
    """The archive's title and first snapshot, for DIR/index.json."""
    if thread is not None:
        result.title = thread.article.title
        result.first_seen = thread.snapshots[0].fetched_at if thread.snapshots else None
    return result


def _declared(result: ThreadResult, fetched) -> ThreadResult:
    """The page's declared count, and how many comments this fetch found (not the archive's,
    which keeps comments removed upstream)."""
    result.declared = fetched.declared
    result.held = sum(1 for _ in fetched.all_comments())
    return result


def deferred_result(url: str, path: Path, exc: Deferred) -> ThreadResult:
    return ThreadResult(url, path, "deferred", error=exc.cause, checked_at=now_iso(), retry_at=exc.retry_at)


def update_archive(
    path: str | Path,
    options: FetchOptions | None = None,
    *,
    keep_warc: bool = True,
    fetcher=None,
    url: str | None = None,
    accept_empty: bool = False,
    cancel: threading.Event | None = None,
) -> ThreadResult:
    """`threadkeep update` (and `fetch -o` onto an archive, with `url`): re-fetch one archive's
    source and merge, under the lock of its directory; raises on failure."""
    from threadkeep.net.fetch import Fetcher

    path = Path(path)
    options = options or FetchOptions()
    if url is None and not os.path.lexists(path):
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an archive")
    directory = path.parent if str(path.parent) else Path(".")
    router = RoutingRecorder()
    with directory_lock(directory):
        clean_stale_temporaries(directory)
        if fetcher is not None:
            return check_thread(path, url, fetcher, options, router=None, keep_warc=False, accept_empty=accept_empty)
        with Fetcher(options.fetch_config(), on_event=options.on_event, recorder=router, cancel=cancel) as f:
            return check_thread(path, url, f, options, router=router, keep_warc=keep_warc, accept_empty=accept_empty)
