"""A file written in a stream and moved into place when complete: a run killed at any instant
leaves the finished file or no file (a `.part` beside it is cleaned up on the next run)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from threadkeep.errors import InputError
from threadkeep.files import sync_directory

PART = ".part"


@contextmanager
def atomic_binary(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary file that becomes `path` (fsync'ed, renamed) when the block ends without an
    exception; on an exception it is deleted and `path` is left as it was."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART, dir=directory)
    except FileNotFoundError:
        raise InputError(f"{path}: the directory {directory} does not exist") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fd, 0o666 & ~umask)  # an ordinary file, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    sync_directory(directory)


def remove_parts(directory: str | os.PathLike[str]) -> int:
    """Delete what runs killed mid-write left in directory (hidden `.NAME.XXXX.part` files)."""
    n = 0
    for p in Path(directory).glob(f".*{PART}"):
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n
