"""Per-comment scoring of an extraction against a gold file (../shared/corpus2/README.md).

A gold file lists every comment a page shows, in display order: `parent` (index into the list,
or null), `author`, `date_text`, `iso`, `text_start`, `text_end`, `deleted`. `score_page`
matches the extracted comments to the gold ones and checks each field:

- found: an extracted comment whose text starts like the gold `text_start` (whitespace and
  case ignored). "Starts like" allows what a wrong extraction keeps in front of the text (an
  author line, a date: the text check below catches those) up to `LEAD_SLACK` characters, and
  a close fuzzy match of the opening (`FUZZY_RATIO`) when no exact one exists. Gold comments
  are matched in document order, one extracted comment each (pages repeat texts).
- parent: the extracted parent is the comment matched to the gold parent (or both are top level);
- author: equal ignoring case and whitespace (a null gold author wants no name);
- date: only where the gold has an `iso`: the same minute, or the same day for a date-only gold;
  with an offset on both sides the instants are compared, else the wall clock as written;
- text: `text_start` and `text_end` both occur in the extracted text, and its first line holds
  neither the author nor the `date_text` (unless the gold text itself starts with them);
- invented: extracted comments matched to no gold comment;
- all-exact: every gold comment found with every check right, and nothing invented.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

LEAD_SLACK = 160  # characters allowed in front of text_start (author line, date) for "found"
FUZZY_RATIO = 0.85
FIELDS = ("found", "parents", "authors", "dates", "texts")


def squash(text: str | None) -> str:
    """Text for comparison: NFKC, case-folded, without any whitespace."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(text.split())


