"""The embedded abstract: a quoted structured abstract in a post body, found without any platform.

`find_abstract(body)` reads an lxml post-body element and returns an `AbstractMatch` (the
`Abstract` and the elements the pipeline drops from the article), or None. It never guesses:
no structured abstract, no `Abstract`.

How the body is read
    The body's content is cut into *runs* in reading order: a run is the inline content
    (text and inline elements) between block boundaries and direct `<br>` children. So a
    `<div>` per paragraph, a `<p>` with `<br>` between labelled lines, and text written
    straight into the body with `<br><br>` are all read the same way. The walk is iterative
    (pages nest 100k levels deep).

What counts as an abstract (PubMed's rule for a structured abstract)
    A run of consecutive labelled sections with at least two distinct labels (after
    normalisation), one of them Results or Conclusions. A label is a known structured-abstract
    heading (below), case-insensitive, followed by ':' at the start of a run or of a line, or
    in a leading `<b>`/`<strong>`/`<u>` of its own, or written as a short block of its own
    with the section's text in the next block(s). Inside a labelled run, further labels are
    recognised after a sentence end or a line break when capitalised ("... in MS. METHODS:
    ..."), so a PubMed abstract pasted as one paragraph splits into its sections. Only empty
    runs may stand between sections, except that a section may go on over up to three
    paragraphs when another labelled section follows them (never over a paragraph that reads
    like a citation). Labelled runs that do not meet the rule (a lone "Results:",
    "Background:" + "Methods:") are ignored. The first run of sections that meets it is the
    abstract.

    A stretch read loosely (labels as blocks of their own, or sections over several
    paragraphs) must also show that it is quoted: a citation next to it, an "Abstract"
    heading, labels all in capitals, or a `<blockquote>` around it. A blogger's own
    "Introduction ... Results ... Conclusion" headings are not an abstract.

Labels
    Known headings map to Background / Objective / Methods / Results / Conclusions where the
    heading names the whole of that part: Introduction, Context, Rationale, Importance ->
    Background; Objective(s), Aim(s), Purpose, Goal(s) -> Objective; Method(s), Methodology,
    Materials and Methods, Patients and Methods, ... -> Methods; Findings, Main results,
    Principal findings -> Results; Conclusion(s), Interpretation, Conclusions and Relevance,
    Authors' conclusions -> Conclusions. A compound heading whose parts all map to one label
    maps to it ("Background and Context"). Headings that name only a part of one
    (Design, Setting, Participants, Patients, Interventions, Main Outcome Measures,
    Measurements, Trial Registration, Funding, Significance, Discussion, "Design, Setting,
    and Participants", "Methods and Findings", ...) are kept exactly as written, so that no two
    sections are merged under one name and none is renamed wrongly.

Citation
    The non-empty run just before the first section (past an "Abstract" heading), or failing
    that the one just after the last, when it reads like a reference: at most 800 characters
    with a year, and a leading "Epub:"/"Source:"/"Ref:"-like label, an identifier, a
    PubMed-style "Date;vol:pages", or "Authors. Title... Date" with author-like names
    ("X et al." or "Name AB, ..."); prose such as "As Smith et al. showed in 2015" is not
    one. Its text is kept without that label and without its
    identifiers (pii:, doi:, PMID:, PMCID:, which go to `identifiers`); it is parsed
    PubMed-style, "Authors. Title. Journal. Date;vol(issue):pages", into authors ("X et al."
    as one entry, else the names split on commas and semicolons, a collective name included),
    title, journal (the last sentence before the date) and the date as written.
    Parts that cannot be read stay None; the text is always kept.

Identifiers (searched in the whole body's text, then in its links' hrefs)
    DOI by Crossref's recommended pattern `10.\\d{4,9}/[-._;()/:A-Z0-9]+`, trailing `.,;:`
    stripped and a trailing `)` only when unbalanced; the citation's and the abstract's DOI
    come first (a `pii:` that is a DOI counts). PMID only after a "PMID" label (or in a
    PubMed URL), PMCID only after a "PMCID" label (or in a PMC URL); NCT and ISRCTN trial ids
    (8 digits), deduplicated in order of first appearance.

Removal
    `elements` holds the citation's and every section's block, and the `<br>` separators
    between them. A run that is not the only content of its block is first wrapped in a
    `<span>` of its own (text and order unchanged), which is what is listed; the tree is
    changed only when an abstract is found. The blogger's commentary is never listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from threadkeep.html.sanitize import BLOCK_TAGS, element_text
from threadkeep.model import Abstract, AbstractSection, Citation, Identifiers

__all__ = ["AbstractMatch", "find_abstract", "find_identifiers", "parse_citation"]


@dataclass
class AbstractMatch:
    abstract: Abstract
    elements: list = field(default_factory=list)  # lxml elements to drop from the article


# ------------------------------------------------------------------------------ labels

BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS = "Background", "Objective", "Methods", "Results", "Conclusions"
QUALIFYING = {RESULTS, CONCLUSIONS}

# A heading (lower case, single spaces, separators as ", " / " and " / "/") -> its normal label.
NORMAL_LABELS = {
    **dict.fromkeys(
        ("background", "backgrounds", "introduction", "context", "rationale", "importance", "background and aims",
         "background and aim", "background and purpose", "background and objective", "background and objectives",
         "background/aims", "background/objectives", "background/purpose"),
        BACKGROUND,
    ),
    **dict.fromkeys(
        ("objective", "objectives", "aim", "aims", "purpose", "goal", "goals", "aims and objectives",
         "aim of the study", "purpose of the study", "study objective", "study objectives"),
        OBJECTIVE,
    ),
    **dict.fromkeys(
        ("methods", "method", "methodology", "materials and methods", "material and methods",
         "methods and materials", "patients and methods", "subjects and methods", "participants and methods",
         "research design and methods", "design and methods", "study design and methods"),
        METHODS,
    ),
    **dict.fromkeys(("results", "result", "findings", "main results", "principal findings"), RESULTS),
    **dict.fromkeys(
        ("conclusions", "conclusion", "interpretation", "conclusions and relevance", "conclusion and relevance",
         "conclusions and implications", "conclusions/significance", "authors' conclusions", "authors’ conclusions",
         "conclusions and clinical relevance"),
        CONCLUSIONS,
    ),
}  # fmt: skip

# The words a heading is made of (a compound heading joins them with ",", "and", "&" or "/").
LABEL_TERMS = (
    "background", "backgrounds", "introduction", "context", "rationale", "importance", "objectives?", "aims?",
    "purpose of review", "purpose of the study", "aim of the study", "purpose", "goals?", "hypothesis",
    "hypotheses", "study objectives?", "methods?", "methodology", "materials?", "patients", "subjects",
    "participants", "population", "study design", "research design", "design", "settings?", "interventions?",
    "exposures?", "main outcomes? measures?", "main outcomes", "outcome measures?", "primary outcomes?",
    "measurements", "measures", "data sources", "study selection", "data extraction", "data synthesis",
    "data collection", "analysis", "evidence acquisition", "evidence synthesis", "search methods",
    "selection criteria", "results?", "main results", "principal findings", "recent findings", "findings",
    "conclusions?", "authors['’] conclusions", "interpretation", "relevance", "implications", "significance",
    "discussion", "limitations", "clinical relevance", "clinical significance", "clinical trial registration",
    "trial registration", "registration", "funding", "case presentation", "case report", "case description",
    "level of evidence",
)  # fmt: skip
_TERM = "(?:" + "|".join(sorted(LABEL_TERMS, key=len, reverse=True)) + r")\b"
_SEP = r"(?:\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*/\s*)"
LABEL = rf"{_TERM}(?:{_SEP}{_TERM})*"
_ABSTRACT_WORD = r"(?:abstract\s*[:.\-–—]?\s+)?"
_COLON = r"[ \t]*[:：]"
# A label that opens a run or a line: "BACKGROUND: ...", "Abstract Background: ...".
LEAD_LABEL = re.compile(rf"{_ABSTRACT_WORD}(?P<label>{LABEL}){_COLON}[ \t]*", re.IGNORECASE)
# A label as a block of its own: "Results", "RESULTS:".
HEADING_LABEL = re.compile(rf"{_ABSTRACT_WORD}(?P<label>{LABEL})[ \t]*[:：]?", re.IGNORECASE)
# A further label inside a labelled run: after a sentence end or at a line start.
MID_LABEL = re.compile(rf"(?:(?<=[.!?)\]])[ \t]+|(?<=\n))(?P<label>{LABEL}){_COLON}[ \t]*", re.IGNORECASE)
ABSTRACT_HEADING = re.compile(r"abstract\s*[:.]?", re.IGNORECASE)
_SPLIT_LABEL = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|&|/)\s*", re.IGNORECASE)


def normal_label(written: str) -> str:
    """The normal name of a heading as written ("METHODS" -> "Methods"), or the heading as written."""
    written = " ".join(written.split()).rstrip(":：").strip()
    key = written.casefold()
    for variant in (key, re.sub(r"\s*&\s*", " and ", key), re.sub(r"\s*/\s*", "/", key)):
        if variant in NORMAL_LABELS:
            return NORMAL_LABELS[variant]
    parts = {NORMAL_LABELS.get(p) for p in _SPLIT_LABEL.split(key) if p}
    if len(parts) == 1 and None not in parts:
        return parts.pop()
    return written


# ------------------------------------------------------------------------------ runs

_SKIP_TEXT = {"script", "style", "noscript", "template"}
_CONTAINERS = BLOCK_TAGS | {"body", "html", "center", "main", "nav", "form", "fieldset", "details", "summary", "text"}
_MEDIA = {"img", "video", "audio", "iframe", "object", "embed", "svg", "picture", "canvas"}
_LEAD_TAGS = {"b", "strong", "u"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")


class _Run:
    """Inline content of one container between two boundaries (block children, direct <br>)."""

    __slots__ = ("has_media", "lead_text", "nodes", "parent", "start_after", "text")

    def __init__(self, parent, start_after) -> None:
        self.parent = parent
        self.start_after = start_after  # the boundary element whose tail opens the run; None: parent.text
        self.nodes: list = []
        self.text = ""
        self.lead_text: str | None = None  # the text of a leading <b>/<strong>/<u>, if the run opens with one
        self.has_media = False


def _tidy(raw: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _inline_text(node, out: list[str]) -> bool:
    """Append the text of an inline element (not its tail); <br> is a newline. True if it holds media."""
    media = False
    stack: list[tuple[object, bool]] = [(node, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            if el is not node and el.tail:
                out.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP_TEXT:
            if el is not node and el.tail:
                out.append(el.tail)
            continue
        if tag in _MEDIA:
            media = True
        if tag == "br":
            out.append("\n")
        if el.text:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return media


def _containers(body) -> set:
    """Elements that hold blocks: block tags, and any element with a block inside (one pass, no recursion)."""
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    found = set()
    for el in reversed(elements):  # descendants before ancestors
        if el.tag in _CONTAINERS or any(child in found for child in el):
            found.add(el)
    found.add(body)
    return found


def _runs(body) -> tuple[list[_Run], dict]:
    """The body's runs in reading order, and for each container its runs and whether it holds containers."""
    containers = _containers(body)
    runs: list[_Run] = []
    info: dict = {}  # container -> [runs, has_container_child]
    stack: list = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, _Run):
            runs.append(item)
            continue
        el = item
        own: list[_Run] = []
        items: list = []
        has_child_container = False
        run = _Run(el, None)
        parts = [el.text or ""]
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if child in containers or tag == "br":
                run.text = _tidy("".join(parts))
                own.append(run)
                items.append(run)
                if child in containers:
                    has_child_container = True
                    items.append(child)
                run = _Run(el, child)
                parts = [child.tail or ""]
                continue
            if tag is not None:
                node_parts: list[str] = []
                run.has_media |= _inline_text(child, node_parts)
                if not run.nodes and tag in _LEAD_TAGS and not "".join(parts).strip():
                    run.lead_text = _tidy("".join(node_parts))
                parts.extend(node_parts)
            run.nodes.append(child)
            if child.tail:
                parts.append(child.tail)
        run.text = _tidy("".join(parts))
        own.append(run)
        items.append(run)
        info[el] = (own, has_child_container)
        stack.extend(reversed(items))
    return runs, info


