"""extract-warc's benchmark (issue 18): records/s per core, with and without the byte pre-filter,
beside trafilatura on the same records, and a 1 GB WARC in bounded memory.

    python bench/warc_bench.py              # rates, then the 1 GB run (a few minutes)
    python bench/warc_bench.py --gb 0.2     # a smaller big file
    python bench/warc_bench.py --skip-big   # rates only

The records are real: every page of ../shared/corpus (discussion pages), and the same pages with
every pre-filter word masked ("comment" -> "cxmment", …): full-size real markup holding no
comment markup, as most pages of a crawl. The big file repeats them, 1 discussion page to
DISCUSSION_EVERY others, until it is --gb gigabytes of gzip WARC. The run is a real
`threadkeep extract-warc` process (-j 1: one core); its peak RSS is its own (getrusage of the
child). Reports go to stdout and bench/out/warc.md, raw figures to bench/out/warc.json.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus"
OUT = BENCH / "out"
DISCUSSION_EVERY = 9  # 1 discussion page in 10 records of the big file


def masked(body: bytes) -> bytes:
    """The page with each pre-filter word's second letter changed to x: no comment markup left."""
    from threadkeep.bulk.prefilter import WORDS

    pattern = re.compile(b"|".join(re.escape(w) for w in WORDS), re.I)
    return pattern.sub(lambda m: m.group()[:1] + b"x" + m.group()[2:], body)


def corpus_pages() -> list[tuple[str, bytes, str]]:
    from threadkeep.bulk.make import pages_in

    return [(p.url, p.path.read_bytes(), p.content_type) for p in pages_in(CORPUS)]


def write(path: Path, records: list[tuple[str, bytes, str]], *, repeat_until: int = 0) -> int:
    """A gzip WARC of the records (repeated, with new record ids, until the file has that many bytes)."""
    n = 0
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True, warc_version="WARC/1.1")
        while True:
            for url, body, ctype in records:
                http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
                rec = w.create_warc_record(
                    url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
                )
                w.write_record(rec)
                n += 1
            if fh.tell() >= repeat_until:
                return n


def write_fast(path: Path, records: list[tuple[str, bytes, str]], until: int) -> int:
    """The same records as `write`, repeated until the file has `until` bytes: each record its own
    gzip member (level 1) with a new WARC-Record-ID; no digests (warcio's writer took ~15 min a GB)."""
    import uuid
    import zlib

    blocks = []
    for url, body, ctype in records:
        http = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        blocks.append((url, http + body))
    n = 0
    with path.open("wb") as fh:
        while fh.tell() < until:
            for url, block in blocks:
                head = (
                    "WARC/1.1\r\nWARC-Type: response\r\n"
                    f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
                    f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(block)}\r\n\r\n"
                ).encode()
                z = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
                fh.write(z.compress(head) + z.compress(block) + z.compress(b"\r\n\r\n") + z.flush())
                n += 1
    return n


def rate(fn, records: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return records / best


def rates(tmp: Path) -> dict:
    from threadkeep.bulk.job import threads_in_warc
    from threadkeep.bulk.records import http_responses

    pages = corpus_pages()
    html_pages = [p for p in pages if p[2] == "text/html"]
    free = [(u + "#masked", masked(b), t) for u, b, t in html_pages]
    out: dict = {"pages": len(pages), "comment_free": len(free)}
    for label, recs in (("discussion", pages), ("comment_free", free)):
        path = tmp / f"{label}.warc.gz"
        write(path, recs)
        n = len(recs)
        res = {"records": n, "mb": round(sum(len(b) for _, b, _ in recs) / 1e6, 2)}
        for reader in ("warcio", "fastwarc"):
            res[f"read_{reader}"] = rate(lambda r=reader, p=path: sum(1 for _ in http_responses(p, reader=r)), n, 5)
        res["prefilter_on"] = rate(lambda p=path: list(threads_in_warc(p)), n)
        res["prefilter_off"] = rate(lambda p=path: list(threads_in_warc(p, prefilter=False)), n)
        res["threads"] = len(list(threads_in_warc(path)))
        try:
            import trafilatura

            bodies = [r.body for r in http_responses(path)]

            def traf(bodies=bodies) -> None:
                for b in bodies:
                    trafilatura.extract(b, include_comments=True)

            res["trafilatura"] = rate(traf, len(bodies), 2)
        except ImportError:
            res["trafilatura"] = None
        out[label] = res
    return out


def big(tmp: Path, gb: float) -> dict:
    pages = corpus_pages()
    html_pages = [p for p in pages if p[2] == "text/html"]
    free = [(u + "#masked", masked(b), t) for u, b, t in html_pages]
    mix: list = []
    for i, page in enumerate(pages):
        mix.append(page)
        for j in range(DISCUSSION_EVERY):
            mix.append(free[(i * DISCUSSION_EVERY + j) % len(free)])
    path = tmp / "big.warc.gz"
    t0 = time.perf_counter()
    n = write_fast(path, mix, int(gb * 1e9))
    made = time.perf_counter() - t0
    out = tmp / "big-out"
    cmd = [str(Path(sys.executable).with_name("threadkeep")), "extract-warc", str(path), "-o", str(out), "-j", "1"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = json.loads(next(out.glob("*.done.json")).read_text())
    return {
        "file_bytes": path.stat().st_size,
        "records": n,
        "made_s": round(made, 1),
        "seconds": round(seconds, 1),
        "records_per_s": round(done["records"] / seconds, 1),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        "exit": proc.returncode,
        "summary": proc.stdout.strip(),
        "threads": done["threads"],
        "prefiltered": done["prefiltered"],
    }


def report(r: dict) -> str:
    lines = ["# extract-warc benchmark", ""]
    lines.append("Records/s on one core (best of N), the same records for every column.")
    lines.append("")
    lines.append(
        "| records | n | MB | read: warcio | read: FastWARC | threadkeep, pre-filter | threadkeep, none | trafilatura |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in ("discussion", "comment_free"):
        x = r["rates"][label]
        traf = f"{x['trafilatura']:,.1f}" if x["trafilatura"] else "n/a"
        lines.append(
            f"| {label.replace('_', '-')} | {x['records']} | {x['mb']} | {x['read_warcio']:,.0f} "
            f"| {x['read_fastwarc']:,.0f} | {x['prefilter_on']:,.1f} | {x['prefilter_off']:,.1f} | {traf} |"
        )
    if "big" in r:
        b = r["big"]
        lines += [
            "",
            f"Big file: {b['file_bytes'] / 1e9:.2f} GB gzip WARC, {b['records']:,} records "
            f"(1 discussion page in {DISCUSSION_EVERY + 1}), `-j 1`: {b['seconds']} s, "
            f"{b['records_per_s']:,} records/s, peak RSS {b['peak_rss_mb']} MB "
            f"({'under' if b['peak_rss_mb'] < 500 else 'OVER'} 500 MB), {b['threads']:,} threads, "
            f"{b['prefiltered']:,} pages passed over by the pre-filter, exit {b['exit']}.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    tmp = OUT / "warc-tmp"
    tmp.mkdir(exist_ok=True)
    results = {"rates": rates(tmp)}
    print(report(results), flush=True)
    if not args.skip_big:
        results["big"] = big(tmp, args.gb)
    text = report(results)
    (OUT / "warc.md").write_text(text)
    (OUT / "warc.json").write_text(json.dumps(results, indent=2))
    print(text)


if __name__ == "__main__":
    main()