@dataclass
class PageScore:
    file: str
    gold: int = 0
    extracted: int = 0
    found: int = 0
    invented: int = 0
    parents: int = 0
    authors: int = 0
    dated: int = 0  # gold comments with an iso
    dates: int = 0
    texts: int = 0
    exact: bool = False
    error: str | None = None
    misses: list[str] = field(default_factory=list)  # a few lines saying what was wrong

    def add(self, other: PageScore) -> None:
        for name in ("gold", "extracted", "found", "invented", "parents", "authors", "dated", "dates", "texts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def flatten_extracted(comments) -> list[tuple[object, int | None]]:
    """(comment, index of its parent in this list or None) in document order."""
    out: list[tuple[object, int | None]] = []
    stack = [(c, None) for c in reversed(comments)]
    while stack:
        c, parent = stack.pop()
        index = len(out)
        out.append((c, parent))
        stack.extend((r, index) for r in reversed(c.replies))
    return out


def _starts_like(start: str, text: str) -> bool:
    if not start:
        return not text
    pos = text.find(start, 0, LEAD_SLACK + len(start))
    return pos >= 0


def _fuzzy_like(start: str, text: str) -> bool:
    if not start or not text:
        return False
    head = text[: len(start) + LEAD_SLACK]
    m = SequenceMatcher(None, start, head, autojunk=False)
    block = sum(b.size for b in m.get_matching_blocks())
    return block >= FUZZY_RATIO * len(start)


def match(gold: list[dict], extracted: list[str]) -> list[int | None]:
    """For each gold comment, the index of its extracted comment (None when not found)."""
    starts = [squash(g.get("text_start")) for g in gold]
    used: set[int] = set()
    result: list[int | None] = [None] * len(gold)
    for predicate in (_starts_like, _fuzzy_like):
        last = -1
        for gi, start in enumerate(starts):
            if result[gi] is not None:
                last = result[gi]
                continue
            hits = [ei for ei, text in enumerate(extracted) if ei not in used and predicate(start, text)]
            if not hits:
                continue
            after = [ei for ei in hits if ei > last]
            pick = after[0] if after else hits[0]
            result[gi] = pick
            used.add(pick)
            last = pick
    return result


def _read_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def same_date(gold_iso: str, published: str | None) -> bool:
    """Whether an extracted date is the gold's minute (or day, for a date-only gold)."""
    got = _read_iso(published)
    if got is None:
        return False
    if len(gold_iso) == 10:
        return got.date().isoformat() == gold_iso
    want = _read_iso(gold_iso)
    if want is None:
        return False
    if want.tzinfo is not None and got.tzinfo is not None:
        return abs((want - got).total_seconds()) < 60
    return want.replace(tzinfo=None, second=0, microsecond=0) == got.replace(tzinfo=None, second=0, microsecond=0)


def _in_first_line(needle: str | None, text: str, gold_start: str) -> bool:
    """Whether a gold author or date_text shows in the extracted text's first line."""
    needle = " ".join((needle or "").split()).casefold()
    if len(needle) < 2:
        return False
    first = " ".join(text.strip().split("\n", 1)[0].split()).casefold()
    if not re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", first):
        return False
    return squash(needle) not in squash(gold_start)[: len(squash(needle)) + 40]


def text_right(g: dict, text: str) -> bool:
    body = squash(text)
    if squash(g.get("text_start")) not in body or squash(g.get("text_end")) not in body:
        return False
    start = g.get("text_start") or ""
    return not (_in_first_line(g.get("author"), text, start) or _in_first_line(g.get("date_text"), text, start))


def score_page(name: str, gold: dict, comments) -> PageScore:
    """Score one page's extracted comment tree against its gold."""
    golds = gold.get("comments") or []
    flat = flatten_extracted(comments)
    texts = [squash(c.text) for c, _ in flat]
    matched = match(golds, texts)
    back = {ei: gi for gi, ei in enumerate(matched) if ei is not None}
    s = PageScore(name, gold=len(golds), extracted=len(flat))
    for gi, g in enumerate(golds):
        ei = matched[gi]
        if ei is None:
            s.misses.append(f"missing #{gi} {g.get('author')!r}: {g.get('text_start', '')[:40]!r}")
            if g.get("iso"):
                s.dated += 1
            continue
        c, parent = flat[ei]
        s.found += 1
        gold_parent = g.get("parent")
        ok_parent = (gold_parent is None and parent is None) or (
            gold_parent is not None and parent is not None and back.get(parent) == gold_parent
        )
        s.parents += ok_parent
        want = " ".join((g.get("author") or "").split()).casefold()
        got = " ".join((c.author.name or "").split()).casefold()
        ok_author = want == got
        s.authors += ok_author
        ok_date = True
        if g.get("iso"):
            s.dated += 1
            ok_date = same_date(g["iso"], c.published)
            s.dates += ok_date
        ok_text = text_right(g, c.text)
        s.texts += ok_text
        wrong = [
            n
            for n, ok in (("parent", ok_parent), ("author", ok_author), ("date", ok_date), ("text", ok_text))
            if not ok
        ]
        if wrong:
            detail = {
                "author": f"author {c.author.name!r} (gold {g.get('author')!r})",
                "date": f"date {c.published!r} (gold {g.get('iso')!r})",
                "text": f"text {c.text[:60]!r}",
                "parent": "parent",
            }
            s.misses.append(f"#{gi}: " + "; ".join(detail[w] for w in wrong))
    s.invented = len(flat) - len(back)
    for ei, (c, _) in enumerate(flat):
        if ei not in back:
            s.misses.append(f"invented {c.author.name!r}: {c.text[:50]!r}")
    s.exact = (
        s.invented == 0
        and all(getattr(s, f) == s.gold for f in ("found", "parents", "authors", "texts"))
        and s.dates == s.dated
    )
    return s


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def field_percents(total: PageScore) -> dict[str, float]:
    """The totals as percentages: of gold comments (found, parents, authors, texts), of dated
    gold comments (dates), of extracted comments (invented)."""
    return {
        "found": percent(total.found, total.gold),
        "invented": percent(total.invented, total.extracted) if total.extracted else 0.0,
        "parents": percent(total.parents, total.gold),
        "authors": percent(total.authors, total.gold),
        "dates": percent(total.dates, total.dated),
        "texts": percent(total.texts, total.gold),
    }
