"""What changed in a thread: between two archives, or in one archive since a date.

    d = diff_threads(load_archive("old.json"), load_archive("new.json"))
    d = diff_since(load_archive("thread.json"), "2024-05-01")   # the archive as of then vs now
    render(d)    # a rich renderable: every piece of user text a Text, never markup
    d.to_dict()  # for --json

Comments are matched by id. A comment is *added* when the new side has it on the page and the
old side does not (a comment that came back after being gone upstream is *restored*), *edited*
when its text differs (with a word-level diff), *deleted* when the new side has turned it into a
"removed" stub, and *removed* when the new side no longer has it on the page (it is kept in the
archive with `removed_upstream_at`, or, for two plain fetches, missing from the new file).

`diff_since` rebuilds the archive as it was after the last snapshot at or before the date, from
`first_seen`, `removed_upstream_at` and `history` (whose `seen_at` is the last fetch that saw
each earlier version), and compares that with the archive now.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from threadkeep.errors import InputError
from threadkeep.model import Comment, Thread
from threadkeep.tree import walk

__all__ = ["ThreadDiff", "diff_since", "diff_threads", "parse_when", "render", "word_diff"]

KINDS = ("added", "edited", "deleted", "removed", "restored")


@dataclass
class Entry:
    id: str
    number: str
    author: str | None
    published: str | None
    text: str
    old_text: str | None = None  # edited, deleted
    words: list[tuple[str, str]] | None = None  # edited: ("=", "+", "-", text) pieces

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "author": self.author,
            "published": self.published,
            "text": self.text,
        }
        if self.old_text is not None:
            d["old_text"] = self.old_text
        if self.words is not None:
            d["diff"] = [list(w) for w in self.words]
        return d


@dataclass
class ThreadDiff:
    old_label: str
    new_label: str
    added: list[Entry] = field(default_factory=list)
    edited: list[Entry] = field(default_factory=list)
    deleted: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    restored: list[Entry] = field(default_factory=list)
    since: str | None = None

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in KINDS}

    def __bool__(self) -> bool:
        return any(self.counts().values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "since": self.since,
            "counts": self.counts(),
            **{k: [e.to_dict() for e in getattr(self, k)] for k in KINDS},
        }


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The texts as ("=", same) / ("-", only in old) / ("+", only in new) pieces, word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def _entry(c: Comment, old_text: str | None = None, *, words: bool = False) -> Entry:
    return Entry(
        id=c.id,
        number=c.number,
        author=c.author.name,
        published=c.published,
        text=c.text,
        old_text=old_text,
        words=word_diff(old_text or "", c.text) if words else None,
    )


def diff_threads(old: Thread, new: Thread, *, old_label: str = "old", new_label: str = "new") -> ThreadDiff:
    """The comments added, edited, deleted, removed and restored from `old` to `new`."""
    d = ThreadDiff(old_label, new_label)
    before = {c.id: c for c in walk(old.comments)}
    after: set[str] = set()
    for c in walk(new.comments):
        after.add(c.id)
        o = before.get(c.id)
        was_there = o is not None and o.removed_upstream_at is None
        if c.removed_upstream_at is not None:
            if was_there:
                d.removed.append(_entry(c))
            continue
        if o is None:
            d.added.append(_entry(c))
        elif not was_there:
            d.restored.append(_entry(c))
        elif c.deleted and not o.deleted:
            d.deleted.append(_entry(c, o.text))
        elif c.text != o.text:
            d.edited.append(_entry(c, o.text, words=True))
    for o in walk(old.comments):
        if o.id not in after and o.removed_upstream_at is None:
            d.removed.append(_entry(o))
    return d


def parse_when(value: str) -> datetime:
    """A date or date-time (ISO 8601; a bare date is midnight UTC, no offset means UTC)."""
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{value!r}: not a date (use ISO 8601: 2024-05-01 or 2024-05-01T06:00:00Z)") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_when(value)
    except InputError:
        return None


def thread_as_of(thread: Thread, when: datetime) -> tuple[Thread, str | None]:
    """The archive as it stood after its last snapshot at or before `when` (and that snapshot's time)."""
    times = [t for t in (_time(s.fetched_at) for s in thread.snapshots) if t is not None and t <= when]
    past = copy.deepcopy(thread)
    if not times:
        past.comments = []
        return past, None
    at = max(times)

    def keep(c: Comment) -> bool:
        seen = _time(c.first_seen)
        return seen is None or seen <= at

    stack = [past.comments]
    while stack:
        siblings = stack.pop()
        siblings[:] = [c for c in siblings if keep(c)]
        for c in siblings:
            version = next((h for h in c.history if (_time(h.seen_at) or at) >= at), None)
            if version is not None:
                c.text, c.html, c.deleted = version.text, version.html, False
            gone = _time(c.removed_upstream_at)
            if gone is not None and gone > at:
                c.removed_upstream_at = None
            stack.append(c.replies)
    return past, at.isoformat().replace("+00:00", "Z")


def diff_since(thread: Thread, since: str, *, label: str = "archive") -> ThreadDiff:
    """What changed in an archive after `since` (see thread_as_of)."""
    past, at = thread_as_of(thread, parse_when(since))
    d = diff_threads(past, thread, old_label=f"{label} as of {at or 'before its first snapshot'}", new_label=label)
    d.since = since
    return d


# ------------------------------------------------------------------------------- the rich view

_TITLES = {
    "added": ("Added", "green", "+"),
    "edited": ("Edited", "yellow", "~"),
    "deleted": ("Deleted (replaced by a stub)", "red", "x"),
    "removed": ("Removed upstream", "red", "-"),
    "restored": ("Restored", "cyan", "+"),
}


def summary(d: ThreadDiff) -> str:
    counts = d.counts()
    parts = [f"{n} {k}" for k, n in counts.items() if n]
    return ", ".join(parts) if parts else "no changes"


SHOWN_CHARS = 300  # of an added, removed or deleted comment in the view (--json has all)
CONTEXT_CHARS = 60  # of unchanged text kept on each side of an edit in the view


def _clip(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _context(piece: str, first: bool, last: bool) -> str:
    """Unchanged text between edits, shortened to its ends."""
    n = CONTEXT_CHARS
    if len(piece) <= 2 * n + 5:
        return piece
    if first:
        return "… " + piece[-n:].lstrip()
    if last:
        return piece[:n].rstrip() + " …"
    return piece[:n].rstrip() + " … " + piece[-n:].lstrip()


class _Indented:
    """Text wrapped to the width left after an indent, each line indented (continuation lines by
    `hanging` more), no trailing spaces: nothing wraps back to column 0 on a narrow terminal."""

    def __init__(self, text, indent: int = 4, hanging: int = 0) -> None:
        self.text, self.indent, self.hanging = text, indent, hanging

    def __rich_console__(self, console, options):
        from rich.text import Text

        first, rest = self.indent, self.indent + self.hanging
        lines = self.text.wrap(console, max(10, options.max_width - rest))
        for i, line in enumerate(lines):
            line.rstrip()
            yield Text(" " * (first if i == 0 else rest)) + line


def _shorten(label: str, room: int) -> str:
    """A label (a path or URL) cut in its middle to `room` characters: both ends stay readable."""
    if len(label) <= room:
        return label
    keep = max(room - 1, 2)
    tail = (keep + 1) // 2
    return label[: keep - tail] + "…" + label[len(label) - tail :]


class _Head:
    """`OLD → NEW: counts`. On a narrow terminal the labels (paths or URLs) give way first, cut in
    the middle, so that the counts stay on the line; past that the line wraps, indented."""

    def __init__(self, old: str, new: str, counts: str) -> None:
        self.old, self.new, self.counts = old, new, counts

    def __rich_console__(self, console, options):
        from rich.text import Text

        fixed = len(" → : ") + len(self.counts)
        room = options.max_width - fixed - 2  # the wrap below keeps room for a hanging indent
        old, new = self.old, self.new
        if len(old) + len(new) > room:
            each = max(6, room // 2)
            old, new = _shorten(old, max(each, room - len(new))), _shorten(new, each)
            if len(old) + len(new) > room:
                old = _shorten(old, max(6, room - len(new)))
        head = Text()
        head.append(old, style="bold")
        head.append(" → ")
        head.append(new, style="bold")
        head.append(f": {self.counts}")
        yield _Indented(head, indent=0, hanging=2)


def render(d: ThreadDiff, *, markers: bool = True):
    """A rich renderable of the diff. All user text is made terminal-safe and put in Text objects.

    The word diff is bracketed as `git diff --word-diff=plain` does ([-old-]{+new+}), in colour on
    a terminal too, so that copied text still shows what changed (markers=False: colour only)."""
    from rich.console import Group
    from rich.text import Text

    from threadkeep.html.textsafe import terminal_safe

    out: list[Any] = [_Head(terminal_safe(d.old_label), terminal_safe(d.new_label), summary(d))]
    for kind in KINDS:
        entries = getattr(d, kind)
        if not entries:
            continue
        title, colour, mark = _TITLES[kind]
        out.append(Text(""))
        out.append(Text(f"{title} ({len(entries)})", style=f"bold {colour}"))
        for e in entries:
            line = Text("  ")
            line.append(f"{mark} {terminal_safe(e.number) or '?'}", style=colour)
            line.append("  ")
            line.append(terminal_safe(e.author or "(no name)"), style="bold")
            if e.published:
                line.append(f"  {terminal_safe(e.published)}", style="dim")
            line.append(f"  (id {terminal_safe(e.id)})", style="dim")
            out.append(_Indented(line, indent=0, hanging=6))
            body = Text()
            if kind == "edited" and e.words is not None:
                for i, (op, piece) in enumerate(e.words):
                    piece = terminal_safe(piece)
                    if op == "=":
                        body.append(_context(piece, i == 0, i == len(e.words) - 1))
                    elif op == "-":
                        body.append(f"[-{piece}-]" if markers else piece, style="red strike")
                    else:
                        body.append(f"{{+{piece}+}}" if markers else piece, style="green underline")
            elif kind == "deleted":
                body.append(_clip(terminal_safe(e.old_text or "")), style="strike")
                body.append("  →  ")
                body.append(terminal_safe(e.text), style="italic")
            else:
                body.append(_clip(terminal_safe(e.text)))
            out.append(_Indented(body))
    return Group(*out)
