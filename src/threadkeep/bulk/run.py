"""Many files: the inputs (paths, globs, folders, `-` for a list on stdin), what OUT says is done
already, and the engines that run the per-file task (threadkeep.bulk.job.extract_warc_file):
worker processes on this machine, or a Dask cluster.

    report = run(files, out, RunOptions(jobs=4), on_event=...)

OUT is a folder: per input a data file (`NAME-HASH.jsonl` or `.parquet`) and its done mark
(`….done.json`, the FileResult). A rerun skips every input whose mark says done for the same
size and modification time, and does the rest; a failed input is tried again.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from threadkeep.bulk.job import FileResult, extract_warc_file, output_names
from threadkeep.errors import InputError

__all__ = ["Report", "RunOptions", "expand_inputs", "run"]

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


@dataclass
class RunOptions:
    fmt: str = "jsonl"  # "jsonl" or "parquet"
    write_all: bool = False  # pages with no comment too (JSON Lines)
    prefilter: bool = True
    jobs: int = 0  # 0: the machine's cores
    engine: str = "local"  # "local" or "dask"
    scheduler: str | None = None  # a Dask scheduler's address; None: a LocalCluster

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)
    already_done: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status != "done"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.results)

    def summary(self) -> str:
        files = len(self.results)
        if not files:
            return f"extract-warc: nothing to do ({self.already_done} files done before)"
        done = files - len(self.failed)
        records = self.total("records")
        rate = records / self.seconds if self.seconds > 0 else 0.0
        parts = [f"{files} file{'s' if files != 1 else ''} ({done} done, {len(self.failed)} failed"]
        if self.already_done:
            parts[0] += f", {self.already_done} done before"
        parts[0] += ")"
        parts.append(f"{records:,} records, {self.total('pages'):,} pages")
        parts.append(f"{self.total('threads'):,} threads ({self.total('comments'):,} comments)")
        parts.append(f"{self.total('no_comments'):,} pages without comments")
        parts.append(f"{self.total('prefiltered'):,} passed over by the pre-filter")
        parts.append(f"{self.seconds:.1f} s ({rate:,.0f} records/s)")
        text = "extract-warc: " + ", ".join(parts)
        if self.failed:
            text += "; failed: " + ", ".join(r.input for r in self.failed)
        return text


def expand_inputs(inputs: Iterable[str], stdin=None) -> list[str]:
    """Paths from arguments: files as given, globs expanded (sorted), folders' WARC/ARC files,
    `-` a list of paths on standard input (one a line, # comments). Duplicates once, in order.
    A name that matches nothing is kept, to fail as a file (named in the summary)."""
    out: list[str] = []
    for item in inputs:
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin
            lines = [line.strip() for line in stream.read().splitlines()]
            out.extend(expand_inputs([x for x in lines if x and not x.startswith("#") and x != "-"]))
        elif os.path.isdir(item):
            found = sorted(str(p) for p in Path(item).rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            out.extend(found)
        elif glob.has_magic(item):
            found = sorted(glob.glob(item, recursive=True))
            out.extend(found if found else [item])
        else:
            out.append(item)
    return list(dict.fromkeys(out))


def _done_before(path: str, out: Path, fmt: str) -> bool:
    _data, mark = output_names(path, fmt)
    try:
        info = json.loads((out / mark).read_text("utf-8"))
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return (
        info.get("status") == "done"
        and info.get("input_size") == st.st_size
        and info.get("input_mtime") == st.st_mtime
        and (out / _data).exists()
    )


def run(
    inputs: list[str],
    out: str | os.PathLike[str],
    options: RunOptions | None = None,
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> Report:
    """Every input not done yet, through the chosen engine; a Report of all of them."""
    from threadkeep.bulk.atomic import remove_parts

    options = options or RunOptions()
    if not inputs:
        raise InputError("extract-warc: no input files")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a directory (OUT is a folder of results)")
    out.mkdir(parents=True, exist_ok=True)
    remove_parts(out)  # what a killed run was writing
    todo = [p for p in inputs if not _done_before(p, out, options.fmt)]
    report = Report(already_done=len(inputs) - len(todo))
    if on_start is not None:
        on_start(len(todo), report.already_done)
    started = time.monotonic()

    def collect(result: FileResult) -> None:
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    if todo:
        if options.engine == "dask":
            from threadkeep.bulk.dask import run_dask

            run_dask(todo, out, options, collect)
        else:
            _run_local(todo, out, options, collect, on_progress)
    report.seconds = time.monotonic() - started
    return report


def _task(path: str, out: str, options: RunOptions, progress=None) -> FileResult:
    return extract_warc_file(
        path, out, fmt=options.fmt, write_all=options.write_all, prefilter=options.prefilter, on_progress=progress
    )


_QUEUE = None


def _init_worker(queue) -> None:
    global _QUEUE
    _QUEUE = queue


def _queued_progress(path: str, records: int, threads: int) -> None:
    if _QUEUE is not None:
        _QUEUE.put((path, records, threads))


def _pool_task(path: str, out: str, options: RunOptions) -> FileResult:
    return _task(path, out, options, _queued_progress)


def _run_local(todo, out: Path, options: RunOptions, collect, on_progress) -> None:
    """-j 1: in this process; else a pool of worker processes, one file each at a time."""
    jobs = min(options.workers(), len(todo))
    if jobs <= 1:
        for path in todo:
            collect(_task(path, str(out), options, on_progress))
        return
    import multiprocessing
    import queue as queues
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    progress_queue = ctx.Queue()
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(progress_queue,))
    with pool:
        pending = {pool.submit(_pool_task, path, str(out), options): path for path in todo}
        while pending:
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            try:
                while True:
                    item = progress_queue.get_nowait()
                    if on_progress is not None:
                        on_progress(*item)
            except queues.Empty:
                pass
            for fut in finished:
                path = pending.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # the worker died (killed, out of memory)
                    result = FileResult(input=path, status="failed", error=f"{path}: worker failed: {exc}")
                collect(result)
