"""threadkeep's exceptions, each carrying the exit code the CLI maps it to.

    ThreadkeepError            exit 1: the work failed
    ├── FetchError             exit 1: network error, HTTP status, robots.txt, size limit, not HTML
    ├── ExtractError           exit 1: the page could not be turned into a thread
    ├── InputError             exit 2: usage or input error (missing file, unreadable input)
    │   └── ArchiveError       exit 2: an archive that is not JSON, fails the schema, or is newer
    └── LockedError            exit 3: another run holds the lock on the directory

Every message is one line that names the thing and the cause.
"""

from __future__ import annotations


class ThreadkeepError(Exception):
    """Base class: an expected failure with a one-line message and an exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
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


class LockedError(ThreadkeepError):
    """Another run holds the lock on the directory."""

    exit_code = 3
