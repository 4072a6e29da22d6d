"""A WordPress page's comment dates written as numbers (`11.06.12 at 11:06 am`, `07/04/2013 à
17:29`), read in the page's own order.

Whether such a date is day or month first is a page-wide choice of the blog's date format, so it
is settled once for all the page's comments: by a number that can only be a day (over 12), else
by the post's date (a comment is never older than its post: of the two readings, the one on or
after the post, and the nearer), else by the page's language (`en-US` and plain `en`: month
first; any other: day first). Two-digit years are 20YY (19YY above the current century's).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from threadkeep.model import Comment

NUMERIC_DATE = re.compile(
    r"(?<![\d.:/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-])"
    r"(?:,?\s*(?:at|um|à|a las|alle|om|às|kl\.?|-|—|–|@)?\s*(\d{1,2})[:h.](\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?)?",
    re.IGNORECASE,
)


class NumericDates:
    """The numeric comment dates of one page, read once the page's order is known (settle)."""

    def __init__(self, lang: str | None, post_published: str | None) -> None:
        self.lang = (lang or "").lower()
        self.post = _day(post_published)
        self.pending: list[tuple[Comment, tuple]] = []

    @staticmethod
    def parts(text: str | None) -> tuple | None:
        """(first, second, year, hour, minute, separator) of a date written in numbers; None otherwise."""
        if not text or len(text) > 120:
            return None
        m = NUMERIC_DATE.search(text)
        if not m:
            return None
        first, sep, second, year, hour, minute, ampm = m.groups()
        y = int(year)
        if len(year) == 2:
            y += 2000 if y <= date.today().year % 100 + 1 else 1900
        h = int(hour) if hour else None
        if h is not None and ampm:
            pm = ampm.lower().startswith("p")
            h = h % 12 + (12 if pm else 0)
        return int(first), int(second), y, h, int(minute) if minute else None, sep

    def later(self, comment: Comment, parts: tuple) -> None:
        """Set comment.published from parts when the page's order is settled."""
        self.pending.append((comment, parts))

    def settle(self) -> None:
        if not self.pending:
            return
        day_first = self._day_first([p for _, p in self.pending])
        for comment, parts in self.pending:
            if comment.published is None:
                comment.published = _iso(parts, day_first=day_first)
        self.pending = []

    def _day_first(self, all_parts: list[tuple]) -> bool:
        if any(p[0] > 12 for p in all_parts):
            return True
        if any(p[1] > 12 for p in all_parts):
            return False
        if self.post is not None:
            verdicts = {_nearness(all_parts, self.post, day_first=d): d for d in (True, False)}
            best = min(verdicts)
            if best != max(verdicts):
                return verdicts[best]
        if self.lang:
            return self.lang not in ("en", "en-us")
        return all_parts[0][5] != "/"  # no language: dotted dates day first, slashed ones month first


def _nearness(all_parts: list[tuple], post: date, *, day_first: bool) -> tuple[int, int]:
    """(comments dated before the post, days from the post to the first comment) for one reading."""
    days = [d for p in all_parts if (d := _day_of(p, day_first=day_first)) is not None]
    if not days:
        return (len(all_parts), 0)
    before = sum(1 for d in days if d < post)
    return (before, abs((min(days) - post).days))


def _day_of(parts: tuple, *, day_first: bool) -> date | None:
    a, b, y = parts[:3]
    day, month = (a, b) if day_first else (b, a)
    try:
        return date(y, month, day)
    except ValueError:
        return None


def _iso(parts: tuple, *, day_first: bool) -> str | None:
    d = _day_of(parts, day_first=day_first)
    if d is None:
        return None
    hour, minute = parts[3], parts[4]
    if hour is None or minute is None or hour > 23 or minute > 59:
        return d.isoformat()
    return datetime(d.year, d.month, d.day, hour, minute).isoformat()


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None