# ------------------------------------------------------------------------------ classifying runs

EMPTY, PLAIN, LABELLED, HEADING, ABSTRACT_HEAD = range(5)


@dataclass
class _Kind:
    kind: int
    sections: list[tuple[str, str]] = field(default_factory=list)  # (label as written, text)
    pre: str | None = None  # text before the first label in a labelled run (a citation or "Abstract")


def _split_sections(text: str) -> list[tuple[str, str]]:
    """Sections of a text that opens with a label: [(label as written, text)]."""
    first = LEAD_LABEL.match(text)
    if first is None:
        return []
    marks = [(first.start("label"), first.end("label"), first.end())]
    for m in MID_LABEL.finditer(text, first.end()):
        if m.group("label")[0].isupper():
            marks.append((m.start("label"), m.end("label"), m.end()))
    sections = []
    for i, (ls, le, body_start) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        sections.append((text[ls:le], text[body_start:end].strip()))
    return sections


def _classify(run: _Run) -> _Kind:
    text = run.text
    if not text:
        return _Kind(EMPTY)
    if ABSTRACT_HEADING.fullmatch(text):
        return _Kind(ABSTRACT_HEAD)
    if HEADING_LABEL.fullmatch(text):
        return _Kind(HEADING, [(HEADING_LABEL.fullmatch(text).group("label"), "")])
    if LEAD_LABEL.match(text):
        return _Kind(LABELLED, _split_sections(text))
    if run.lead_text and HEADING_LABEL.fullmatch(run.lead_text) and text.startswith(run.lead_text):
        label = HEADING_LABEL.fullmatch(run.lead_text).group("label")
        rest = text[len(run.lead_text) :].strip()
        sections = _split_sections(f"{label}: {rest}")
        return _Kind(LABELLED, sections)
    if "\n" in text:  # "citation\nBACKGROUND: ...": a labelled run with a citation line before it
        lines = text.split("\n")
        for i in range(1, min(len(lines), 8)):
            if LEAD_LABEL.match(lines[i]):
                pre = "\n".join(lines[:i])
                if ABSTRACT_HEADING.fullmatch(pre) or looks_like_citation(pre):
                    return _Kind(LABELLED, _split_sections("\n".join(lines[i:])), pre=pre)
                break
    return _Kind(PLAIN)


