"""Files on disk, safely: regular files only, temporaries that say who made them, modes from the
umask, and one line for every failure.

    data = read_regular(path, "an archive", limit=MAX_ARCHIVE_BYTES)   # never a FIFO, a device
    fd, tmp = make_temporary(target, ".tmp")    # .NAME.tk<pid>.<random>.tmp beside target
    target = inside_dir(path, directory)         # a link inside DIR: its target; out of DIR: refused

Decisions:

- **Regular files only.** Archives, captures and watch lists are opened with O_NONBLOCK (opening a
  FIFO never blocks) and checked with fstat: a FIFO, a device (`/dev/zero`), a socket is refused
  before a byte is read; reads stop at `limit` even when the file grows while read.
- **Links in an archive directory.** `update`/`sync`/`fetch -o` read and write DIR's files. A link
  there is followed only when its final target is a regular file inside DIR (then the target is
  read and rewritten: the link stays); a link out of DIR is refused. Captures (`.warc.gz`) are
  never read through a link at all (`no_link`): a WARC linked to a secret must not be copied in.
- **Temporaries** are named `.NAME.tk<PID>.<random>.<suffix>`: a run holding DIR's lock removes any
  whose PID is no longer running (a killed run), and any older than `STALE_SECONDS`.
- **Modes.** A new file gets 0666 less the umask (as `open` would give it, not mkstemp's 0600); a
  rewritten file keeps the mode it had.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import threading
import time
from pathlib import Path

from threadkeep.errors import InputError, StorageError

STALE_SECONDS = 6 * 3600  # a temporary older than this is stale whoever made it
_TEMP = re.compile(r"^\..+\.tk(?P<pid>\d+)[.-].*\.(tmp|part|warc\.gz)$")
_OLD_TEMP_SUFFIXES = (".tmp", ".part", ".tk-new.warc.gz")  # names of earlier versions (no PID)
_umask: int | None = None
_umask_lock = threading.Lock()


def umask() -> int:
    """The process umask, read once (os.umask can only be read by setting it: never in threads)."""
    global _umask
    with _umask_lock:
        if _umask is None:
            _umask = os.umask(0o022)
            os.umask(_umask)
        return _umask


umask()  # at import, in the main thread


def mode_for(target: Path) -> int:
    """The mode a file written at target gets: the existing file's, else 0666 less the umask."""
    try:
        st = os.stat(target)
    except OSError:
        return 0o666 & ~umask()
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~umask()


def cause(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded"
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def write_failure(target: Path, exc: OSError) -> InputError | StorageError:
    """The one-line error for a failed write at target: a missing or unwritable directory is an
    input error (exit 2), a full disk or an I/O error a failed run (exit 1)."""
    directory = target.parent if str(target.parent) else Path(".")
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{target}: the directory {directory} does not exist")
    if isinstance(exc, NotADirectoryError):
        return InputError(f"{target}: {directory} is not a directory")
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return InputError(f"{target}: cannot write in {directory}: {cause(exc)}")
    return StorageError(f"{target}: cannot write: {cause(exc)}")


def sync_directory(directory: Path) -> None:
    """fsync a directory, so that a rename into it survives a crash (best effort: some file
    systems cannot)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_temporary(target: Path, suffix: str) -> tuple[int, Path]:
    """A new temporary file beside target, named for this process, with target's future mode."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tk{os.getpid()}.", suffix=suffix, dir=directory)
    except OSError as exc:
        raise write_failure(target, exc) from None
    try:
        os.fchmod(fd, mode_for(target))
    except OSError:
        pass
    return fd, Path(tmp)


def is_stale_temporary(path: Path, now: float | None = None) -> bool:
    """Whether path is a temporary threadkeep left behind: its writer is gone, or it is old."""
    name = path.name
    m = _TEMP.match(name)
    if m is None and not (name.startswith(".") and name.endswith(_OLD_TEMP_SUFFIXES)):
        return False
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if st.st_mtime < (time.time() if now is None else now) - STALE_SECONDS:
        return True
    if m is None:
        return False
    pid = int(m.group("pid"))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def sweep_temporaries(directory: Path) -> int:
    """Remove the stale temporaries in directory (see is_stale_temporary); how many."""
    removed = 0
    try:
        names = list(directory.glob(".*"))
    except OSError:
        return 0
    now = time.time()
    for p in names:
        if is_stale_temporary(p, now):
            try:
                p.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _open_regular(path: Path, what: str, *, no_link: bool = False) -> tuple[int, os.stat_result]:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if no_link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not {what}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and no_link:
            raise InputError(f"{path}: a symbolic link; threadkeep does not read through links here") from None
        raise InputError(f"{path}: cannot read: {cause(exc)}") from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise InputError(f"{path}: is a directory, not {what}")
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) else "special"
        raise InputError(f"{path}: not a regular file ({kind}), not {what}")
    os.set_blocking(fd, True)
    return fd, st


def read_regular(path: str | Path, what: str, *, limit: int | None = None, no_link: bool = False) -> bytes:
    """A regular file's bytes, at most `limit` of them; else one InputError line naming the file."""
    path = Path(path)
    fd, st = _open_regular(path, what, no_link=no_link)
    with os.fdopen(fd, "rb") as fh:
        if limit is not None and st.st_size > limit:
            raise InputError(f"{path}: file too large ({st.st_size:,} bytes; limit {limit:,})")
        try:
            data = fh.read() if limit is None else fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {cause(exc)}") from None
    if limit is not None and len(data) > limit:
        raise InputError(f"{path}: file too large (over the limit of {limit:,} bytes)")
    return data


def open_regular(path: str | Path, what: str, *, no_link: bool = False):
    """A regular file opened for binary reading (a FIFO, a device or, with no_link, a link refused)."""
    fd, _st = _open_regular(Path(path), what, no_link=no_link)
    return os.fdopen(fd, "rb")


def inside_dir(path: Path, directory: Path) -> Path:
    """The file to read and write for DIR/NAME: itself, or the target of a link that stays in DIR.

    A link out of DIR (or to something that is not a regular file) is an InputError."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {cause(exc)}") from None
    if not stat.S_ISLNK(st.st_mode):
        return path
    try:
        target = path.resolve(strict=True)
        home = directory.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(f"{path}: a symbolic link to nothing readable; remove or replace it") from None
    if home not in target.parents:
        raise InputError(f"{path}: a symbolic link out of {directory}; threadkeep does not follow it")
    if not target.is_file():
        raise InputError(f"{path}: a symbolic link to something that is not a regular file")
    return target


def refuse_link(path: Path) -> None:
    """InputError when path is a symbolic link (a capture is never read or replaced through one)."""
    if path.is_symlink():
        raise InputError(f"{path}: a symbolic link; threadkeep does not read or write captures through links")
