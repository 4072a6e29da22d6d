"""Reading sections out of runs of text: a run's leading label (or heading) and the labels that
start new sections inside it, as the abstract finder (find.py) classifies each run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from threadkeep.abstract.citation import looks_like_citation
from threadkeep.abstract.labels import Label, is_not_section, looks_like_label, lookup
from threadkeep.abstract.runs import Run

# ------------------------------------------------------------------------------ labels in runs

EMPTY, PLAIN, LABELLED, HEADING, ABSTRACT_HEAD = range(5)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ABSTRACT_HEADING = re.compile(r"abstract\s*[:.]?", re.IGNORECASE)
_ABSTRACT_PREFIX = re.compile(r"^abstract\s*[:.\-–—]?\s+(?=\S)", re.IGNORECASE)
_PLAIN_LEAD = re.compile(r"^(?P<label>[A-Z][^:：\n]{0,59}?)[ \t]*[:：][ \t]*")
_MID = re.compile(r"(?:(?<=[.!?)\]])[ \t]+|(?<=\n))(?P<label>[A-Z][^:：\n.!?]{0,59}?)[ \t]*[:：][ \t]*")
_ENDER = re.compile(
    r"^(?:copyright\b|©|\(c\)\s*\d|pmid\s*:|pmcid\s*:|doi\s*:|\[pubmed|advertisement$|sponsored$|read more|"
    r"keywords?\s*:|key\s*words\s*:|full text|see also)",
    re.IGNORECASE,
)


@dataclass
class _Section:
    label: Label
    text: str
    markup: str  # "b" (bold/italic lead), "plain", "b-head", "plain-head", "h3", ...

    @property
    def upper(self) -> bool:
        return self.label.written.isupper()


@dataclass
class _Kind:
    kind: int
    sections: list[_Section] = field(default_factory=list)
    pre: str | None = None  # text before the first label in a labelled run (a citation or "Abstract")


def _label(candidate: str) -> Label | None:
    """The label a line-leading phrase is, or None when it does not read like one."""
    candidate = candidate.strip()
    if not candidate or is_not_section(candidate):
        return None
    found = lookup(candidate)
    if found.known and candidate[:1].isupper():
        return found
    return found if looks_like_label(candidate) else None


def _mid_splits(text: str, first: _Section, emphasis: list[str]) -> list[tuple[int, int, Label]]:
    """Where further sections start inside a labelled run's text: (label start, text start, label)."""
    bold = {e.rstrip(":：.").strip() for e in emphasis if e}
    upper = first.upper
    found = []
    for m in _MID.finditer(text):
        written = m.group("label").strip()
        at_line_start = m.start() == 0 or text[m.start() - 1] == "\n"
        label = _label(written)
        if label is None:
            continue
        ok = (
            written in bold
            or at_line_start
            or (written.isupper() and len(written) >= 4 and (upper or label.known))
            or (label.known and not upper)
        )
        if ok:
            found.append((m.start(), m.end(), label))
    for e in bold:  # a bold "Label." inside a paragraph
        if not e or (not looks_like_label(e) and not lookup(e).known):
            continue
        for m in re.finditer(rf"(?<=[.!?)\]])[ \t]+{re.escape(e)}[ \t]*[.:：][ \t]*", text):
            if not any(s <= m.start() + 1 < t for s, t, _ in found):
                found.append((m.start(), m.end(), lookup(e)))
    return sorted(found, key=lambda f: f[0])


def _split(label: Label, rest: str, markup: str, emphasis: list[str]) -> list[_Section]:
    first = _Section(label, "", markup)
    splits = _mid_splits(rest, first, emphasis)
    sections = [first]
    pos = 0
    for start, end, lab in splits:
        sections[-1].text = rest[pos:start].strip()
        sections.append(_Section(lab, "", markup))
        pos = end
    sections[-1].text = rest[pos:].strip()
    return sections


def _lead(run: Run) -> tuple[Label, str, str] | None:
    """The label a run opens with, the text after it, and how it is marked."""
    text = _ABSTRACT_PREFIX.sub("", run.text)
    lead = run.lead_text
    if lead and text.startswith(lead):
        after = text[len(lead) :]
        stripped = lead.rstrip()
        if stripped[-1:] in ":：." and _label(stripped[:-1]):
            return _label(stripped[:-1]), after.strip(), "b"
        if after[:1] in (":", "：") or re.match(r"^\s*[:：.]\s", after) or re.match(r"^\s*[:：]", after):
            label = _label(stripped)
            if label:
                return label, re.sub(r"^\s*[:：.]\s*", "", after).strip(), "b"
        if after.strip() and (label := lookup(stripped)).known and stripped[:1].isupper():
            return label, after.strip(), "b"
    m = _PLAIN_LEAD.match(text)
    if m and (label := _label(m.group("label"))):
        return label, text[m.end() :], "plain"
    return None


def _heading(run: Run) -> tuple[Label, str] | None:
    text = _ABSTRACT_PREFIX.sub("", run.text)
    if "\n" in text or len(text) > 70:
        return None
    candidate = re.sub(r"[ \t]*[:：.]$", "", text).strip()
    label = _label(candidate)
    if label is None:
        return None
    if run.parent.tag in _HEADING_TAGS:
        return label, run.parent.tag
    if run.lead_text and run.lead_text == run.text:
        return label, "b-head"
    if label.known or candidate.isupper():
        return label, "plain-head"
    return None


def _classify(run: Run) -> _Kind:
    text = run.text
    if not text:
        return _Kind(EMPTY)
    if ABSTRACT_HEADING.fullmatch(text):
        return _Kind(ABSTRACT_HEAD)
    head = _heading(run)
    if head is not None:
        return _Kind(HEADING, [_Section(head[0], "", head[1])])
    lead = _lead(run)
    if lead is not None:
        label, rest, markup = lead
        return _Kind(LABELLED, _split(label, rest, markup, run.emphasis))
    if "\n" in text:  # "citation\nBACKGROUND: ...": a labelled run with a citation line before it
        lines = text.split("\n")
        for i in range(1, min(len(lines), 8)):
            m = _PLAIN_LEAD.match(lines[i])
            if m and (label := _label(m.group("label"))) and label.known:
                pre = "\n".join(lines[:i])
                if ABSTRACT_HEADING.fullmatch(pre) or looks_like_citation(pre):
                    rest = "\n".join(lines[i:])[m.end() :]
                    return _Kind(LABELLED, _split(label, rest, "plain", run.emphasis), pre=pre)
                break
    return _Kind(PLAIN)
