"""The command line: parse options, call one function, map errors to exit codes.

No HTTP and no HTML here. Every expected failure is a ThreadkeepError: one line on stderr and
its exit code (0 success, 1 the work failed, 2 usage or input error, 3 another run holds the
lock). A traceback only with --debug.
"""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from threadkeep import __version__

app = typer.Typer(
    name="threadkeep",
    help="Archive blog discussion threads: the article, the quoted abstract and every comment.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    json = "json"
    md = "md"
    tree = "tree"
    html = "html"


class ExportFormat(StrEnum):
    md = "md"
    json = "json"
    tree = "tree"
    html = "html"
    sqlite = "sqlite"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class CommentsSource(StrEnum):
    auto = "auto"
    page = "page"
    feed = "feed"


class State:
    verbose = False
    debug = False


def _version(value: bool) -> None:
    if value:
        print(f"threadkeep {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Report retries and progress on stderr.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    State.verbose = verbose
    State.debug = debug


def _stdout_console(*, color: bool | None = None):
    from rich.console import Console

    return Console(force_terminal=color, no_color=(color is False), highlight=False, soft_wrap=False)


def _emit(thread, fmt: Format, output: Path | None, *, depth: int | None = None, show_article: bool = True) -> None:
    """Render thread in fmt: to output (atomically), or to stdout."""
    from threadkeep.export import EXPORTERS
    from threadkeep.store import write_atomic

    if fmt is Format.tree:
        if output is not None:
            from rich.console import Console

            console = Console(record=True, width=100, file=io.StringIO(), highlight=False)
            console.print(EXPORTERS["tree"](thread, depth=depth, show_article=show_article))
            write_atomic(output, console.export_text())
        else:
            _stdout_console().print(EXPORTERS["tree"](thread, depth=depth, show_article=show_article))
        return
    text = EXPORTERS[fmt.value](thread)
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here (atomically) instead of to standard output.")
]
DepthOpt = Annotated[int | None, typer.Option("--depth", min=1, help="Show comments down to this depth only.")]
NoArticleOpt = Annotated[bool, typer.Option("--no-article", help="Leave out the article and abstract panels.")]
CommentsOpt = Annotated[
    CommentsSource, typer.Option("--comments", help="Where comments come from: the page, the feed, or auto.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
NoWarcOpt = Annotated[bool, typer.Option("--no-warc", help="Do not keep the raw capture (WARC) beside archives.")]
IgnoreRobotsOpt = Annotated[bool, typer.Option("--ignore-robots", help="Do not honour robots.txt.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=0.1, help="Read timeout in seconds.")]
DelayOpt = Annotated[float, typer.Option("--delay", min=0.0, help="Minimum seconds between requests to a host.")]
DisqusOpt = Annotated[str | None, typer.Option("--disqus-key", envvar="THREADKEEP_DISQUS_KEY", help="Disqus API key.")]


def _fetch_options(*, comments: str = "auto", ignore_robots: bool, timeout: float, delay: float, disqus_key, **more):
    """The fetch settings that fetch, update and sync share, from their options."""
    from threadkeep.archive import FetchOptions

    return FetchOptions(
        comments=comments,
        respect_robots=not ignore_robots,
        read_timeout=timeout,
        min_delay=delay,
        disqus_key=disqus_key,
        on_event=_progress_printer(),
        **more,
    )


@app.command()
def fetch(
    source: Annotated[str, typer.Argument(help="A URL, a saved page, or - for standard input.")],
    output: OutputOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.json,
    url: Annotated[
        str | None, typer.Option("--url", help="Where a saved page came from (recorded in the archive).")
    ] = None,
    comments: CommentsOpt = CommentsSource.auto,
    no_warc: NoWarcOpt = False,
    ignore_robots: IgnoreRobotsOpt = False,
    timeout: TimeoutOpt = 30.0,
    delay: DelayOpt = 1.0,
    disqus_key: DisqusOpt = None,
    depth: DepthOpt = None,
    no_article: NoArticleOpt = False,
) -> None:
    """Archive a thread from a URL or a saved page."""
    from threadkeep import archive

    if archive.is_url(source):
        with _progress_bar() as on_progress:
            warc = None if (no_warc or output is None or fmt is not Format.json) else archive.warc_path(output)
            options = _fetch_options(
                comments=comments.value,
                ignore_robots=ignore_robots,
                timeout=timeout,
                delay=delay,
                disqus_key=disqus_key,
                warc_path=warc,
                on_progress=on_progress,
            )
            thread = archive.archive_url(source, options=options)
    else:
        thread = archive.archive_file(source, url)
    from threadkeep.merge import stamp_new

    stamp_new(thread)  # first_seen/last_seen and the first snapshot, for `update` to build on
    _emit(thread, fmt, output, depth=depth, show_article=not no_article)


@app.command()
def show(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive (JSON) written by threadkeep.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.tree,
    depth: DepthOpt = None,
    no_article: NoArticleOpt = False,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the HTML view in the web browser (a page in a temporary directory).")
    ] = False,
) -> None:
    """Show an archive: a tree in the terminal, or Markdown, JSON or HTML (--open: in the browser)."""
    from threadkeep.store import load_archive

    if open_browser:
        from threadkeep.errors import InputError
        from threadkeep.export.batch import open_in_browser

        if fmt in (Format.md, Format.json):
            raise InputError(f"--open opens the HTML view; it does not go with --format {fmt.value}")
        page = open_in_browser(load_archive(archive_path), archive_path)
        print(f"threadkeep: opened {page}", file=sys.stderr)
        return
    _emit(load_archive(archive_path), fmt, None, depth=depth, show_article=not no_article)


@app.command()
def export(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="An archive (JSON), or a directory of them (a sync DIR, say).")
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.md,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file (or, for a directory's pages, the directory).")
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option("--metadata", help="sqlite: Datasette's metadata.json (default: beside the database)."),
    ] = None,
) -> None:
    """Export archives: Markdown, HTML pages, an SQLite database (Datasette), CSV/JSONL/Parquet tables."""
    from threadkeep.export.batch import export_path

    if fmt.value in ("md", "json", "tree") and not path.is_dir() and not (output and output.is_dir()):
        from threadkeep.store import load_archive

        _emit(load_archive(path), Format(fmt.value), output)
        return
    result = export_path(path, fmt.value, output, metadata=metadata, on_error=_error)
    if result.summary:
        print(result.summary, file=sys.stderr if output is None else sys.stdout)
    raise typer.Exit(result.exit_code)


@app.command()
def reextract(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive with its .warc.gz beside it.")],
    output: OutputOpt = None,
    comments: CommentsOpt = CommentsSource.auto,
) -> None:
    """Rebuild an archive from its raw capture (WARC) with today's extractors; no network."""
    from threadkeep import archive

    thread = archive.reextract(archive_path, archive.FetchOptions(comments=comments.value))
    _emit(thread, Format.json, output if output is not None else archive_path)


@app.command()
def schema() -> None:
    """Print the archive format's JSON Schema."""
    import json

    from threadkeep.store import schema as archive_schema

    sys.stdout.write(json.dumps(archive_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command()
def update(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive (JSON) fetched from a URL.")],
    comments: CommentsOpt = CommentsSource.auto,
    no_warc: NoWarcOpt = False,
    ignore_robots: IgnoreRobotsOpt = False,
    timeout: TimeoutOpt = 30.0,
    delay: DelayOpt = 1.0,
    disqus_key: DisqusOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Re-fetch an archive's source and merge: new comments added, edits and removals kept (never lost)."""
    import json

    from threadkeep.sync import update_archive

    result = update_archive(
        archive_path,
        _fetch_options(
            comments=comments.value, ignore_robots=ignore_robots, timeout=timeout, delay=delay, disqus_key=disqus_key
        ),
        keep_warc=not no_warc,
    )
    print(json.dumps(result.to_dict(), ensure_ascii=False) if json_out else result.describe())


@app.command()
def sync(
    watchlist: Annotated[
        Path, typer.Argument(metavar="WATCHLIST", help="URLs, one a line (# comments), or a .toml watch list.")
    ],
    directory: Annotated[Path, typer.Option("--dir", "-d", help="Where the archives live (one per thread).")],
    no_warc: NoWarcOpt = False,
    ignore_robots: IgnoreRobotsOpt = False,
    timeout: TimeoutOpt = 30.0,
    delay: DelayOpt = 1.0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Hosts worked on at once.")] = 32,
    disqus_key: DisqusOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (on stderr).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Bring every thread of a watch list up to date in DIR. Exit 0: all checked; 1: some failed; 3: DIR locked."""
    import json

    from threadkeep import sync as syncing

    entries = syncing.read_watchlist(watchlist)
    options = syncing.SyncOptions(
        _fetch_options(ignore_robots=ignore_robots, timeout=timeout, delay=delay, disqus_key=disqus_key),
        keep_warc=not no_warc,
        jobs=jobs,
    )

    def failed(result) -> None:
        if result.status == "failed":
            _error(result.error or result.url)

    show_bar = not quiet and not json_out and sys.stdout.isatty()
    with syncing.progress_bar(_stdout_console() if show_bar else None, failed) as (on_start, on_result):
        report = syncing.sync(entries, directory, options, on_start=on_start, on_result=on_result)
    if json_out:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        print(report.summary())
    raise typer.Exit(report.exit_code)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="An archive (or the only one, with --since).")],
    new: Annotated[Path | None, typer.Argument(metavar="NEW", help="A later archive of the same thread.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Changes in OLD after this date (ISO 8601), from its history.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Show the comments added, edited, deleted and removed: between two archives, or since a date."""
    import json

    from threadkeep import diff as diffing
    from threadkeep.errors import InputError
    from threadkeep.store import load_archive

    if (new is None) == (since is None):
        raise InputError("diff takes OLD.json NEW.json, or ARCHIVE.json --since DATE")
    if new is not None:
        d = diffing.diff_threads(load_archive(old), load_archive(new), old_label=str(old), new_label=str(new))
    else:
        d = diffing.diff_since(load_archive(old), since or "", label=str(old))
    if json_out:
        print(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        _stdout_console().print(diffing.render(d, markers=not sys.stdout.isatty()))


@contextmanager
def _progress_bar():
    """A rich progress bar on stderr for long fetches (feed pages), only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        tasks: dict[str, int] = {}

        def on_progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(f"comments from the {what}", total=total)
            progress.update(tasks[what], completed=done, total=total)

        yield on_progress


def _progress_printer():
    """A callback for fetch events: shown on stderr with -v only."""

    def on_event(event) -> None:
        if State.verbose:
            from threadkeep.sanitize import terminal_safe

            print(f"threadkeep: {terminal_safe(str(event))}", file=sys.stderr)

    return on_event


def _error(message: str) -> None:
    from threadkeep.sanitize import terminal_safe

    text = " ".join(terminal_safe(message).split())
    if sys.stderr.isatty():
        sys.stderr.write(f"\x1b[31mthreadkeep: error:\x1b[0m {text}\n")
    else:
        sys.stderr.write(f"threadkeep: error: {text}\n")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning every expected failure into one line + exit code."""
    from threadkeep.errors import ThreadkeepError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = app(args=args, prog_name="threadkeep", standalone_mode=False)
    except ThreadkeepError as exc:
        if debug:
            raise
        _error(str(exc))
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(2)
        _error(exc.format_message())
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        _error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # an unexpected failure: still one line unless --debug
        if debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
