"""Evaluate the extractors on a corpus: `python -m threadkeep.evaluate DIR [--gold G] [--min F=PCT]`.

DIR holds saved pages (in DIR or DIR/pages/) and a MANIFEST.tsv (columns `file`, `platform` or
`layout`, `comments`, `top_level`, `max_depth`, `count_basis`, as in ../shared/corpus/ and
../shared/corpus2/). Every page is archived offline, as `threadkeep fetch FILE` would, and
compared with its row:

- `markup` rows, and rows of pages with a gold file, must match exactly (comments, top, depth);
- `approx` and `by-eye` rows are lower bounds on the comment count;
- rows expecting 0 comments (the NEGATIVE_ pages) must yield none.

A page has a gold file when DIR/gold/NAME.json or G/FILE-without-suffix.json exists (the format
of ../shared/corpus2/README.md); its comments are then scored field by field
(threadkeep.scoring): found, invented, parents, authors, dates, texts, all-exact.

It prints Markdown tables (the shape of every page; the fields of every gold page) and totals,
and exits 1 when a row fails its shape or a `--min` threshold is not met (2 for a missing
manifest). `--min invented=1` is a ceiling: at most 1% of extracted comments invented.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from threadkeep.errors import ThreadkeepError
from threadkeep.scoring import FIELDS, PageScore, field_percents, percent, score_page


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
    score: PageScore | None = None


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() else None


def judge(expected: tuple[int | None, int | None, int | None], found: tuple[int, int, int], basis: str) -> bool:
    comments = expected[0]
    if comments == 0:
        return found[0] == 0
    if basis == "markup":
        return all(e is None or e == f for e, f in zip(expected, found, strict=True))
    return comments is None or found[0] >= comments


def page_path(root: Path, file: str) -> Path:
    """A manifest row's page: DIR/FILE, or DIR/pages/FILE (corpus2's layout)."""
    direct = root / file
    if not direct.exists() and (root / "pages" / file).exists():
        return root / "pages" / file
    return direct


def gold_path(root: Path, file: str, gold_dirs: list[Path]) -> Path | None:
    """The gold file of a manifest row's page, when there is one."""
    name = Path(file)
    candidates = [root / "gold" / (name.stem + ".json")]
    candidates += [g / name.with_suffix(".json") for g in gold_dirs]
    return next((c for c in candidates if c.is_file()), None)


def evaluate_row(root: Path, row: dict[str, str], gold_dirs: list[Path] | None = None) -> Result:
    from threadkeep.inputs import archive_file

    expected = (_int(row.get("comments", "")), _int(row.get("top_level", "")), _int(row.get("max_depth", "")))
    basis = (row.get("count_basis") or "approx").strip()
    platform = row.get("platform") or row.get("layout") or ""
    gold_file = gold_path(root, row["file"], gold_dirs or [])
    gold = json.loads(gold_file.read_text(encoding="utf-8")) if gold_file else None
    if gold is not None and not row.get("count_basis"):
        basis = "gold"
    start = time.perf_counter()
    try:
        thread = archive_file(str(page_path(root, row["file"])))
    except ThreadkeepError as exc:
        score = None
        if gold is not None:
            score = score_page(row["file"], gold, [])
            score.error = str(exc)
            score.exact = False
        return Result(
            row["file"],
            platform,
            "error",
            expected,
            (0, 0, 0),
            basis,
            time.perf_counter() - start,
            False,
            str(exc),
            score,
        )
    seconds = time.perf_counter() - start
    stats = thread.stats()
    found = (stats["comments"], stats["top_level"], stats["max_depth"])
    score = score_page(row["file"], gold, thread.comments) if gold is not None else None
    judged = judge(expected, found, "markup" if basis == "gold" else basis)
    return Result(row["file"], platform, thread.source.platform, expected, found, basis, seconds, judged, None, score)


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


def gold_table(results: list[Result]) -> str:
    """One row per gold page: counts and the fields right, and whether it is all-exact."""
    lines = [
        "| page | gold | found | invented | parents | authors | dates | texts | all-exact |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        s = r.score
        if s is None:
            continue
        dates = f"{s.dates}/{s.dated}" if s.dated else "–"
        mark = "yes" if s.exact else ("**error**: " + s.error if s.error else "no")
        lines.append(
            f"| {r.file} | {s.gold} | {s.found} | {s.invented} | {s.parents} | {s.authors} | {dates} "
            f"| {s.texts} | {mark} |"
        )
    return "\n".join(lines)


def gold_totals(results: list[Result]) -> tuple[PageScore, int, int]:
    total = PageScore("total")
    pages = exact = 0
    for r in results:
        if r.score is not None:
            total.add(r.score)
            pages += 1
            exact += r.score.exact
    return total, pages, exact


def gold_summary(results: list[Result]) -> str:
    total, pages, exact = gold_totals(results)
    p = field_percents(total)
    return (
        f"{pages} gold pages, {total.gold} gold comments, {total.extracted} extracted: "
        f"found {total.found} ({p['found']:.1f}%), invented {total.invented} ({p['invented']:.1f}% of extracted), "
        f"parents {p['parents']:.1f}%, authors {p['authors']:.1f}%, dates {p['dates']:.1f}% "
        f"(of {total.dated} dated), texts {p['texts']:.1f}%; all-exact pages {exact}/{pages} "
        f"({percent(exact, pages):.0f}%)"
    )


def _threshold(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or name not in (*FIELDS, "invented", "exact"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: want FIELD=PERCENT, FIELD one of {', '.join((*FIELDS, 'invented', 'exact'))}"
        )
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {value!r} is not a number") from None


def unmet(results: list[Result], thresholds: list[tuple[str, float]]) -> list[str]:
    """The thresholds the gold totals do not meet ("invented" is a ceiling, the others floors)."""
    total, pages, exact = gold_totals(results)
    got = {**field_percents(total), "exact": percent(exact, pages)}
    out = []
    for name, limit in thresholds:
        value = got[name]
        if (value > limit) if name == "invented" else (value < limit):
            out.append(f"{name} {value:.1f}% (wanted {'at most' if name == 'invented' else 'at least'} {limit:g}%)")
    return out


def evaluate_corpus(root: Path, gold_dirs: list[Path] | None = None) -> list[Result]:
    """Every row of root/MANIFEST.tsv evaluated (OSError when the manifest cannot be read)."""
    with (root / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [evaluate_row(root, row, gold_dirs) for row in rows if row.get("file")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threadkeep.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with pages and a MANIFEST.tsv")
    parser.add_argument("--gold", type=Path, action="append", default=[], help="a folder of more gold files")
    parser.add_argument("--min", type=_threshold, action="append", default=[], metavar="FIELD=PCT")
    parser.add_argument("--misses", action="store_true", help="list what was wrong on each gold page")
    args = parser.parse_args(argv)
    try:
        results = evaluate_corpus(args.corpus, args.gold)
    except OSError as exc:
        print(f"threadkeep.evaluate: error: {args.corpus / 'MANIFEST.tsv'}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(table(results))
    if any(r.score is not None for r in results):
        print()
        print(gold_table(results))
        if args.misses:
            for r in results:
                if r.score is not None and r.score.misses:
                    print(f"\n{r.file}:")
                    for line in r.score.misses:
                        print(f"  {line}")
        print()
        print(gold_summary(results))
    failed = unmet(results, args.min)
    for line in failed:
        print(f"below threshold: {line}")
    print()
    print(totals(results))
    return 0 if all(r.ok for r in results) and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
