"""What the commands need around writing and stopping: `-o` checked before any request, `fetch -o`
onto an archive merged as `update` does (under the same lock), and SIGINT/SIGTERM turned into a
graceful stop of `sync`."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadkeep.errors import ArchiveError, InputError


def check_output(output: Path) -> None:
    """One InputError line (exit 2) when `-o` cannot be written, before anything is fetched."""
    if output.is_dir():
        raise InputError(f"{output}: is a directory")
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{output}: the directory {parent} does not exist")
    if not parent.is_dir():
        raise InputError(f"{output}: {parent} is not a directory")
    try:
        read_only = bool(os.statvfs(parent).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only or not os.access(parent, os.W_OK | os.X_OK):
        why = "read-only file system" if read_only else "permission denied"
        raise InputError(f"{output}: cannot write in {parent}: {why}")


def _same_thread(old, url: str) -> bool:
    src = old.source
    return url in (src.url, src.final_url) or (src.url or "").rstrip("/") == url.rstrip("/")


def fetch_into(output: Path, url: str, options, *, keep_warc: bool, accept_empty: bool):
    """`fetch URL -o FILE.json`: a new archive, or the existing archive of the same thread brought
    up to date (its history kept, as `update` does); anything else at FILE is refused. Returns the
    check's result (a ThreadResult)."""
    from threadkeep.store import load_archive
    from threadkeep.sync import update_archive

    if os.path.lexists(output):
        try:
            old = load_archive(output)
        except ArchiveError:
            raise InputError(f"{output}: exists and is not a threadkeep archive; use --force to replace it") from None
        if not _same_thread(old, url):
            raise InputError(
                f"{output}: holds the archive of another thread ({old.source.url}); "
                "`threadkeep update` it, or use --force to replace it"
            )
    return update_archive(output, options, url=url, keep_warc=keep_warc, accept_empty=accept_empty)


@contextmanager
def stopping_on_signals() -> Iterator[threading.Event]:
    """An event set by the first SIGINT or SIGTERM (a second one interrupts at once)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
