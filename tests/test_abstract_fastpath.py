"""The abstract finder's fast path (a body whose text never names results, findings, conclusions,
interpretation or discussion quotes no abstract) against the plain way, on every shared page
and on bodies written here."""

from __future__ import annotations

import copy

import pytest
from lxml import html as lxml_html

import threadkeep.abstract.find as finder
from corpus import SHARED, needs_corpus
from threadkeep.abstract.identifiers import DOI, PMCID, PMID, TRIAL, clean_doi, find_identifiers
from threadkeep.html.page import Page
from threadkeep.model import Identifiers
from threadkeep.sites import recognise


def _plain(body):
    keep_alive = list(body.iter())
    found = finder._find(body)
    del keep_alive
    return found


def _same(body) -> bool:
    fast, plain = finder.find_abstract(copy.deepcopy(body)), _plain(copy.deepcopy(body))
    if fast is None or plain is None:
        return fast is None and plain is None
    return fast.abstract.to_dict() == plain.abstract.to_dict()


@needs_corpus
def test_fast_path_gives_the_plain_answer_on_every_shared_page():
    bodies = []
    for path in sorted(SHARED.glob("**/*.htm*")):
        _site, extraction = recognise(Page.from_bytes(path.read_bytes()))
        if extraction.body is not None:
            bodies.append(extraction.body)
    assert len(bodies) > 50
    assert all(_same(b) for b in bodies)


@pytest.mark.parametrize(
    "markup",
    [
        "<div><p><b>Background:</b> A. <b>Methods:</b> B. <b>Results:</b> C.</p></div>",
        "<div><p>BACKGROUND: A. METHODS: B. CONCLUSIONS: C.</p><p>Smith J. T. J Med. 2016.</p></div>",
        "<div><p><b>Aim:</b> A. <b>Method:</b> B. <b>Outcome:</b> C.</p></div>",
        "<div><p>Nothing here but prose about the weather.</p></div>",
        "<div><p><b>Back</b><b>ground:</b> x. <b>Res</b>ults: y.</p></div>",
    ],
)
def test_fast_path_gives_the_plain_answer_on_written_bodies(markup):
    assert _same(lxml_html.fragment_fromstring(markup))


def _identifiers_plain(*texts: str) -> Identifiers:
    """find_identifiers without its look for the patterns' literals: every pattern on every text."""
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
            trial = (m.group(1) or m.group(2)).replace(" ", "")
            if trial not in ids.trials:
                ids.trials.append(trial)
    return ids


WRITTEN_IDS = [
    "doi: 10.1056/NEJMoa1204578. PMID: 23122650; PMCID: PMC3456789. NCT00530348, ISRCTN 12345678",
    "See https://pubmed.ncbi.nlm.nih.gov/31462531/ and /pmc/articles/PMC6012345/.",
    "Pmid 123 and pubmed/456 and pMc Id 77",
    "ClinicalTrials.govNCT00843570 (registered)",
    "Nothing to see: 10 cats, 2010.5 miles, NCTX, pm cid",
    "10.1000/xyz123) end.",
]


@pytest.mark.parametrize("text", WRITTEN_IDS)
def test_identifier_look_gives_the_plain_answer_on_written_text(text):
    assert find_identifiers(text).to_dict() == _identifiers_plain(text).to_dict()


@needs_corpus
def test_identifier_look_gives_the_plain_answer_on_every_shared_page():
    named = 0
    for path in sorted(SHARED.glob("**/*.htm*")):
        page = Page.from_bytes(path.read_bytes())
        texts = (page.tree.text_content(), " ".join(el.get("href") or "" for el in page.tree.iter("a")))
        fast = find_identifiers(*texts)
        assert fast.to_dict() == _identifiers_plain(*texts).to_dict(), path.name
        named += bool(fast.doi or fast.pmid or fast.trials)
    assert named >= 20
