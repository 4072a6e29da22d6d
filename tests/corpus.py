"""Where the shared ground truth lives (beside the checkout, never copied into it).

The one place the tests find the real-page corpus: `THREADKEEP_CORPUS` if set, else `../shared`
beside the checkout (its `corpus/`, `seed/`, …). A test that reads it says so with
`@needs_corpus` (or calls `require()` at run time); when the corpus is not there such a test is
skipped with `REASON` and every other test still runs. Under CI (`CI=true`), or when
`THREADKEEP_CORPUS` names a folder without the corpus, a missing corpus is an error instead
(tests/conftest.py), so coverage is never lost silently.

Nothing here reads the corpus at import: `manifest()` and `rows()` give `[]` without it, so a
test parametrised over corpus files collects (as one skipped case) instead of crashing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# THREADKEEP_CORPUS=none: run as a fresh clone without the corpus does (skips, never an error, CI
# or not): .ci/run does so after the full run, so that a test reading the corpus without saying
# so is caught where the corpus is present.
HIDDEN = os.environ.get("THREADKEEP_CORPUS", "").strip().lower() == "none"
EXPLICIT = bool(os.environ.get("THREADKEEP_CORPUS")) and not HIDDEN
if HIDDEN:
    SHARED = REPO / ".no-corpus"  # never there
elif EXPLICIT:
    SHARED = Path(os.environ["THREADKEEP_CORPUS"]).expanduser().resolve()
else:
    SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_DIR = SHARED / "seed"
SEED_FEED = SEED_DIR / "multiple-sclerosis-research.blogspot.com_feeds_comments.json"
SEED_URL = "https://multiple-sclerosis-research.blogspot.com/2016/09/researchspeak-interferon-vs-alemtuzumab.html"
# The seed page ships with the project (fixtures/, byte for byte the one in ../shared/seed/, which
# test_cli checks when the corpus is there), so the tests that read it need no corpus.
SAMPLE = REPO / "fixtures" / "seed-thread.html"
SEED_PAGE = SAMPLE
SHARED_SEED_PAGE = SEED_DIR / (
    "multiple-sclerosis-research.blogspot.com_2016-09_researchspeak-interferon-vs-alemtuzumab.html"
)

PRESENT = (CORPUS / "MANIFEST.tsv").is_file() and SEED_FEED.is_file()
REASON = "real-page corpus not found: set THREADKEEP_CORPUS"

# The mark of a test that reads the corpus (registered and acted on in tests/conftest.py).
needs_corpus = pytest.mark.corpus


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_is_error() -> bool:
    """A missing corpus fails the run (CI, or THREADKEEP_CORPUS pointing at the wrong folder)."""
    return not PRESENT and not HIDDEN and (in_ci() or EXPLICIT)


def error_message() -> str:
    where = f" (THREADKEEP_CORPUS={os.environ['THREADKEEP_CORPUS']})" if EXPLICIT else ""
    return REASON + where


def require() -> None:
    """For a helper or fixture that reads the corpus: skip the test (or fail, under CI) without it."""
    if PRESENT:
        return
    if missing_is_error():
        pytest.fail(error_message(), pytrace=False)
    pytest.skip(REASON)


def manifest() -> list[dict[str, str]]:
    if not PRESENT:
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def rows(*platforms: str, folder: str | None = None) -> list[dict[str, str]]:
    return [
        r
        for r in manifest()
        if (not platforms or r["platform"] in platforms) and (folder is None or r["file"].startswith(folder))
    ]


def pages(pattern: str = "*/*.html") -> list[Path]:
    """Corpus files matching `pattern` (sorted), none without the corpus."""
    return sorted(CORPUS.glob(pattern)) if PRESENT else []
