"""Every case of ../shared/abstracts/ (pages with the full truth read by eye) through the pipeline.

`threadkeep.extract(page_bytes, url=None)`: found or null, every section in order with its exact
text and label (or one of its `also_ok`), the identifiers (the abstract's, or the article's when
there is no abstract), the citation's title and journal, the commentary kept in `article.text`
and the abstract's text absent from it. See ../shared/abstracts/README.md.
"""

from __future__ import annotations

import csv
import json

import pytest

import threadkeep
from corpus import SHARED, needs_corpus
from threadkeep.abstract.labels import lookup, table
from threadkeep.model import Thread
from threadkeep.store import check_archive

ABSTRACTS = SHARED / "abstracts"
CASES = sorted(p.stem for p in (ABSTRACTS / "expected").glob("*.json")) if ABSTRACTS.is_dir() else []

needs_cases = needs_corpus


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def run(case: str):
    expected = json.loads((ABSTRACTS / "expected" / f"{case}.json").read_text(encoding="utf-8"))
    thread = threadkeep.extract((ABSTRACTS / "pages" / f"{case}.html").read_bytes(), url=None)
    return expected, thread


@needs_cases
@pytest.mark.parametrize("case", CASES)
def test_case(case):
    expected, thread = run(case)
    abstract = thread.abstract
    assert (abstract is not None) == expected["found"]

    if expected["found"]:
        got = [(s.label, squash(s.text)) for s in abstract.sections]
        want = expected["sections"]
        assert [label for label, _ in got] == [
            label if label == w["label"] or label in w["also_ok"] else w["label"]
            for (label, _), w in zip(got, want, strict=False)
        ] + [w["label"] for w in want[len(got) :]]
        assert [text for _, text in got] == [squash(w["text"]) for w in want]
        if expected["citation"] is None:
            assert abstract.citation is None
        else:
            assert abstract.citation is not None
            assert abstract.citation.title == expected["citation"]["title"]
            assert abstract.citation.journal == expected["citation"]["journal"]
        ids = abstract.identifiers
    else:
        ids = thread.article.identifiers  # None: the post names none (the archive leaves the key out)
    want_ids = expected["identifiers"]
    if ids is None:
        assert not any(want_ids[k] for k in ("doi", "pmid", "pmcid", "trials"))
    else:
        assert (ids.doi or "").casefold() == (want_ids["doi"] or "").casefold()
        assert ids.pmid == want_ids["pmid"]
        assert ids.pmcid == want_ids["pmcid"]
        assert set(ids.trials) == set(want_ids["trials"])

    text = squash(thread.article.text)
    for kept in expected["kept"]:
        assert squash(kept) in text
    for absent in expected["absent"]:
        assert squash(absent) not in text


@needs_cases
@pytest.mark.parametrize("case", CASES)
def test_case_archive_round_trips(case):
    """The archive of every case is valid and reads back to the same identifiers and abstract."""
    _, thread = run(case)
    d = thread.to_dict()
    check_archive(json.loads(json.dumps(d)), case)
    again = Thread.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d


@needs_cases
def test_every_sample_label_is_in_the_shipped_table_with_nlms_category():
    rows = table()
    with (ABSTRACTS / "nlm-labels.tsv").open(encoding="utf-8") as fh:
        sample = [r for r in csv.DictReader(fh, delimiter="\t") if r["label"] != "UNLABELLED"]
    assert sample
    for r in sample:
        assert rows[r["label"]][0] == r["nlm_category"], r["label"]
        assert lookup(r["label"]).known
