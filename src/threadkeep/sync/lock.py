"""One run at a time per directory (DIR/.threadkeep.lock), and what killed runs leave behind.

The lock is an exclusive `flock` on DIR/.threadkeep.lock (released by the kernel when the holder
dies, however it dies). The holder writes its PID, its start time and its command into the file,
so a run that finds DIR locked can say who holds it, and say so louder when that run has gone on
for longer than any run should (`HUNG_AFTER_SECONDS`): a hung run under cron would otherwise stop
all archiving with nothing but exit 3 to show for it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadkeep.errors import InputError, LockedError
from threadkeep.files import STALE_SECONDS, cause, sweep_temporaries
from threadkeep.timefmt import now_iso

LOCK_NAME = ".threadkeep.lock"
STALE_TEMP_SECONDS = STALE_SECONDS
HUNG_AFTER_SECONDS = 2 * 3600  # a run holding the lock longer than this is reported as maybe hung


def _holder(fd: int) -> dict:
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _held_by(directory: Path, info: dict) -> str:
    pid, started, since = info.get("pid"), info.get("started"), info.get("since")
    if not isinstance(pid, int):
        return f"{directory}: another threadkeep run holds its lock ({LOCK_NAME})"
    text = f"{directory}: another threadkeep run holds its lock (PID {pid}, started {started})"
    if isinstance(since, (int, float)):
        age = time.time() - since
        if age > HUNG_AFTER_SECONDS:
            hours = age / 3600
            text += (
                f"; it has run for {hours:.1f} h, longer than any run should"
                f" ({HUNG_AFTER_SECONDS // 3600} h): it may be hung (kill {pid} to free the directory)"
            )
    return text


@contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """Hold DIR/.threadkeep.lock, or raise LockedError at once (naming the holder) when another
    run holds it."""
    path = Path(directory) / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise InputError(f"{directory}: cannot lock: {cause(exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(_held_by(Path(directory), _holder(fd))) from None
        except OSError as exc:
            raise InputError(f"{directory}: cannot lock: {cause(exc)}") from None
        info = {"pid": os.getpid(), "started": now_iso(), "since": time.time(), "argv": sys.argv[:6]}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(info) + "\n").encode("utf-8"), 0)
        except OSError:
            pass  # the lock holds without its note (a full disk, say)
        try:
            yield
        finally:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def clean_stale_temporaries(directory: Path) -> int:
    """Remove the temporary files killed runs left behind (their PID is gone, or they are old);
    called with DIR's lock held, by `sync` and `update` alike. How many were removed."""
    return sweep_temporaries(Path(directory))
