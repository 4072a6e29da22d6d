"""The one clock format: every instant threadkeep writes of its own (fetch and check times, first
and last seen, exact instants from epoch timestamps) is UTC, to the second, with a `Z`:
`2016-09-05T08:12:00Z` (docs/archive-format.md). Times a page or API gives with their own offset
are kept as given (dates.py)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(dt: datetime, *, micro: bool = False) -> str:
    """dt (aware; naive means UTC) in the archive's clock format; `micro` keeps microseconds (WARC)."""
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    if not micro:
        dt = dt.replace(microsecond=0)
    return dt.isoformat().replace("+00:00", "Z")


def clock() -> datetime:
    """The current time: the one clock every timestamp threadkeep writes is read from (tests set it)."""
    return datetime.now(UTC)


def now_iso(*, micro: bool = False) -> str:
    """Now, in the archive's clock format."""
    return utc_iso(clock(), micro=micro)


def epoch_to_iso(seconds: object) -> str | None:
    """Unix seconds (a number or numeric string) as an instant; None when it is not one."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float, str)):
        return None
    try:
        return utc_iso(datetime.fromtimestamp(int(float(seconds)), tz=UTC))
    except (ValueError, OverflowError, OSError):
        return None


def epoch_ms_to_iso(ms: object) -> str | None:
    """Unix milliseconds (Blogger's showComment=) as an instant; None when it is not one."""
    if isinstance(ms, bool) or not isinstance(ms, (int, str)):
        return None
    try:
        return utc_iso(datetime.fromtimestamp(int(ms) / 1000, tz=UTC), micro=True)  # milliseconds, if any
    except (ValueError, OverflowError, OSError):
        return None


def instant_iso(value: str) -> str | None:
    """An ISO 8601 instant (a WARC-Date, say, maybe with microseconds) in the clock format."""
    try:
        return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None
