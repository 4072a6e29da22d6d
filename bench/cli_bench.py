"""The command line's own figures (issue 15): start-up against a bare interpreter, and `show` of big
archives. Whole processes, wall clock, stdout to /dev/null.

    python bench/cli_bench.py                 # about a minute on 2 cores
    python bench/cli_bench.py --repeat 30     # steadier on a busy machine

Start-up is measured against `python -I -c pass` *in the same loop*: every round runs the bare
interpreter and then each command once, so a load that comes and goes on a shared machine hits
both; the ratio is of the best times. Byte-code is written and used (PYTHONDONTWRITEBYTECODE is
dropped for the runs, as an installed threadkeep has its .pyc files) and every command runs once
before timing. The two `floor` rows are what any typer command (and any command that draws
with rich) costs before threadkeep does anything. The archives are built here (bench/out/): the
seed thread (8 comments), 1,000 comments from bench/synth.py's Blogger page, and the seed with its
first comment made 16 MB long.
It asserts nothing: the targets table says which are met. bench/run.py includes this section.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
THREADKEEP = Path(sys.executable).with_name("threadkeep")
SEED = REPO / "fixtures" / "seed-thread.html"
SEED_URL = "https://multiple-sclerosis-research.blogspot.com/2016/09/researchspeak-interferon-vs-alemtuzumab.html"
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "FORCE_COLOR")}

# (name, target: "x" = at most that many bare starts, "ms" = under that wall time)
TARGETS = {
    "threadkeep --version": ("x", 5),
    "threadkeep fetch --help": ("x", 8),
    "threadkeep show SMALL (8 comments)": ("x", 8),
    "threadkeep show ARCHIVE (1,000 comments)": ("ms", 400),
    "threadkeep show ARCHIVE (one 16 MB comment)": ("ms", 2000),
}


def _run(cmd: list[str]) -> int:
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False).returncode


def archives() -> dict[str, Path]:
    """The three archives the `show` rows read (built once, kept in bench/out/)."""
    OUT.mkdir(parents=True, exist_ok=True)
    small = OUT / "cli-seed.json"
    subprocess.run([str(THREADKEEP), "fetch", str(SEED), "--url", SEED_URL, "-o", str(small)], check=True, env=ENV)
    sys.path.insert(0, str(BENCH))
    import synth

    page, _, _ = synth.build("blogger", 1000)
    page_path = OUT / "cli-synth-blogger-1000.html"
    page_path.write_text(page, encoding="utf-8")
    thousand = OUT / "cli-1000.json"
    subprocess.run(
        [str(THREADKEEP), "fetch", str(page_path), "--url", "https://johnhcochrane.blogspot.com/2020/12/x.html",
         "-o", str(thousand)],
        check=True, env=ENV,
    )  # fmt: skip
    page_path.unlink()
    data = json.loads(small.read_text("utf-8"))
    rng = random.Random(15)
    words = [
        "the",
        "neurologist",
        "said",
        "alemtuzumab",
        "risks",
        "relapse",
        "infusion",
        "thyroid",
        "lesions",
        "MRI",
        "league",
        "teams",
    ]
    parts, size = [], 0
    while size < 16_000_000:
        w = rng.choice(words)
        parts.append(w + ("\n\n" if rng.random() < 0.002 else " "))
        size += len(parts[-1])
    data["comments"][0]["text"] = "".join(parts)
    big = OUT / "cli-16mb.json"
    big.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return {"small": small, "thousand": thousand, "big": big}


def measure(repeat: int) -> dict:
    paths = archives()
    tk = str(THREADKEEP)
    commands = {
        "python -I -c pass (bare)": [sys.executable, "-I", "-c", "pass"],
        "floor: python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "floor: python -c 'import typer, rich.console'": [sys.executable, "-c", "import typer, rich.console"],
        "threadkeep --version": [tk, "--version"],
        "threadkeep --help": [tk, "--help"],
        "threadkeep fetch --help": [tk, "fetch", "--help"],
        "threadkeep show SMALL (8 comments)": [tk, "show", str(paths["small"])],
        "threadkeep show -f md SMALL": [tk, "show", "-f", "md", str(paths["small"])],
        "threadkeep show ARCHIVE (1,000 comments)": [tk, "show", str(paths["thousand"])],
    }
    for cmd in commands.values():  # warm-up: .pyc files written, caches filled
        _run(cmd)
    best = {name: float("inf") for name in commands}
    codes = {}
    for _ in range(repeat):
        for name, cmd in commands.items():
            t = time.perf_counter()
            codes[name] = _run(cmd)
            best[name] = min(best[name], time.perf_counter() - t)
    big = [tk, "show", str(paths["big"])]
    name = "threadkeep show ARCHIVE (one 16 MB comment)"
    _run(big)
    best[name] = min(_timed(big) for _ in range(max(2, repeat // 5)))
    codes[name] = _run(big)
    full = f"{name} --full"
    best[full] = _timed([*big, "--full"])
    codes[full] = 0
    return {"repeat": repeat, "best": best, "codes": codes, "load": os.getloadavg()}


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    _run(cmd)
    return time.perf_counter() - t


def report(res: dict) -> str:
    bare = res["best"]["python -I -c pass (bare)"]
    out = [
        f"## The command line: start-up and `show` (bench/cli_bench.py, best of {res['repeat']}, "
        "load average {:.2f} {:.2f} {:.2f})".format(*res["load"]),
        "",
        "| command | best ms | × bare start | exit |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, t in res["best"].items():
        out.append(f"| `{name}` | {t * 1000:.0f} | {t / bare:.1f} | {res['codes'][name]} |")
    out += ["", "| target | this run | met |", "| --- | ---: | --- |"]
    for name, (kind, limit) in TARGETS.items():
        t = res["best"][name]
        if kind == "x":
            out.append(
                f"| `{name}` at most {limit}× a bare start | {t / bare:.1f}× | {'yes' if t / bare <= limit else 'NO'} |"
            )
        else:
            out.append(f"| `{name}` under {limit} ms | {t * 1000:.0f} ms | {'yes' if t * 1000 < limit else 'NO'} |")
    return "\n".join(out) + "\n"


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="threadkeep's command-line figures (docs/performance.md)")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    res = measure(args.repeat)
    text = report(res)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cli-report.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