@dataclass
class _Group:
    members: list[int]
    sections: list[AbstractSection]
    end: int  # index after the group's last member
    loose: bool = False  # labels as blocks of their own, or sections over several paragraphs
    upper: bool = False  # every label written in capitals, PubMed's way


def _group_from(i: int, runs: list[_Run], kinds: list[_Kind]) -> _Group:
    """The longest stretch of sections starting at run i."""
    members: list[int] = []
    sections: list[list[str]] = []  # [label as written, text]
    pending: list[int] = []
    n = len(runs)
    j = i
    end = i + 1

    loose = False

    def flush() -> None:
        nonlocal loose
        loose = loose or bool(pending)
        for p in pending:
            sections[-1][1] = f"{sections[-1][1]}\n\n{runs[p].text}".strip()
            members.append(p)
        pending.clear()

    while j < n:
        k = kinds[j]
        if k.kind == EMPTY:
            j += 1
        elif k.kind == LABELLED and (j == i or k.pre is None):
            flush()
            sections.extend([label, text] for label, text in k.sections)
            members.append(j)
            j += 1
            end = j
        elif k.kind == HEADING:
            nxt = j + 1
            while nxt < n and kinds[nxt].kind == EMPTY:
                nxt += 1
            if nxt >= n or kinds[nxt].kind != PLAIN or looks_like_citation(runs[nxt].text):
                break
            flush()
            loose = True
            sections.append([k.sections[0][0], runs[nxt].text])
            members.extend((j, nxt))
            j = nxt + 1
            end = j
        elif k.kind == PLAIN and sections and len(pending) < 3 and not looks_like_citation(runs[j].text):
            pending.append(j)
            j += 1
        else:
            break
    return _Group(
        members,
        [AbstractSection(normal_label(lab), text) for lab, text in sections],
        max(end, i + 1),
        loose=loose,
        upper=bool(sections) and all(lab.isupper() for lab, _ in sections),
    )


