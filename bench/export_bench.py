"""How long `threadkeep export DIR --format sqlite` takes for many archives (not a test; prints its figures).

    python bench/export_bench.py [--archives 1000] [--comments 100] [--repeat 3]

Writes N synthetic archives of M comments each into bench/out/export/archives/ (git-ignored), made
as threadkeep's own model objects and saved with `save_archive`, so each passes the schema check on
the way in: comments nested as bench/synth.py's `shape()` says (WordPress-like, down to depth 3),
fresh ids, authors, times and texts (seeded; a text is 20-80 words, its HTML a paragraph or two).
Then it times the real CLI as a subprocess (interpreter start-up included), wall clock:

- first run: a new database (every archive read, validated and written; FTS5 kept by triggers);
- re-run, nothing changed: every archive's SHA-256 compared, nothing written;
- re-run after 10 archives changed (a comment added to each): only those are rewritten;
- for comparison, the same directory to CSV and to HTML pages.

Best of --repeat for each (a fresh database for each first run). Target (issue 17): the first
run of 1,000 archives x 100 comments under 30 s. The last line printed is a JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synth import _WORDS, shape  # noqa: E402

from threadkeep.model import Article, Author, Comment, Snapshot, Source, Thread  # noqa: E402
from threadkeep.store import save_archive  # noqa: E402
from threadkeep.tree import number_comments  # noqa: E402

OUT = BENCH / "out" / "export"
TARGET_SECONDS = 30.0


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def synthetic_thread(n: int, comments: int, rng: random.Random) -> Thread:
    start = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(days=n)
    depths = shape(comments, 3)
    flat: list[Comment] = []
    stack: list[Comment] = []
    for i, depth in enumerate(depths):
        text = words(rng, 20, 80)
        when = (start + timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        c = Comment(
            id=f"{n}-{i}",
            text=text,
            html=f"<p>{text}</p>",
            author=Author(f"reader {rng.randint(1, 400)}", None, rng.random() < 0.05),
            published=when,
            permalink=f"https://blog.example/{n}/#comment-{n}-{i}",
            first_seen=when,
            last_seen=when,
        )
        del stack[depth - 1 :]
        (stack[-1].replies if stack else flat).append(c)
        stack.append(c)
    number_comments(flat)
    fetched = (start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = " ".join(words(rng, 40, 90) for _ in range(8))
    return Thread(
        source=Source(url=f"https://blog.example/{n}/", final_url=f"https://blog.example/{n}/", fetched_at=fetched),
        article=Article(
            title=f"Post {n}: {words(rng, 3, 8)}",
            author=Author("The Blogger", "https://blog.example/about"),
            published=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            labels=["bench"],
            url=f"https://blog.example/{n}/",
            html=f"<p>{body}</p>",
            text=body,
        ),
        comments=flat,
        snapshots=[Snapshot(fetched, 200, None, comments, True)],
    )


def make_archives(directory: Path, count: int, comments: int) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    rng = random.Random(17)
    for n in range(count):
        save_archive(synthetic_thread(n, comments, rng), directory / f"thread-{n:05d}.json")


def threadkeep(*args: str) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "threadkeep", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"threadkeep {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return elapsed


def change(directory: Path, how_many: int, rng: random.Random) -> None:
    for path in sorted(directory.glob("*.json"))[:how_many]:
        data = json.loads(path.read_text("utf-8"))
        data["comments"].append(
            {
                **data["comments"][0],
                "id": f"extra-{rng.random()}",
                "number": str(len(data["comments"]) + 1),
                "replies": [],
            }
        )
        data["stats"]["comments"] += 1
        data["stats"]["top_level"] += 1
        path.write_text(json.dumps(data), "utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--archives", type=int, default=1000)
    ap.add_argument("--comments", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    archives = OUT / "archives"
    t0 = time.perf_counter()
    make_archives(archives, args.archives, args.comments)
    made = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in archives.glob("*.json"))
    db = OUT / "threads.db"

    first = []
    for _ in range(args.repeat):
        for p in OUT.glob("threads.db*"):
            p.unlink()
        first.append(threadkeep("export", str(archives), "-f", "sqlite", "-o", str(db)))
    unchanged = [threadkeep("export", str(archives), "-f", "sqlite", "-o", str(db)) for _ in range(args.repeat)]
    rng = random.Random(1)
    changed = []
    for _ in range(args.repeat):
        change(archives, 10, rng)
        changed.append(threadkeep("export", str(archives), "-f", "sqlite", "-o", str(db)))
    csv_times = [threadkeep("export", str(archives), "-f", "csv", "-o", str(OUT / "comments.csv")) for _ in range(1)]
    pages = OUT / "pages"
    html_times = [threadkeep("export", str(archives), "-f", "html", "-o", str(pages)) for _ in range(1)]

    figures = {
        "archives": args.archives,
        "comments_each": args.comments,
        "archive_bytes": size,
        "database_bytes": db.stat().st_size,
        "make_archives_s": round(made, 2),
        "sqlite_first_s": round(min(first), 2),
        "sqlite_unchanged_s": round(min(unchanged), 2),
        "sqlite_10_changed_s": round(min(changed), 2),
        "csv_s": round(min(csv_times), 2),
        "html_pages_s": round(min(html_times), 2),
        "target_s": TARGET_SECONDS,
        "met": min(first) < TARGET_SECONDS,
        "nproc": os.cpu_count(),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    total = args.archives * args.comments
    print(
        f"## Export of {args.archives:,} archives x {args.comments} comments ({total:,} comments, {size / 1e6:.0f} MB)"
    )
    print()
    print(f"| run | wall clock (best of {args.repeat}) |")
    print("| --- | --- |")
    print(f"| SQLite, new database | {min(first):.2f} s ({total / min(first):,.0f} comments/s) |")
    print(f"| SQLite, re-run, nothing changed | {min(unchanged):.2f} s |")
    print(f"| SQLite, re-run, 10 archives changed | {min(changed):.2f} s |")
    print(f"| CSV (one run) | {min(csv_times):.2f} s |")
    print(f"| HTML pages + index (one run) | {min(html_times):.2f} s |")
    print()
    print(
        f"Database: {db.stat().st_size / 1e6:.0f} MB. Target: first run under {TARGET_SECONDS:.0f} s: "
        f"{'met' if figures['met'] else 'NOT met'}."
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
