"""Reading, validating and atomically writing archives.

An archive is read only through `load_archive` (JSON, then schema version, then the schema) and
written only through `write_atomic` (a temporary file in the same directory, flushed and
fsync'ed, then renamed over the target): a run killed at any instant leaves the old file or
the new one, never half of either. Reads take regular files only, at most MAX_ARCHIVE_BYTES
(threadkeep.files: a FIFO or /dev/zero is refused, not read forever).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from threadkeep.errors import ArchiveError, InputError
from threadkeep.files import make_temporary, read_regular, sync_directory, write_failure
from threadkeep.html.textsafe import no_surrogates
from threadkeep.model import SCHEMA_VERSION, Thread


@cache
def _schema_text() -> str:
    # Beside this module, as package data (a plain read: importlib.resources costs `show` ~4 ms to import)
    return (Path(__file__).parent / "schema" / f"archive-v{SCHEMA_VERSION}.json").read_text("utf-8")


@cache
def schema() -> dict[str, Any]:
    """The archive format's JSON Schema (shipped in the package)."""
    return json.loads(_schema_text())


@cache
def _validator():
    """The schema compiled to Python (fastjsonschema): some 25 times faster than interpreting it,
    which is what makes `show` of a big archive quick. The compiled code ships in the package
    (_validator_v1.py, scripts/gen_validator.py), used while it matches the schema."""
    from threadkeep import _validator_v1 as shipped

    if _schema_text() == shipped.SCHEMA_TEXT:
        return shipped.validate
    import fastjsonschema

    return fastjsonschema.compile(schema())


def validation_errors(data: Any) -> list[str]:
    """How data fails the schema, as 'where: what' (the first failure found); empty when valid."""
    import fastjsonschema

    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        where = exc.name.removeprefix("data").lstrip(".") or "(top)"
        return [f"{where}: {exc.message.removeprefix(exc.name).strip()}"[:300]]
    return []


def check_archive(data: Any, name: str) -> None:
    """Raise ArchiveError unless data is an archive this version can read."""
    if not isinstance(data, dict):
        raise ArchiveError(f"{name}: not a threadkeep archive (the JSON is not an object)")
    if "schema_version" not in data and isinstance(data.get("threads"), list) and "version" in data:
        raise ArchiveError(f"{name}: a collection's index (sync's index.json), not an archive")
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{name}: schema_version {version} is newer than this threadkeep reads"
            f" ({SCHEMA_VERSION}); upgrade threadkeep"
        )
    try:
        errors = validation_errors(data)
    except RecursionError:
        raise ArchiveError(f"{name}: not a valid threadkeep archive: nested too deeply") from None
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ArchiveError(f"{name}: not a valid threadkeep archive: {errors[0]}{more}")


MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # an archive bigger than this is refused before reading


def read_file(path: str | Path, what: str, *, limit: int | None = None, no_link: bool = False) -> bytes:
    """A regular file's bytes, or one InputError line naming the file and the cause (`what` it
    should be). FIFOs and devices are refused without blocking (threadkeep.files)."""
    return read_regular(path, what, limit=limit, no_link=no_link)


def read_json(path: str | Path) -> Any:
    path = Path(path)
    raw = read_file(path, "an archive", limit=MAX_ARCHIVE_BYTES)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ArchiveError(f"{path}: not an archive: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"{path}: not an archive: invalid JSON at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ArchiveError(f"{path}: not an archive: JSON nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than int() converts (sys.int_info), say
        raise ArchiveError(f"{path}: not an archive: {str(exc).split(';')[0][:120]}") from None


def load_archive(path: str | Path) -> Thread:
    """Read and validate an archive file; every failure is one InputError/ArchiveError line."""
    data = read_json(path)
    check_archive(data, str(path))
    return Thread.from_dict(data)


# Characters JSON may hold raw but a terminal or editor would act on (C1 controls, DEL, bidi
# embeddings, overrides and isolates): written as \uXXXX escapes, the same data, inert on screen.
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def archive_json(thread: Thread) -> str:
    """The canonical JSON text of an archive: UTF-8, stable key order, a newline at the end.

    Lone surrogates (an API's JSON can carry "\\ud800"; UTF-8 cannot) become U+FFFD; characters
    that act on a terminal are escaped, so `show --format json` prints them inert."""
    text = json.dumps(thread.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if text.isascii():
        return text
    text = no_surrogates(text)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write data to path atomically (temporary file in the same directory, fsync, rename).

    The file gets the mode the umask gives a new file, or keeps the one it had; any failure
    (a missing directory, a full disk) is one InputError/StorageError line naming path, and
    leaves the old file and no temporary."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    fd, tmp = make_temporary(path, ".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise write_failure(path, exc) from None
        raise
    sync_directory(directory)


def save_archive(thread: Thread, path: str | Path) -> None:
    write_atomic(path, archive_json(thread))