def _qualifies(sections: list[AbstractSection]) -> bool:
    labels = {s.label.casefold() for s in sections if s.text}
    return len(labels) >= 2 and any(s.label in QUALIFYING and s.text for s in sections)


# ------------------------------------------------------------------------------ citation

_CITATION_LABEL = re.compile(
    r"^(?:e-?pub(?:lished)?(?:\s+ahead\s+of\s+print)?|source|ref(?:erence)?s?|citation|cite|paper|study|article|"
    r"publication|original\s+(?:paper|article)|full\s+(?:text|paper)|abstract\s+source|link|via|in\s+press)"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
_ID_IN_CITATION = re.compile(
    r"\s*\[?\b(?:pii|doi|pmid|pmcid)\s*[:：]?\s*\S+?\]?[.;,]?(?=\s|$)",
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
_VOLUME = re.compile(r"(?:19|20)\d{2}[^;]{0,20};\s*\d+\s*(?:\(\s*[\w-]+\s*\))?\s*:\s*\w*\d+")
_INITIALS = re.compile(r"(?:\b[A-Z]{1,3}|\b[A-Z]\.(?:\s*[A-Z]\.)*)$")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9\"“‘'(\[])")
_AUTHORS_END = re.compile(r"\.\s+(?![A-Z]\.)(?=[A-Z0-9\"“‘'(\[])")


def _strip_citation_label(text: str) -> tuple[str, bool]:
    m = _CITATION_LABEL.match(text)
    return (text[m.end() :], True) if m else (text, False)


def looks_like_citation(text: str) -> bool:
    """Whether a short block reads like a reference to a paper (not the blogger's prose)."""
    body, labelled = _strip_citation_label(" ".join(text.split()))
    if not 15 <= len(body) <= 800 or text.count("\n") > 4 or not _YEAR.search(body):
        return False
    if labelled or _VOLUME.search(body):
        return True
    if re.search(r"\b(?:doi|pii|pmid|pmcid)\s*:", body, re.IGNORECASE) or re.search(r"\b10\.\d{4,9}/", body):
        return True
    head = body[: m.start()] if (m := _DATE.search(body)) else ""
    et_al = re.match(r"^(.{1,300}?\bet\s+al\.?)\s+\S", head, re.IGNORECASE)
    authors = et_al.group(1) if et_al else _AUTHORS_END.split(head, maxsplit=1)[0]
    return bool(head) and authors != head and _plausible_authors(authors)


def _plausible_authors(segment: str) -> bool:
    segment = segment.strip().rstrip(".")
    if not segment or len(segment) > 1500:
        return False
    if _ET_AL.search(segment):
        return True
    names = [p.strip() for p in re.split(r"[,;]", segment) if p.strip()]
    return all(len(p.split()) <= 8 for p in names) and any(_INITIALS.search(p) for p in names)


def _authors(segment: str) -> list[str]:
    segment = segment.strip()
    if not re.search(r"[,;]", segment):
        return [segment]
    names = [p.strip() for p in re.split(r"[,;]", segment) if p.strip()]
    if names and not _ET_AL.fullmatch(names[-1]):
        names[-1] = names[-1].rstrip(".")
    return names


def parse_citation(text: str) -> Citation:
    """A Citation from a reference line (leading label and identifiers taken out of its text)."""
    raw = " ".join(text.split())
    raw, _ = _strip_citation_label(raw)
    clean = " ".join(_ID_IN_CITATION.sub("", raw).split())
    citation = Citation(text=clean)
    m = _DATE.search(clean)
    if m is None:
        year = _YEAR.search(clean)
        citation.date = year.group() if year else None
        return citation
    citation.date = m.group("date").strip()
    head = clean[: m.start()].strip()
    if not head:
        return citation
    rest = head
    et_al = re.match(r"^(.{1,300}?\bet\s+al\.?)(?:\s+|$)", head, re.IGNORECASE)
    if et_al and _plausible_authors(et_al.group(1)):
        citation.authors = _authors(et_al.group(1))
        rest = head[et_al.end() :]
    else:
        parts = _AUTHORS_END.split(head, maxsplit=1)
        if len(parts) == 2 and _plausible_authors(parts[0]):
            citation.authors = _authors(parts[0])
            rest = parts[1]
    rest = rest.strip()
    if not rest:
        return citation
    pieces = _SENTENCE_END.split(rest)
    journal = pieces[-1].strip().rstrip(".").strip()
    citation.journal = journal or None
    title = rest[: len(rest) - len(pieces[-1])].strip() if len(pieces) > 1 else ""
    if title.endswith("."):
        title = title[:-1].strip()
    citation.title = title or None
    return citation


# ------------------------------------------------------------------------------ identifiers

DOI = re.compile(r"(?<![\w.])10\.\d{4,9}/[-._;()/:A-Z0-9]+", re.IGNORECASE)
PMID = re.compile(r"\bPMID\s*[:：]?\s*(\d{1,9})\b|pubmed(?:\.ncbi\.nlm\.nih\.gov/|/)(\d{1,9})\b", re.IGNORECASE)
PMCID = re.compile(r"\bPMC\s?ID\s*[:：]?\s*(?:PMC)?(\d{1,9})\b|/pmc/articles/PMC(\d{1,9})\b", re.IGNORECASE)
TRIAL = re.compile(r"\b(NCT\d{8}|ISRCTN\s?\d{8})\b")


def clean_doi(doi: str) -> str:
    """A DOI without the punctuation that ends the sentence around it."""
    while doi:
        if doi[-1] in ".,;:" or (doi[-1] == ")" and doi.count(")") > doi.count("(")):
            doi = doi[:-1]
        else:
            break
    return doi


def find_identifiers(*texts: str) -> Identifiers:
    """DOI, PMID, PMCID and trial ids from texts searched in order (the first DOI/PMID/PMCID wins)."""
    ids = Identifiers()
    for text in texts:
        if not text:
            continue
        if ids.doi is None:
            for m in DOI.finditer(text):
                doi = clean_doi(m.group())
                if "/" in doi and not doi.endswith("/"):
                    ids.doi = doi
                    break
        if ids.pmid is None and (m := PMID.search(text)):
            ids.pmid = m.group(1) or m.group(2)
        if ids.pmcid is None and (m := PMCID.search(text)):
            ids.pmcid = "PMC" + (m.group(1) or m.group(2))
        for m in TRIAL.finditer(text):
            trial = m.group(1).replace(" ", "")
            if trial not in ids.trials:
                ids.trials.append(trial)
    return ids


# ------------------------------------------------------------------------------ the finder


def find_abstract(body) -> AbstractMatch | None:
    """The quoted structured abstract in a post body, or None (never a guess)."""
    if body is None or not isinstance(body.tag, str):
        return None
    # lxml frees an element's Python proxy by walking up to the nearest ancestor that still has
    # one: freed in random order (sets, dicts), proxies of a deep tree cost O(depth) each. This
    # list outlives everything below and is freed last to first, each node before its ancestors.
    keep_alive = list(body.iter())
    found = _find(body)
    del keep_alive
    return found


def _find(body) -> AbstractMatch | None:
    runs, info = _runs(body)
    kinds = [_classify(r) for r in runs]
    i = 0
    while i < len(runs):
        if kinds[i].kind not in (LABELLED, HEADING):
            i += 1
            continue
        group = _group_from(i, runs, kinds)
        if group.members and _qualifies(group.sections):
            citation_text, members, marked = _citation_around(runs, kinds, group)
            # A stretch read loosely must show that it is quoted (a blogger's own headings
            # "Introduction ... Results ... Conclusion" are not an abstract).
            if not group.loose or citation_text or marked or group.upper or _in_blockquote(runs[i].parent, body):
                return _build(body, runs, info, group, citation_text, members)
        i = group.end if group.end > i else i + 1
    return None


def _prev_nonempty(kinds: list[_Kind], j: int) -> int | None:
    while j >= 0 and kinds[j].kind == EMPTY:
        j -= 1
    return j if j >= 0 else None


def _next_nonempty(kinds: list[_Kind], j: int) -> int | None:
    while j < len(kinds) and kinds[j].kind == EMPTY:
        j += 1
    return j if j < len(kinds) else None


def _in_blockquote(el, body, limit: int = 64) -> bool:
    """Whether el is (inside) a <blockquote> within the body (looking a bounded way up)."""
    for _ in range(limit):
        if el is None:
            return False
        if el.tag == "blockquote":
            return True
        if el is body:
            return False
        el = el.getparent()
    return False


def _citation_around(runs: list[_Run], kinds: list[_Kind], group: _Group) -> tuple[str | None, list[int], bool]:
    """The citation's text (or None), the group's members with the citation and an "Abstract"
    heading added, and whether such a heading (or an "Abstract" line) marks the stretch."""
    members = sorted(set(group.members))
    first, last = members[0], members[-1]
    pre = kinds[first].pre
    if pre is not None:
        if not ABSTRACT_HEADING.fullmatch(pre):
            return pre, members, False
        marked = True
    else:
        marked = False
    j = _prev_nonempty(kinds, first - 1)
    if j is not None and kinds[j].kind == ABSTRACT_HEAD:
        members.insert(0, j)
        marked = True
        j = _prev_nonempty(kinds, j - 1)
    if j is not None and kinds[j].kind == PLAIN and looks_like_citation(runs[j].text):
        members.insert(0, j)
        return runs[j].text, members, marked
    j = _next_nonempty(kinds, last + 1)
    if j is not None and kinds[j].kind == PLAIN and looks_like_citation(runs[j].text):
        members.append(j)
        return runs[j].text, members, marked
    return None, members, marked


def _build(body, runs: list[_Run], info: dict, group: _Group, citation_text: str | None, members: list[int]):
    citation = parse_citation(citation_text) if citation_text else None
    section_text = "\n\n".join(s.text for s in group.sections)
    identifiers = find_identifiers(
        citation_text or "",
        section_text,
        element_text(body),
        " ".join(el.get("href") or "" for el in body.iter("a")),
    )
    abstract = Abstract(citation=citation, identifiers=identifiers, sections=group.sections)
    return AbstractMatch(abstract, _elements_to_drop(body, runs, info, members))


def _elements_to_drop(body, runs: list[_Run], info: dict, members: list[int]) -> list:
    first, last = min(members), max(members)
    chosen = set(members)
    whole: set = set()  # containers dropped whole
    elements: list = []
    chosen_runs = {id(runs[idx]) for idx in chosen}
    for idx in sorted(chosen):
        run = runs[idx]
        parent = run.parent
        own, has_child_container = info[parent]
        only = all(id(r) in chosen_runs or not (r.text or r.has_media) for r in own)
        if parent is not body and not has_child_container and only:
            if parent not in whole:
                whole.add(parent)
                elements.append(parent)
        else:
            elements.append(_wrap(run))
    for idx in range(first + 1, last + 1):  # the <br> separators between the parts
        boundary = runs[idx].start_after
        if (
            boundary is not None
            and boundary.tag == "br"
            and runs[idx].parent not in whole
            and (idx in chosen or not runs[idx].text)
        ):
            elements.append(boundary)
    return elements


def _wrap(run: _Run):
    """Put a run's text and inline nodes into a <span> of its own (so it can be dropped whole)."""
    parent = run.parent
    span = parent.makeelement("span", {})
    if run.start_after is None:
        span.text, parent.text = parent.text, None
        parent.insert(0, span)
    else:
        span.text, run.start_after.tail = run.start_after.tail, None
        parent.insert(parent.index(run.start_after) + 1, span)
    for node in run.nodes:
        span.append(node)  # lxml moves the node's tail with it
    return span
