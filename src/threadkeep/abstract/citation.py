"""The reference line a blogger quotes with an abstract: recognised, and read into its parts.

Shapes read (identifiers and links are taken out first; they go to `identifiers`):

- PubMed / AMA / Vancouver: `Authors. Title. Journal. Date;Vol(Issue):Pages.` (the journal may be
  an ISO abbreviation with periods, "Int. J. Infect. Dis.", or run into the date, "Epidemiol Prev 2015;39").
- PubMed's "Epub" line: `X et al. Title. Journal. Date. pii: ... doi: ...`.
- Title first: `Title. Authors. Journal. Date;...` (the title often a link or in italics).
- Journal first (PubMed's summary): `Journal. Date;Vol:Pages. doi. Title. Authors.`
- APA: `Authors (Year). Title. Journal, Vol(Issue), Pages.`
- A linked title with the journal in parentheses: `Title (Journal, Year)`.

A leading label ("Epub:", "Source:", "From:", "Reference:") and wrapping parentheses or a dash
are not part of the citation. Parts that cannot be read stay None; the text is always kept.
"""

from __future__ import annotations

import re

from threadkeep.abstract.identifiers import strip_identifiers
from threadkeep.model import Citation

__all__ = ["looks_like_citation", "parse_citation", "plausible_authors", "strip_citation_label"]

_CITATION_LABEL = re.compile(
    r"^(?:e-?pub(?:lished)?(?:\s+ahead\s+of\s+print)?|source|sources|ref(?:erence)?s?|citation|cite|from|paper|"
    r"study|article|publication|original\s+(?:paper|article)|full\s+(?:text|paper)|abstract\s+source|link|via|"
    r"in\s+press|the\s+(?:paper|study|article))"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ET_AL = re.compile(r"\bet\s+al\b\.?", re.IGNORECASE)
_MONTH = r"[A-Z][a-z]{2,8}"
_DATE = re.compile(
    rf"(?:(?<=[.?!]\s)|(?<=^)|(?<=\s)(?=\d{{4}}[^;]{{0,20}};))"
    rf"(?P<date>(?:19|20)\d{{2}}(?:\s+{_MONTH}(?:\s*[-–]\s*{_MONTH})?(?:\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?)?)?)"
    r"(?=\s*(?:[;:.,(]|$))"
)
# What follows the date: ";Vol(Issue):Pages." and/or ". Epub Date." up to the end of that sentence.
_AFTER_DATE = re.compile(r".*?(?:\.(?=\s|$)|$)")
_VOLUME = re.compile(r"(?:19|20)\d{2}[^;]{0,20};\s*\d+\s*(?:\(\s*[\w-]+\s*\))?\s*:\s*\w*\d+")
_PAREN_JOURNAL = re.compile(
    r"^(?P<title>.{10,}?)\s*\((?P<journal>[^()]{2,80}?),\s*(?P<date>(?:19|20)\d{2}[^()]{0,20})\)\s*\.?$"
)
_APA = re.compile(r"^(?P<authors>.{2,600}?)\s*\((?P<date>(?:19|20)\d{2}[a-z]?(?:,\s*[^)]{1,20})?)\)\.\s*(?P<rest>.+)$")
_APA_AUTHORS = re.compile(r"^(?:[A-Z][\w'’\- ]{1,40},\s*(?:[A-Z]\.\s?-?)+,?\s*(?:&\s*|and\s+)?)+(?:et\s+al\.?)?$")
_SEGMENT_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9\"“‘'(\[])")
_AUTHORS_END = re.compile(r"\.\s+(?![A-Z]\.)(?=[A-Z0-9\"“‘'(\[])")
_EPUB = re.compile(r"\s*\bEpub\s+(?:ahead\s+of\s+print\s*)?(?:(?:19|20)\d{2}[^.]*)?\.?", re.IGNORECASE)
_NAME = re.compile(
    r"^(?:(?:[A-Z][\w'’\-]*|van|von|de|der|den|da|di|du|la|le|lo|del|dos|das|bin|al|el)\s+){0,3}"
    r"[A-Z][\w'’\-]*\s+(?:[A-Z]{1,3}|(?:[A-Z]\.\s*){1,3}|[A-Z][a-z]?\.?(?:-[A-Z]\.?)?)$"
)
_COLLECTIVE = re.compile(
    r"\b(?:group|investigators|consortium|collaborat\w*|committee|network|society|study|trial|gruppo|"
    r"registr\w*|association|team|working|council|members)\b",
    re.IGNORECASE,
)
_GROUP = re.compile(
    r"\b(?:group|investigators|consortium|collaboration|collaborators|committee|network|society|council)$",
    re.IGNORECASE,
)


