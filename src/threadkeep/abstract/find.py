"""The finder: a quoted structured abstract in a post body, found without any platform.

`find_abstract(body)` reads an lxml post-body element and returns an `AbstractMatch` (the
`Abstract` and the elements the pipeline drops from the article), or None. It never guesses:
no structured abstract, no `Abstract`. The rule, in a page a user can read, is docs/abstract.md.

How it works, in short
    The body is cut into runs (runs.py). A run that opens with a label ("BACKGROUND:", a bold
    "Introduction." or "Purpose:", a heading block "Results") is a section; a run of sections
    that holds at least two distinct labels, one of them a Results or Conclusions one (NLM's
    category, labels.py), is an abstract. It starts at a label the table knows; after that any
    label-shaped lead in the same markup starts a section too. It ends at the first block that
    is not a section: a citation, an ad, a link line, the blogger's text. A section may go on
    over up to three paragraphs only when another section follows them. It must show that it
    is quoted: a citation beside it, an identifier in the post, an "Abstract" heading, labels
    in capitals, or a <blockquote> (a blogger's own "Aim / Method / Results" is not an abstract).

Removal
    `elements` holds the citation's and every section's block, and the `<br>` separators
    between them. A run that is not the only content of its block is first wrapped in a
    `<span>` of its own (text and order unchanged), which is what is listed; the tree is
    changed only when an abstract is found. The blogger's commentary is never listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from threadkeep.abstract.citation import looks_like_citation, parse_citation, plausible_authors
from threadkeep.abstract.identifiers import find_identifiers, is_empty
from threadkeep.abstract.labels import QUALIFYING
from threadkeep.abstract.runs import Run, cut_runs, wrap_run
from threadkeep.abstract.sections import (
    _ENDER,
    _HEADING_TAGS,
    ABSTRACT_HEAD,
    ABSTRACT_HEADING,
    EMPTY,
    HEADING,
    LABELLED,
    PLAIN,
    _classify,
    _Kind,
    _Section,
)
from threadkeep.html.sanitize import element_text
from threadkeep.model import Abstract, AbstractSection, Identifiers

__all__ = ["AbstractMatch", "find_abstract", "find_post_identifiers"]


@dataclass
class AbstractMatch:
    abstract: Abstract
    elements: list = field(default_factory=list)  # lxml elements to drop from the article


# ------------------------------------------------------------------------------ grouping


@dataclass
class _Group:
    members: list[int]
    sections: list[_Section]
    end: int  # index after the group's last member

    @property
    def upper(self) -> bool:
        return bool(self.sections) and all(s.upper for s in self.sections)


def _is_ender(run: Run) -> bool:
    """A block that is not part of an abstract: a copyright or PMID line, an ad, a bare link line."""
    text = run.text
    if _ENDER.match(text):
        return True
    linked = "".join(e for e in run.emphasis)
    return bool(run.hrefs) and len(text) <= 120 and len(linked) >= len(text) * 0.8


def _accepts(group_last: _Section | None, section: _Section) -> bool:
    """Whether a further labelled block belongs to the abstract: a known label in the same markup
    (any heading markup for headings), or a label-shaped one in the same markup and case as the
    section before it."""
    if group_last is None:
        return True
    if section.label.known and _is_head(section.markup) and _is_head(group_last.markup):
        return True  # headings of any kind: <h4>, a bold line of its own
    if section.markup != group_last.markup:
        return False
    if section.label.known:
        return True
    return section.upper == group_last.upper


def _is_head(markup: str) -> bool:
    return markup.endswith("-head") or markup in _HEADING_TAGS


def _group_from(i: int, runs: list[Run], kinds: list[_Kind]) -> _Group:
    """The longest stretch of sections starting at run i."""
    members: list[int] = []
    sections: list[_Section] = []
    pending: list[int] = []
    n = len(runs)
    j = i
    end = i + 1

    def flush() -> None:
        for p in pending:
            sections[-1].text = f"{sections[-1].text}\n\n{runs[p].text}".strip()
            members.append(p)
        pending.clear()

    while j < n:
        k = kinds[j]
        last = sections[-1] if sections else None
        if k.kind == EMPTY:
            j += 1
        elif k.kind == LABELLED and (j == i or k.pre is None) and _accepts(last, k.sections[0]):
            flush()
            sections.extend(_Section(s.label, s.text, s.markup) for s in k.sections)
            members.append(j)
            j += 1
            end = j
        elif k.kind == HEADING and _accepts(last, k.sections[0]):
            nxt = j + 1
            while nxt < n and kinds[nxt].kind == EMPTY:
                nxt += 1
            if nxt >= n or kinds[nxt].kind != PLAIN or _not_section_text(runs[nxt]):
                break
            flush()
            sections.append(_Section(k.sections[0].label, runs[nxt].text, k.sections[0].markup))
            members.extend((j, nxt))
            j = nxt + 1
            end = j
        elif k.kind == PLAIN and sections and len(pending) < 3 and not _not_section_text(runs[j]):
            pending.append(j)
            j += 1
        else:
            break
    # A trailing block with a label the table does not know, in Title or sentence case, is the
    # blogger's ("Verdict: worth reading."), not the paper's: the abstract ends before it, and
    # before the paragraphs that were taken into the section above only because it followed.
    while members and sections and not sections[-1].label.known and not sections[-1].upper:
        last = members[-1]
        if kinds[last].kind == LABELLED and all(not s.label.known for s in kinds[last].sections):
            del sections[-len(kinds[last].sections) :]
            members.pop()
        elif kinds[last].kind == PLAIN and len(members) > 1 and kinds[members[-2]].kind == HEADING:
            sections.pop()
            del members[-2:]
        else:
            break
        while (
            len(members) > 1
            and kinds[members[-1]].kind == PLAIN
            and kinds[members[-2]].kind != HEADING
            and sections[-1].text.endswith("\n\n" + runs[members[-1]].text)
        ):
            sections[-1].text = sections[-1].text[: -len(runs[members[-1]].text) - 2]
            members.pop()
        end = members[-1] + 1 if members else i + 1
    return _Group(members, sections, max(end, i + 1))


def _extend_back(group: _Group, kinds: list[_Kind], limit: int = 3) -> None:
    """Take in the labelled blocks just before the first known label ("STUDY QUESTION:" opening a
    Human Reproduction abstract) when they are marked the same way."""
    for _ in range(limit):
        if not group.members:
            return
        j = _prev_nonempty(kinds, min(group.members) - 1)
        if j is None or kinds[j].kind != LABELLED or kinds[j].pre is not None:
            return
        before, first = kinds[j].sections, group.sections[0]
        if before[-1].markup != first.markup or before[-1].upper != first.upper:
            return
        group.sections[:0] = [_Section(s.label, s.text, s.markup) for s in before]
        group.members.insert(0, j)


def _not_section_text(run: Run) -> bool:
    return _is_ender(run) or looks_like_citation(run.text, linked=_links_paper(run))


_PAPER_URL = re.compile(r"doi\.org/|/doi/|pubmed|ncbi\.nlm\.nih\.gov|/pmc/")


def _links_paper(run: Run) -> bool:
    """Whether the run is a link to a paper more than prose with one: the linked text is a good part of it."""
    linked = sum(len(t) for h, t in run.links if _PAPER_URL.search(h or ""))
    return linked > 0 and linked >= 0.3 * len(run.text)


def _qualifies(sections: list[_Section]) -> bool:
    names = {s.label.name.casefold() for s in sections if s.text}
    return len(names) >= 2 and any(s.label.qualifies and s.text for s in sections)


# ------------------------------------------------------------------------------ the finder


def find_abstract(body) -> AbstractMatch | None:
    """The quoted structured abstract in a post body, or None (never a guess)."""
    if body is None or not isinstance(body.tag, str):
        return None
    # Fast path: an abstract needs a Results or Conclusions label, whose words are in the body's
    # text (one C-speed read): a post that never writes them quotes none. Same answer, without
    # reading the body's runs (test_abstract_shapes compares both ways).
    pieces = list(body.itertext())  # apart ("RESULTS</p><p>What") and together ("<b>Res</b>ults")
    if not (QUALIFYING.search(" ".join(pieces)) or QUALIFYING.search("".join(pieces))):
        return None
    # lxml frees an element's Python proxy by walking up to the nearest ancestor that still has
    # one: freed in random order (sets, dicts), proxies of a deep tree cost O(depth) each. This
    # list outlives everything below and is freed last to first, each node before its ancestors.
    keep_alive = list(body.iter())
    found = _find(body)
    del keep_alive
    return found


def find_post_identifiers(body, match: AbstractMatch | None = None, *, text: str | None = None) -> Identifiers:
    """The identifiers a post names (its body's text and links); the abstract's when it has one.
    text: element_text(body), when the caller has it already."""
    if match is not None:
        ids = match.abstract.identifiers
        return Identifiers(ids.doi, ids.pmid, ids.pmcid, list(ids.trials))
    if body is None or not isinstance(body.tag, str):
        return Identifiers()
    return find_identifiers(element_text(body) if text is None else text, _hrefs(body))


def _hrefs(body) -> str:
    """The body's link targets, percent-decoded ("10.1002%2Fajad.12160" is a DOI)."""
    return " ".join(unquote(el.get("href") or "") for el in body.iter("a"))


def _find(body) -> AbstractMatch | None:
    runs, info = cut_runs(body)
    kinds = [_classify(r) for r in runs]
    i = 0
    post_ids: Identifiers | None = None
    while i < len(runs):
        k = kinds[i]
        if k.kind not in (LABELLED, HEADING) or not k.sections[0].label.known:
            i += 1
            continue
        group = _group_from(i, runs, kinds)
        _extend_back(group, kinds)
        if group.members and _qualifies(group.sections):
            citation, members, marked = _citation_around(runs, kinds, group)
            # Only a quoted abstract counts: a blogger's own "Aim / Method / Results" write-up,
            # a recipe or a case study with such labels is not one.
            if post_ids is None:
                post_ids = find_post_identifiers(body)
            quoted = (
                citation is not None
                or marked
                or group.upper
                or not is_empty(post_ids)
                or _in_blockquote(runs[i].parent, body)
            )
            if not quoted:
                i = group.end if group.end > i else i + 1
                continue
            return _build(body, runs, info, group, citation, members)
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


def _citation_part(run: Run) -> bool:
    """A line of a citation written over several lines: a reference, an author list, a title in bold."""
    text = run.text
    if len(text) > 600:
        return False
    if looks_like_citation(text, linked=_links_paper(run)) or plausible_authors(text, strict=True):
        return True
    emphasised = "".join(run.emphasis)
    return len(text) <= 400 and len(emphasised) >= len(text.rstrip(".")) - 1


def _plain(kind: _Kind) -> bool:
    """Plain text, or a short line that only looks like a heading (a title in bold)."""
    return kind.kind == PLAIN or (kind.kind == HEADING and not kind.sections[0].label.known)


def _title_line(text: str) -> bool:
    """A plain line that can be a title between other lines of a citation (not the blogger's prose)."""
    return (
        len(text) <= 300
        and "\n" not in text
        and text.endswith((".", "?", "]"))
        and not re.search(r"\b(?:I|I'm|my|me|we|our|you)\b", text)
    )


def _citation_before(runs: list[Run], kinds: list[_Kind], j: int | None) -> list[int]:
    """The runs of the citation that ends at run j (nearest first), or []."""
    taken: list[int] = []
    while (
        j is not None
        and len(taken) < 4
        and _plain(kinds[j])
        and (_citation_part(runs[j]) or (taken and _title_line(runs[j].text)))
    ):
        taken.append(j)
        parts = [runs[t] for t in reversed(taken)]
        if looks_like_citation(" ".join(r.text for r in parts), linked=any(_links_paper(r) for r in parts)):
            return taken
        j = _prev_nonempty(kinds, j - 1)
    return []


def _introduces(text: str) -> bool:
    """A short line of the blogger's that introduces the quote ("Here is the abstract:")."""
    return len(text) <= 200 and "\n" not in text and text.rstrip().endswith((":", "：", "…", "..."))


def _citation_around(runs: list[Run], kinds: list[_Kind], group: _Group):
    """The citation (text, emphasis) or None, the group's members with the citation and an
    "Abstract" heading added, and whether such a heading (or an "Abstract" line) marks it."""
    members = sorted(set(group.members))
    first, last = members[0], members[-1]
    pre = kinds[first].pre
    marked = False
    if pre is not None:
        if not ABSTRACT_HEADING.fullmatch(pre):
            return (pre, runs[first].emphasis), members, False
        marked = True
    if re.match(r"^abstract\b", runs[first].text, re.IGNORECASE):
        marked = True
    j = _prev_nonempty(kinds, first - 1)
    if j is not None and kinds[j].kind == ABSTRACT_HEAD:
        members.insert(0, j)
        marked = True
        j = _prev_nonempty(kinds, j - 1)
    before = _citation_before(runs, kinds, j)
    if not before and j is not None and kinds[j].kind == PLAIN and _introduces(runs[j].text):
        # "Citation" / "Here is the abstract:" / abstract: the blogger's line stays in the article.
        before = _citation_before(runs, kinds, _prev_nonempty(kinds, j - 1))
    if before:
        parts = sorted(before)
        members[:0] = parts
        text = " ".join(runs[p].text for p in parts)
        return (text, [e for p in parts for e in runs[p].emphasis]), members, marked
    j = _next_nonempty(kinds, last + 1)
    skipped = 0
    while j is not None and skipped < 2 and kinds[j].kind == PLAIN and _ENDER.match(runs[j].text):
        j = _next_nonempty(kinds, j + 1)
        skipped += 1
    if j is not None and kinds[j].kind == PLAIN and looks_like_citation(runs[j].text, linked=_links_paper(runs[j])):
        members.append(j)
        return (runs[j].text, runs[j].emphasis), members, marked
    return None, members, marked


def _build(body, runs: list[Run], info: dict, group: _Group, citation, members: list[int]):
    citation_text = citation[0] if citation else None
    parsed = parse_citation(citation_text, citation[1]) if citation else None
    sections = [AbstractSection(s.label.name, s.text) for s in group.sections]
    identifiers = find_identifiers(
        citation_text or "",
        "\n\n".join(s.text for s in sections),
        element_text(body),
        _hrefs(body),
    )
    abstract = Abstract(citation=parsed, identifiers=identifiers, sections=sections)
    return AbstractMatch(abstract, _elements_to_drop(body, runs, info, members))


def _elements_to_drop(body, runs: list[Run], info: dict, members: list[int]) -> list:
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
            elements.append(wrap_run(run))
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
