"""threadkeep's exceptions, each carrying the exit code the CLI maps it to.

    ThreadkeepError            exit 1: the work failed
    ├── FetchError             exit 1: network error, HTTP status, robots.txt, size limit, not HTML
    ├── ExtractError           exit 1: the page could not be turned into a thread
    ├── InputError             exit 2: usage or input error (missing file, unreadable input)
    │   └── ArchiveError       exit 2: an archive that is not JSON, fails the schema, or is newer
    ├── StorageError           exit 1: a write failed (full disk, I/O error)
    ├── Deferred               exit 1: the server asked to come back later (Retry-After)
    ├── Interrupted            exit 130: SIGINT or SIGTERM stopped the run
    └── LockedError            exit 3: another run holds the lock on the directory

Every message is one line that names the thing and the cause; a password in a URL
(`https://user:secret@host/`) is never shown (`hide_credentials`).
"""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")


def hide_credentials(text: str) -> str:
    """`https://user:pass@host/x` -> `https://***@host/x`, wherever URLs appear in text."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


class ThreadkeepError(Exception):
    """Base class: an expected failure with a one-line message and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = hide_credentials(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FetchError(ThreadkeepError):
    """Retrieving a URL failed (network, HTTP status, robots.txt, size or type limits)."""

    exit_code = 1

    def __init__(self, url: str, cause: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {cause}")
        self.url = url
        self.cause = cause
        self.status = status


class ExtractError(ThreadkeepError):
    """A page could not be turned into a thread (too large or too complex, say)."""

    exit_code = 1


class InputError(ThreadkeepError):
    """A usage or input error: a missing file, input that is not what it should be."""

    exit_code = 2


class ArchiveError(InputError):
    """An archive that cannot be read: not JSON, fails the schema, or a newer version."""


class StorageError(ThreadkeepError):
    """Writing a file failed for a reason that is not the input's: a full disk, an I/O error."""

    exit_code = 1


class Deferred(FetchError):
    """The server asked to be asked again later (429/503 with a Retry-After longer than we wait)."""

    def __init__(self, url: str, cause: str, *, status: int | None, retry_at: str) -> None:
        super().__init__(url, cause, status=status)
        self.retry_at = retry_at  # ISO 8601 UTC: not before then


class Interrupted(ThreadkeepError):
    """SIGINT or SIGTERM: the run stopped (what was being written was finished or left as it was)."""

    exit_code = 130


class LockedError(ThreadkeepError):
    """Another run holds the lock on the directory."""

    exit_code = 3
