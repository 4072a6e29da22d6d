"""The abstract finder's fast path (a body whose text never names results, findings, conclusions,
interpretation or discussion quotes no abstract) against the plain way, on every shared page
and on bodies written here."""

from __future__ import annotations

import copy

import pytest
from lxml import html as lxml_html

import threadkeep.abstract.find as finder
from corpus import SHARED, needs_corpus
from threadkeep.html.page import Page
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
