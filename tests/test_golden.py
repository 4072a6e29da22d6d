"""Refactor guard: every corpus page, the seed page and two synthetic threads still give the
archive they gave before the sites refactor (tests/golden/, made by tests/golden/make.py).

The goldens hold earlier output, not the truth; the truth lives in the other tests. When an
extraction is meant to change, regenerate them in the same commit and say why.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

import make  # noqa: E402

from corpus import needs_corpus  # noqa: E402

# cases() reads no corpus file at collection; without the corpus, all but the seed are skipped
CASES = [pytest.param(name, spec, id=name, marks=() if spec else needs_corpus) for name, spec in make.cases()]


@pytest.mark.parametrize(("name", "spec"), CASES)
def test_archive_matches_golden(name, spec):
    with gzip.open(GOLDEN / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        expected = json.load(fh)
    got = json.loads(json.dumps(make.archive_dict(spec), ensure_ascii=False))
    assert got == expected