def strip_citation_label(text: str) -> tuple[str, bool]:
    """The text without a leading "Epub:"-like label, dash or wrapping parentheses; whether one was there."""
    text = text.strip()
    labelled = False
    m = re.match(r"^[—–\-]+\s*", text)
    if m:
        text, labelled = text[m.end() :], True
    if (text.startswith("(") and text.endswith(")")) or (text.startswith("(") and text.endswith(").")):
        inner = text[1:].rstrip(".")[:-1]
        if inner.count("(") == inner.count(")"):
            text, labelled = inner.strip(), True
    m = _CITATION_LABEL.match(text)
    if m:
        text, labelled = text[m.end() :], True
    return text, labelled


def plausible_authors(segment: str, *, strict: bool = False) -> bool:
    """Whether a segment reads like an author list ("Smith AB, Doe C", "Smith J et al", a collective name)."""
    segment = segment.strip().rstrip(".").strip()
    if not segment or len(segment) > 1500:
        return False
    if re.fullmatch(r"[^,;.]{1,60}?\bet\s+al", segment, re.IGNORECASE):
        return True
    names = [p.strip() for p in re.split(r"[,;]", segment) if p.strip()]
    names = [n for n in names if not _ET_AL.fullmatch(n) and n.casefold() not in ("et al", "et al.")]
    names = [re.sub(r"\s+et\s+al\.?$", "", n, flags=re.IGNORECASE) for n in names]
    if not names:
        return False
    if not strict:
        return all(len(p.split()) <= 8 for p in names) and any(_NAME.match(p) for p in names)
    named = [bool(_NAME.match(p)) for p in names]
    if not named[0]:  # a collective author alone: "WHO Study Group", "CARE-MS I Investigators"
        return len(names) == 1 and len(segment.split()) <= 8 and bool(_GROUP.search(segment))
    others = [p for p, ok in zip(names, named, strict=True) if not ok]
    return all(_COLLECTIVE.search(p) and len(p) <= 120 for p in others)


def looks_like_citation(text: str, *, linked: bool = False) -> bool:
    """Whether a short block reads like a reference to a paper (not the blogger's prose).

    `linked`: the block holds a link to the paper (doi.org, PubMed), which counts as an identifier."""
    body, labelled = strip_citation_label(" ".join(text.split()))
    if not 15 <= len(body) <= 1500 or text.count("\n") > 5 or not _YEAR.search(body):
        return False
    if labelled or _VOLUME.search(body) or linked:
        return True
    if re.search(r"\b(?:doi|pii|pmid|pmcid)\s*[:：]", body, re.IGNORECASE) or re.search(r"\b10\.\d{4,9}/", body):
        return True
    if (m := _APA.match(body)) and _APA_AUTHORS.match(m.group("authors").strip()):
        return True
    m = _DATE.search(body)
    head = body[: m.start()] if m else ""
    if not head:
        return False
    segments = _SEGMENT_END.split(head)
    if len(segments) >= 3 and any(plausible_authors(s, strict=True) for s in segments[1:-1]):
        return True  # title first
    et_al = re.match(r"^(.{1,300}?\bet\s+al\.?)\s+\S", head, re.IGNORECASE)
    authors = et_al.group(1) if et_al else _AUTHORS_END.split(head, maxsplit=1)[0]
    return authors != head and plausible_authors(authors)


def _authors(segment: str) -> list[str]:
    segment = segment.strip()
    if not re.search(r"[,;]", segment):
        return [segment.rstrip(".") if not _ET_AL.search(segment) else segment]
    names = [p.strip() for p in re.split(r"[,;]", segment) if p.strip()]
    if names and not _ET_AL.fullmatch(names[-1]):
        names[-1] = names[-1].rstrip(".")
    return names


def _title(text: str) -> str | None:
    """A title as written: without its final period (a title in brackets keeps them)."""
    text = text.strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text or None


def _match_emphasis(text: str, emphasis: list[str]) -> str | None:
    """An emphasised span (link, italics, bold) that opens the text: a title written first."""
    for span in emphasis:
        span = " ".join(span.split()).rstrip(".").strip()
        if len(span) >= 10 and text.startswith(span):
            return span
    return None


def _abbreviation(piece: str) -> bool:
    """One word of an ISO journal abbreviation ("Int.", "J.", "Infect.")."""
    return bool(re.fullmatch(r"[A-Z][A-Za-z]{0,8}\.?", piece.strip()))


