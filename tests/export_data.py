"""What the export tests share: a directory of archives made from the real pages, counts taken
from the pages and the archive files by rules of their own (never from threadkeep's exporters),
and the skip rule for tools that CI must have.

- `make_archives(dir)`: one archive per page of ../shared/corpus/ (MANIFEST.tsv) and the seed,
  each made as `threadkeep fetch FILE -o X.json` makes it (extract, stamp_new, save_archive).
- `page_numbers(html)`: the numbers a reader gives the comments of a page (1, 2, 2.1, ...), read
  from its markup: every `li.comment` in document order, numbered among the `li.comment`s that
  share its nearest `li.comment` ancestor (Blogger's threaded layout and WordPress both nest so).
- `archive_comments(path)`: the comment dicts of an archive file, read with the json module.
- `require(tool_ok, why)`: skip when a tool is missing, but fail under CI=true (.ci/run installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

import threadkeep
from archive_dicts import walk_dicts
from corpus import CORPUS, SEED_PAGE, SEED_URL, manifest
from corpus import require as require_corpus
from threadkeep.merge import stamp_new
from threadkeep.store import save_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots the browser tests take: git-ignored (build/), or where THREADKEEP_ARTIFACTS says.
ARTIFACTS = Path(
    os.environ.get("THREADKEEP_ARTIFACTS") or Path(__file__).resolve().parents[1] / "build" / "screenshots"
)
SEED_STEM = "seed"


def require(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI must have it (.ci/run installs it)")
    pytest.skip(why)


def make_archives(directory: Path) -> dict[str, Path]:
    """Archive every corpus page and the seed into directory; {stem: archive path}."""
    require_corpus()
    directory.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    pages = [(CORPUS / row["file"], None) for row in manifest()] + [(SEED_PAGE, SEED_URL)]
    for page, url in pages:
        stem = SEED_STEM if page == SEED_PAGE else page.stem
        thread = threadkeep.extract(page.read_bytes(), url)
        stamp_new(thread)
        path = directory / f"{stem}.json"
        save_archive(thread, path)
        made[stem] = path
    return made


def archive_data(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def archive_comments(path: Path) -> list[dict[str, Any]]:
    return list(walk_dicts(archive_data(path)["comments"]))


def reading_order(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Comment dicts depth first, in page order (the order a reader meets them)."""
    out: list[dict[str, Any]] = []
    stack = list(reversed(comments))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c["replies"]))
    return out


_COMMENT_LI = "//li[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]"


def page_numbers(page: bytes) -> list[str]:
    root = lxml_html.fromstring(page)
    items = root.xpath(_COMMENT_LI)
    members = set(items)
    numbers: dict[Any, str] = {}
    counters: dict[Any, int] = {}
    out = []
    for li in items:
        parent = next((a for a in li.iterancestors("li") if a in members), None)
        counters[parent] = counters.get(parent, 0) + 1
        prefix = f"{numbers[parent]}." if parent is not None else ""
        numbers[li] = f"{prefix}{counters[parent]}"
        out.append(numbers[li])
    return out


def seed_mentions(word: str) -> int:
    """How many of the seed page's comments hold word (whole, any case), read from the page."""
    root = lxml_html.fromstring(SEED_PAGE.read_bytes())
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    bodies = root.xpath(_COMMENT_LI + "/div[contains(@class, 'comment-block')]/*[contains(@class, 'comment-content')]")
    assert len(bodies) == len(root.xpath(_COMMENT_LI)), "every seed comment has one comment-content"
    return sum(bool(pattern.search(b.text_content())) for b in bodies)


def deepest_corpus_page() -> Path:
    """The HTML page of the corpus whose MANIFEST row says it nests deepest."""
    require_corpus()
    rows = [r for r in manifest() if r["file"].endswith(".html") and r["max_depth"].isdigit()]
    return CORPUS / max(rows, key=lambda r: int(r["max_depth"]))["file"]


def tool(name: str) -> str | None:
    """An executable of the test's virtualenv (beside python), else on PATH."""
    import sys

    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)
