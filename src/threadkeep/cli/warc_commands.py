"""`threadkeep extract-warc` (threads from web archives, in bulk) and `threadkeep warc` (a WARC
made from saved pages). Registered on the app by threadkeep.cli."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from threadkeep.cli.app import app
from threadkeep.cli.ui import error


class BulkFormat(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


@contextmanager
def _bar(show: bool):
    """(on_start, on_progress, on_result) for bulk.run: a rich bar on stderr when it is a terminal."""
    from threadkeep.html.sanitize import terminal_safe

    def failed(result) -> None:
        if result.status != "done":
            error(result.error or result.input)

    if not show:
        yield None, None, failed
        return
    import time

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("files"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[stats]}", markup=False),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("files", total=None, stats="")
    live: dict[str, tuple[int, int]] = {}  # running files: (records, threads)
    done = {"records": 0, "threads": 0}
    t0 = time.monotonic()

    def refresh() -> None:
        records = done["records"] + sum(r for r, _ in live.values())
        threads = done["threads"] + sum(t for _, t in live.values())
        rate = records / max(time.monotonic() - t0, 1e-6)
        progress.update(task, stats=f"{records:,} records, {threads:,} threads, {rate:,.0f} records/s")

    def on_start(todo: int, before: int) -> None:
        progress.update(task, total=todo)

    def on_progress(path: str, records: int, threads: int) -> None:
        live[path] = (records, threads)
        refresh()

    def on_result(result) -> None:
        live.pop(result.input, None)
        done["records"] += result.records
        done["threads"] += result.threads
        progress.update(task, advance=1)
        refresh()
        if result.status != "done":
            text = " ".join(terminal_safe(result.error or result.input).split())
            progress.console.print(f"[red]threadkeep: error:[/red] {escape(text)}", highlight=False)

    with progress:
        yield on_start, on_progress, on_result


@app.command("extract-warc", short_help="Extract every discussion thread from WARC/ARC files.")
def extract_warc(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT...", help="WARC/ARC files (gzip or plain), globs, folders; - for stdin."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT", help="The folder of results (kept between runs).")
    ],
    fmt: Annotated[
        BulkFormat, typer.Option("--format", "-f", help="jsonl: one archive a line; parquet: one row per comment.")
    ] = BulkFormat.jsonl,
    write_all: Annotated[bool, typer.Option("--all", help="Write pages with no comments too (jsonl).")] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes (default: the cores).")
    ] = 0,
    engine: Annotated[Engine, typer.Option("--engine", help="local processes, or a Dask cluster.")] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: a LocalCluster).")
    ] = None,
    no_prefilter: Annotated[
        bool, typer.Option("--no-prefilter", help="Parse every page (the byte pre-filter passes none over).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Extract every discussion thread from web archives (WARC/ARC). Exit 0: all files done; 1: some failed."""
    from threadkeep.bulk.run import RunOptions, expand_inputs, run
    from threadkeep.errors import InputError

    if scheduler and engine is not Engine.dask:
        raise InputError("--scheduler goes with --engine dask")
    files = expand_inputs(inputs)
    options = RunOptions(
        fmt=fmt.value,
        write_all=write_all,
        prefilter=not no_prefilter,
        jobs=jobs,
        engine=engine.value,
        scheduler=scheduler,
    )
    with _bar(not quiet and sys.stderr.isatty()) as (on_start, on_progress, on_result):
        report = run(files, output, options, on_start=on_start, on_progress=on_progress, on_result=on_result)
    if not quiet:
        print(report.summary())
    raise typer.Exit(report.exit_code)


@app.command("warc", short_help="Make a WARC file of saved pages, to try extract-warc on.")
def make_warc(
    page_dir: Annotated[Path, typer.Argument(metavar="PAGE_DIR", help="A folder of saved pages (.html, .json, .xml).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="PATH", help="The WARC file to write (.warc.gz: gzip).")
    ],
    base_url: Annotated[
        str, typer.Option("--base-url", metavar="URL", help="URL prefix for pages that name no canonical address.")
    ] = "http://localhost/",
) -> None:
    """Make a WARC file of saved pages (one response record each), to try extract-warc without a crawl."""
    from threadkeep.bulk.make import pages_in, write_warc
    from threadkeep.errors import InputError

    pages = pages_in(page_dir, base_url)
    if not pages:
        raise InputError(f"{page_dir}: no saved pages (.html, .htm, .json, .xml)")
    n = sum(1 for _ in write_warc(pages, output))
    print(f"warc: {n} page{'s' if n != 1 else ''} written to {output}")
