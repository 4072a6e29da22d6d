"""Structured-abstract labels: NLM's label -> category table, the normal names, and label shape.

The table (`labels.tsv`, shipped in this package) lists labels as NLM writes them with the
category NLM assigns (BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS, UNASSIGNED) and
whether the label names the whole of that part. Only such labels are renamed to the part's
name; every other label is kept as the page writes it (see docs/abstract.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "CATEGORY_NAMES",
    "Label",
    "is_not_section",
    "label_key",
    "looks_like_label",
    "lookup",
    "normal_label",
    "table",
]

CATEGORY_NAMES = {
    "BACKGROUND": "Background",
    "OBJECTIVE": "Objective",
    "METHODS": "Methods",
    "RESULTS": "Results",
    "CONCLUSIONS": "Conclusions",
}
QUALIFYING = re.compile(
    r"\b(?:results?|result\(s\)|findings?|conclusions?|conclusion\(s\)|interpretation|discussion)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Label:
    written: str  # as on the page, spaces squashed, without the ':' or '.' after it
    known: bool  # in the table (or a compound of labels in it)
    category: str | None  # NLM's category; None for a label the table does not know
    name: str  # what the archive writes: the part's name for a whole-part label, else `written`

    @property
    def qualifies(self) -> bool:
        """Whether this is a Results or Conclusions label (PubMed's rule needs one): one that names
        results or conclusions (Results, Findings, Conclusion(s), Interpretation, Main results,
        Discussion and Conclusion, ...), whatever else NLM files under those categories."""
        return bool(QUALIFYING.search(self.written))


def label_key(written: str) -> str:
    """The table's key for a label as written: upper case, single spaces, "'" for "’"."""
    key = " ".join(written.replace("’", "'").replace("\u00a0", " ").split()).strip().rstrip(":：.").strip()
    return key.upper()


@cache
def table() -> dict[str, tuple[str, bool]]:
    """label (upper case) -> (NLM category, names the whole part)."""
    text = resources.files(__package__).joinpath("labels.tsv").read_text(encoding="utf-8")
    rows: dict[str, tuple[str, bool]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("label\t"):
            continue
        parts = line.split("\t")
        rows[parts[0]] = (parts[1], len(parts) > 2 and parts[2].strip() == "yes")
    return rows


_SPLIT = re.compile(r"\s*(?:,\s*(?:AND\s+|&\s*)?|\s+AND\s+|&|/)\s*")


def _variants(key: str):
    yield key
    yield re.sub(r"\s*&\s*", " AND ", key)
    yield re.sub(r"\s*/\s*", "/", key)
    yield re.sub(r",?\s+AND\s+", ", AND ", key)
    yield re.sub(r",\s+AND\s+", " AND ", key)


def lookup(written: str) -> Label:
    """What the table says about a label as written."""
    written = " ".join(written.replace("\u00a0", " ").split()).strip().rstrip(":：").strip()
    if written.endswith(".") and not written.endswith(".."):
        written = written[:-1].rstrip()
    key = label_key(written)
    rows = table()
    for variant in _variants(key):
        if variant in rows:
            category, whole = rows[variant]
            name = CATEGORY_NAMES[category] if whole and category in CATEGORY_NAMES else written
            return Label(written, True, category, name)
    # A compound of labels the table knows ("Background and Context", "Aims and Objectives"):
    # one name when every part names the whole of the same part, else kept as written.
    parts = [p for p in _SPLIT.split(key) if p]
    if len(parts) > 1 and all(p in rows for p in parts):
        cats = {rows[p][0] for p in parts}
        category = "RESULTS" if "RESULTS" in cats else ("CONCLUSIONS" if "CONCLUSIONS" in cats else min(cats))
        whole = len(cats) == 1 and all(rows[p][1] for p in parts)
        name = CATEGORY_NAMES.get(category, written) if whole else written
        return Label(written, True, category, name)
    return Label(written, False, None, written)


def normal_label(written: str) -> str:
    """The name the archive gives a label ("METHODS" -> "Methods", "Design" -> "Design")."""
    return lookup(written).name


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What opens a line like a label but is not a section of an abstract: the end of it.
_NOT_SECTION_WORDS = _words(
    """abstract pmid pmcid doi pii epub copyright keywords source sources reference references ref refs
    citation cite from via link links note notes update edit disclaimer ps comment comments reply posted
    share paper article study journal author authors title advertisement takeaway takeaways tldr url
    website email e-mail"""
)
_NOT_SECTION_PHRASES = frozenset(
    {"key words", "read more", "see also", "editor's note", "hat tip", "h/t", "full text", "free full text",
     "my take", "bottom line", "tl;dr", "in short", "in brief", "p.s", "n.b", "more"}
)  # fmt: skip
_FUNCTION_START = _words(
    """a an the this that these those it its i we you he she they my our your his her their here there
    and but or so if in on at to for of by as what why how when where who which note"""
)
_FUNCTION_END = _words("a an the of and or to in on at for by with from as its")
_WORD = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][\w'’()\-]*$|^\d{1,2}$|^\(\w+\)$")


def is_not_section(written: str) -> bool:
    """Whether a label-like lead ("PMID:", "Copyright:", "Read more:") marks something that is not a section."""
    key = " ".join(written.casefold().replace("’", "'").split()).rstrip(":.").strip()
    return key in _NOT_SECTION_WORDS or key in _NOT_SECTION_PHRASES


def looks_like_label(written: str) -> bool:
    """Whether a line-leading phrase reads like a label: short, capitalised, not a sentence."""
    text = " ".join(written.replace("\u00a0", " ").split()).strip().rstrip(":：").strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    if not text or len(text) > 60 or not text[0].isupper() or is_not_section(text):
        return False
    if re.search(r"[.;!?\"“”]|https?:|www\.|@", text):
        return False
    words = [w for w in re.split(r"\s+|\s*[,/&]\s*", text) if w]
    if not 1 <= len(words) <= 6 or not all(_WORD.match(w) for w in words):
        return False
    lowered = [w.casefold() for w in words]
    if lowered[0] in _FUNCTION_START or lowered[-1] in _FUNCTION_END:
        return False
    return len(words) > 1 or len(text) >= 3