def _journal_from(segments: list[str]) -> tuple[str | None, list[str]]:
    """The last segment is the journal; ISO abbreviations with periods span several one-word segments."""
    if not segments:
        return None, segments
    segments = list(segments)
    pieces = [segments.pop()]
    while segments and _abbreviation(pieces[0]) and _abbreviation(segments[-1]):
        pieces.insert(0, segments.pop())
    journal = " ".join(p.strip() for p in pieces)
    if len(pieces) == 1 or not journal.endswith("."):
        journal = journal.rstrip(".").strip()
    return journal or None, segments


def parse_citation(text: str, emphasis: list[str] | tuple = ()) -> Citation:
    """A Citation from a reference line (leading label and identifiers taken out of its text).

    `emphasis`: the texts of the line's links, italics and bold, which mark a title written first."""
    raw, _ = strip_citation_label(" ".join(text.split()))
    clean = strip_identifiers(raw)
    clean = re.sub(r"\s+\.(?=\s|$)", ".", clean).strip()
    citation = Citation(text=clean)
    work = _EPUB.sub(" ", clean).strip() if not re.match(r"^\s*Epub\b", clean) else clean
    work = " ".join(work.split())
    emphasis = [e for e in emphasis if e and e.strip()]

    m = _PAREN_JOURNAL.match(work)
    if m and not _DATE.search(m.group("title")):
        citation.title = _title(m.group("title"))
        citation.journal = m.group("journal").strip()
        citation.date = m.group("date").strip()
        return citation

    m = _APA.match(work)
    if m and _APA_AUTHORS.match(m.group("authors").strip()):
        names = re.split(r"(?<=\.),\s*(?:&\s*|and\s+)?|\s+&\s+", m.group("authors").strip())
        citation.authors = [a.strip().rstrip(",") for a in names if a.strip()]
        citation.date = m.group("date")
        rest = m.group("rest")
        journal = None
        for span in emphasis:
            span = " ".join(span.split())
            j = re.sub(r",\s*\d.*$", "", span).strip()
            pos = rest.find(j) if j else -1
            if pos > 0:
                journal, title = j, rest[:pos]
                break
        if journal is None:
            jm = re.match(r"^(?P<title>.+?[.?!])\s+(?P<journal>[^.]+?),\s*\d+", rest)
            if jm:
                journal, title = jm.group("journal"), jm.group("title")
            else:
                title = rest
        citation.journal = journal
        citation.title = _title(title)
        return citation

    m = _DATE.search(work)
    if m is None:
        year = _YEAR.search(work)
        citation.date = year.group() if year else None
        return citation
    citation.date = m.group("date").strip()
    head = work[: m.start()].strip()
    after = work[m.end() :]
    tail = after[_AFTER_DATE.match(after).end() :].strip() if after else ""

    if not head:
        return citation
    first_title = _match_emphasis(head, emphasis)
    segments = _SEGMENT_END.split(head)
    journal, segments = _journal_from(segments)
    citation.journal = journal
    if not segments:  # journal first: the title and authors come after the date
        parts = [s for s in _SEGMENT_END.split(tail) if s.strip()] if tail else []
        for i, part in enumerate(parts):
            if plausible_authors(part, strict=True):
                citation.authors = _authors(part.rstrip("."))
                citation.title = _title(" ".join(parts[:i])) if i else None
                break
        else:
            citation.title = _title(" ".join(parts)) if parts else None
        return citation
    rest = " ".join(segments)
    if first_title and not plausible_authors(first_title, strict=True):
        after_title = rest[len(first_title) :].lstrip(".").strip()
        citation.title = _title(first_title)
        if after_title and plausible_authors(after_title):
            citation.authors = _authors(after_title)
        return citation
    et_al = re.match(r"^(.{1,300}?\bet\s+al\.?)(?:\s+|$)", rest, re.IGNORECASE)
    if et_al and plausible_authors(et_al.group(1)):
        citation.authors = _authors(et_al.group(1))
        citation.title = _title(rest[et_al.end() :])
        return citation
    parts = _AUTHORS_END.split(rest, maxsplit=1)
    if len(parts) == 2 and plausible_authors(parts[0], strict=True):
        citation.authors = _authors(parts[0])
        citation.title = _title(parts[1])
        return citation
    for i in range(1, len(segments)):  # title first: "Title. Authors. Journal. Date"
        if plausible_authors(segments[i], strict=True):
            citation.title = _title(" ".join(segments[:i]))
            citation.authors = _authors(" ".join(segments[i:]))
            return citation
    if len(parts) == 2 and plausible_authors(parts[0]):
        citation.authors = _authors(parts[0])
        citation.title = _title(parts[1])
        return citation
    citation.title = _title(rest)
    return citation
