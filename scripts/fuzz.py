#!/usr/bin/env python
"""A longer fuzz run of the hostile-input properties (not part of CI).

Runs the properties of tests/test_properties.py (mutated corpus pages, hostile comment text,
the sanitizers on arbitrary text, archive file names) with many more examples than CI does,
until the example budget or the time budget is spent, and prints what it ran:

    python scripts/fuzz.py --minutes 5            # all properties, 5 minutes
    python scripts/fuzz.py --only pages --examples 5000

The pages come from ../shared/corpus (never copied into the repo). A failure prints hypothesis's
shrunk example and the exception, and the script exits 1.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    import test_properties as tp
    from threadkeep.errors import ThreadkeepError
    from threadkeep.inputs import thread_from_bytes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="time budget for the whole run")
    parser.add_argument("--examples", type=int, default=1_000_000, help="example budget per property")
    parser.add_argument(
        "--only", choices=["pages", "seed", "terminal", "markdown", "html", "names"], action="append", default=None
    )
    args = parser.parse_args(argv)

    outcomes: collections.Counter[str] = collections.Counter()
    errors: collections.Counter[str] = collections.Counter()
    mutations: collections.Counter[str] = collections.Counter()

    def pages(data):
        raw, url, ops = tp.mutate(data)
        mutations.update(ops)
        try:
            thread = thread_from_bytes(raw, url, name="page")
        except ThreadkeepError as exc:
            outcomes["ThreadkeepError"] += 1
            errors[type(exc).__name__ + ": " + str(exc)[:70]] += 1
            return
        tp.check_thread(thread)
        outcomes["archive"] += 1
        outcomes["archive with comments"] += bool(thread.comments)

    def seed(data):
        tp.test_hostile_text_in_the_seed_comments_is_inert.hypothesis.inner_test(data)
        outcomes["seed"] += 1

    inner = {
        "pages": (st.data(), pages),
        "seed": (st.data(), seed),
        "terminal": (st.one_of(tp.HOSTILE_TEXT, st.text()), tp.test_terminal_safe_leaves_nothing_a_terminal_acts_on),
        "markdown": (st.one_of(tp.HOSTILE_TEXT, st.text()), tp.test_markdown_escape_is_inert_and_one_line),
        "html": (st.one_of(tp.html_soup(), st.text()), tp.test_clean_html_output_is_inert_and_stable),
        "names": (st.one_of(st.text(max_size=300), st.lists(tp.URL_PIECES, max_size=6).map("".join)),
                  tp.test_names_from_titles_are_safe),
    }  # fmt: skip
    chosen = args.only or list(inner)
    # time: mostly the corpus pages, which are what CI samples least
    share = {"pages": 0.6, "seed": 0.1}
    rest = (1 - sum(share.get(n, 0) for n in chosen if n in share)) / max(1, sum(n not in share for n in chosen))
    failed = False
    for name in chosen:
        strategy, body = inner[name]
        fn = getattr(body, "hypothesis", None)
        fn = fn.inner_test if fn is not None else body
        budget = args.minutes * 60 * (share.get(name, rest) if len(chosen) > 1 else 1)
        count = 0

        def make_counted(fn):
            def counted(value):
                nonlocal count
                count += 1
                fn(value)

            return counted

        # batches of fresh random examples until the time or the example budget is spent
        run = settings(
            max_examples=min(args.examples, 500),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(make_counted(fn)))
        start = time.monotonic()
        status = "ok"
        while time.monotonic() - start < budget and count < args.examples:
            try:
                run()
            except Exception:  # a property failed: hypothesis has shrunk it and says how
                traceback.print_exc()
                status = "FAILED"
                failed = True
                break
        print(f"{name:9} {count:7d} examples  {time.monotonic() - start:6.1f} s  {status}", flush=True)
    if outcomes:
        print("outcomes:", dict(outcomes))
    if mutations:
        print("mutations:", dict(mutations))
    for message, n in errors.most_common(8):
        print(f"  {n:6d}  {message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
