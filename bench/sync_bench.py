"""How close `threadkeep sync` comes to the politeness bound (not a test; prints its figures).

    python bench/sync_bench.py [--hosts 20] [--threads 200] [--latency 0.1] [--delay 1.0]

200 threads on 20 hosts (127.0.0.1 … 127.0.0.20, one test server each: the Fetcher keys its
politeness on scheme://host:port, so 20 ports on one address would do as well), every response
(robots.txt included) 100 ms late, and a 1 s per-host delay. One host's requests are serialised
and spaced by the delay, so no polite run can beat

    bound = requests per host × delay      (robots.txt + the host's threads)

A run is good when it finishes within 1.5 × bound. The sync runs as the real CLI in a
subprocess (`python -m threadkeep sync --json`), interpreter start-up included; then a second
run over the same unchanged pages, which must rewrite nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from corpus import SEED_PAGE  # noqa: E402
from server import Resp, TestServer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--threads", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds before each response")
    ap.add_argument("--delay", type=float, default=1.0, help="per-host politeness delay (--delay)")
    args = ap.parse_args()

    page = SEED_PAGE.read_text("utf-8")
    servers = [TestServer(f"127.0.0.{i + 1}") for i in range(args.hosts)]
    urls = []
    try:
        for srv in servers:
            srv.route("/robots.txt", Resp(404, "no robots.txt", {"Content-Type": "text/plain"}, delay=args.latency))
        for n in range(args.threads):
            srv = servers[n % args.hosts]
            path = f"/2016/09/thread-{n}.html"
            srv.route(path, Resp(200, page, delay=args.latency))
            urls.append(srv.url(path))
        per_host = max(len(srv.requests) for srv in servers)  # 0 so far
        threads_per_host = -(-args.threads // args.hosts)
        requests_per_host = 1 + threads_per_host  # robots.txt + pages
        bound = requests_per_host * args.delay
        with tempfile.TemporaryDirectory(prefix="threadkeep-bench-") as tmp:
            watch = Path(tmp) / "watch.txt"
            watch.write_text("\n".join(urls) + "\n", "utf-8")
            out = Path(tmp) / "archive"
            argv = [sys.executable, "-m", "threadkeep", "sync", str(watch), "--dir", str(out)]
            argv += ["--delay", str(args.delay), "--json"]

            def run() -> tuple[float, dict]:
                t0 = time.monotonic()
                r = subprocess.run(argv, capture_output=True, timeout=600)
                elapsed = time.monotonic() - t0
                if r.returncode != 0:
                    sys.stderr.write(r.stderr.decode())
                    raise SystemExit(f"sync exited {r.returncode}")
                return elapsed, json.loads(r.stdout)

            first, report1 = run()
            per_host = max(len(srv.requests) for srv in servers)
            stats = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.iterdir() if not p.name.startswith(".")}
            second, report2 = run()
            rewritten = sum(
                1
                for p in out.iterdir()
                if not p.name.startswith(".") and stats.get(p) != (p.stat().st_mtime_ns, p.stat().st_ino)
            )
            per_host_2 = max(len(srv.requests) for srv in servers) - per_host
    finally:
        for srv in servers:
            srv.close()

    print(f"threads {args.threads} on {args.hosts} hosts; latency {args.latency * 1000:.0f} ms; delay {args.delay:g} s")
    print(f"requests per host: {per_host} (expected {requests_per_host}: robots.txt + {threads_per_host} pages)")
    print(f"politeness bound: {requests_per_host} x {args.delay:g} s = {bound:.1f} s; 1.5 x = {1.5 * bound:.1f} s")
    print(f"first sync (all new):  {first:6.2f} s  = {first / bound:.2f} x bound  ({report1['summary']})")
    print(
        f"second sync (no change): {second:6.2f} s  = {second / (per_host_2 * args.delay):.2f} x its bound"
        f" of {per_host_2} x {args.delay:g} s  ({report2['summary']}); files rewritten: {rewritten}"
    )
    ok = first <= 1.5 * bound and rewritten == 0
    print("OK" if ok else "SLOWER THAN 1.5 x THE BOUND" if rewritten == 0 else "FILES REWRITTEN")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
