"""One run at a time per directory (DIR/.threadkeep.lock), and what killed runs leave behind."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadkeep.errors import InputError, LockedError

LOCK_NAME = ".threadkeep.lock"
STALE_TEMP_SECONDS = 600


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


def clean_stale_temporaries(directory: Path) -> None:
    """Remove temporary files a killed run left behind (only old ones: a `fetch -o` may be writing)."""
    limit = time.time() - STALE_TEMP_SECONDS
    for p in directory.glob(".*"):
        if p.name.endswith((".tmp", ".part", ".tk-new.warc.gz")) and p.is_file():
            try:
                if p.stat().st_mtime < limit:
                    p.unlink()
            except OSError:
                pass
