"""Evaluate the extractors on a corpus: `python -m threadkeep.evaluate DIR`.

DIR holds saved pages and a MANIFEST.tsv (columns `file`, `platform`, `comments`,
`top_level`, `max_depth`, `count_basis`, as in ../shared/corpus/). Every page is archived
offline, as `threadkeep fetch FILE` would, and compared with its row:

- `markup` rows must match exactly (comments, top level, depth);
- `approx` and `by-eye` rows are lower bounds on the comment count;
- rows expecting 0 comments (the NEGATIVE_ pages) must yield none.

It prints a Markdown table (page, platform expected and detected, counts expected and found,
time) and a totals line, and exits 1 when any row fails (2 for a missing manifest).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from threadkeep.errors import ThreadkeepError


@dataclass
class Result:
    file: str
    platform: str
    detected: str
    expected: tuple[int | None, int | None, int | None]
    found: tuple[int, int, int]
    basis: str
    seconds: float
    ok: bool
    error: str | None = None


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def judge(expected: tuple[int | None, int | None, int | None], found: tuple[int, int, int], basis: str) -> bool:
    comments = expected[0]
    if comments == 0:
        return found[0] == 0
    if basis == "markup":
        return all(e is None or e == f for e, f in zip(expected, found, strict=True))
    return comments is None or found[0] >= comments


def evaluate_row(root: Path, row: dict[str, str]) -> Result:
    from threadkeep.inputs import archive_file

    expected = (_int(row.get("comments", "")), _int(row.get("top_level", "")), _int(row.get("max_depth", "")))
    basis = (row.get("count_basis") or "approx").strip()
    start = time.perf_counter()
    try:
        thread = archive_file(str(root / row["file"]))
    except ThreadkeepError as exc:
        return Result(
            row["file"],
            row.get("platform", ""),
            "error",
            expected,
            (0, 0, 0),
            basis,
            time.perf_counter() - start,
            False,
            str(exc),
        )
    seconds = time.perf_counter() - start
    stats = thread.stats()
    found = (stats["comments"], stats["top_level"], stats["max_depth"])
    return Result(
        row["file"],
        row.get("platform", ""),
        thread.source.platform,
        expected,
        found,
        basis,
        seconds,
        judge(expected, found, basis),
    )


def _fmt(expected: tuple[int | None, ...]) -> str:
    return " / ".join("–" if x is None else str(x) for x in expected)


def table(results: list[Result]) -> str:
    lines = [
        "| page | platform | detected | expected (comments / top / depth) | found | basis | ms | |",
        "| --- | --- | --- | --- | --- | --- | ---: | --- |",
    ]
    for r in results:
        mark = "ok" if r.ok else f"**FAIL**{': ' + r.error if r.error else ''}"
        lines.append(
            f"| {r.file} | {r.platform} | {r.detected} | {_fmt(r.expected)} | {_fmt(r.found)} | {r.basis} "
            f"| {r.seconds * 1000:.0f} | {mark} |"
        )
    return "\n".join(lines)


def totals(results: list[Result]) -> str:
    passed = sum(r.ok for r in results)
    found = sum(r.found[0] for r in results)
    expected = sum(r.expected[0] or 0 for r in results)
    seconds = sum(r.seconds for r in results)
    return (
        f"{len(results)} pages: {passed} passed, {len(results) - passed} failed; "
        f"{found} comments found ({expected} expected by the manifest); {seconds:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threadkeep.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with pages and a MANIFEST.tsv")
    args = parser.parse_args(argv)
    manifest = args.corpus / "MANIFEST.tsv"
    try:
        with manifest.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        print(f"threadkeep.evaluate: error: {manifest}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    results = [evaluate_row(args.corpus, row) for row in rows if row.get("file")]
    print(table(results))
    print()
    print(totals(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
