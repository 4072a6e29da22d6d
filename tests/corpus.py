"""Where the shared ground truth lives (beside the checkout, never copied into it)."""

from __future__ import annotations

import csv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_DIR = SHARED / "seed"
SEED_PAGE = SEED_DIR / "multiple-sclerosis-research.blogspot.com_2016-09_researchspeak-interferon-vs-alemtuzumab.html"
SEED_FEED = SEED_DIR / "multiple-sclerosis-research.blogspot.com_feeds_comments.json"
SEED_URL = "https://multiple-sclerosis-research.blogspot.com/2016/09/researchspeak-interferon-vs-alemtuzumab.html"
SAMPLE = REPO / "fixtures" / "seed-thread.html"


def manifest() -> list[dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def rows(*platforms: str, folder: str | None = None) -> list[dict[str, str]]:
    return [
        r
        for r in manifest()
        if (not platforms or r["platform"] in platforms) and (folder is None or r["file"].startswith(folder))
    ]
