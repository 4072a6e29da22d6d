"""The command line: parse options, call one function, map errors to exit codes.

No HTTP and no HTML here. Every expected failure is a ThreadkeepError: one line on stderr and
its exit code (0 success, 1 the work failed, 2 usage or input error, 3 another run holds the
lock). A traceback only with --debug.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from threadkeep._version import __version__
from threadkeep.cli import GLOBAL_VALUED
from threadkeep.cli.base import App
from threadkeep.cli.options import (
    AcceptEmptyOpt,
    ColorChoice,
    CommentsOpt,
    CommentsSource,
    DepthOpt,
    ExportFormat,
    Format,
    JsonOpt,
    Network,
    NoArticleOpt,
    NoWarcOpt,
    OutputOpt,
    StrictOpt,
    network_options,
)
from threadkeep.cli.ui import (
    State,
    error,
    event_printer,
    fetch_progress,
    print_paged,
    shortfall_message,
    stdout_console,
    warning,
)

app = App(
    valued_options=GLOBAL_VALUED,
    name="threadkeep",
    help="Archive blog discussion threads: the article, the quoted abstract and every comment.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
    sites_dir: Annotated[
        Path | None,
        typer.Option("--sites", metavar="DIR", help="Load plugin sites from this directory (as THREADKEEP_SITES)."),
    ] = None,
    color: Annotated[
        ColorChoice,
        typer.Option(
            "--color",
            help="Colour: auto (on a terminal, unless NO_COLOR is set), always or never.",
            case_sensitive=False,
        ),
    ] = ColorChoice.auto,
) -> None:
    State.verbose = verbose
    State.debug = debug
    State.color = color.value
    if sites_dir is not None:
        from threadkeep.sites import use_plugin_dir

        use_plugin_dir(str(sites_dir))


def _emit(
    thread,
    fmt: Format,
    output: Path | None,
    *,
    depth: int | None = None,
    show_article: bool = True,
    full: bool = True,
    pager: bool = False,
) -> None:
    """Render thread in fmt: to output (atomically), or to stdout (through the pager when asked
    and stdout is a terminal showing less than the output)."""
    from threadkeep.export import EXPORTERS
    from threadkeep.store import write_atomic

    if fmt is Format.tree:
        tree = EXPORTERS["tree"](thread, depth=depth, show_article=show_article, full=full)
        if output is not None:
            from rich.console import Console

            console = Console(record=True, width=100, file=io.StringIO(), highlight=False)
            console.print(tree)
            write_atomic(output, console.export_text())
        else:
            print_paged(tree, pager=pager)
        return
    options = {"depth": depth, "show_article": show_article} if fmt is Format.md else {}
    text = EXPORTERS[fmt.value](thread, **options)
    if output is not None:
        write_atomic(output, text)
    else:
        print_paged(text, pager=pager and fmt is Format.md)


@app.command(short_help="Archive a thread from a URL or a saved page.")
@network_options
def fetch(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="A URL, a saved page, or - for standard input.")],
    output: OutputOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="json: the archive; md, tree, html: views of it.")
    ] = Format.json,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help="Where a saved page came from (recorded in the archive)."),
    ] = None,
    comments: CommentsOpt = CommentsSource.auto,
    no_warc: NoWarcOpt = False,
    depth: DepthOpt = None,
    no_article: NoArticleOpt = False,
    accept_empty: AcceptEmptyOpt = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing -o file instead of merging into it (history lost).")
    ] = False,
    strict: StrictOpt = False,
    *,
    net: Network,
) -> None:
    """Archive a thread from a URL or a saved page: the archive (JSON), or a view of it (--format)."""
    _check_view_options(fmt, depth, no_article)
    from threadkeep.pipeline import archive_url, is_url

    if is_url(source) and output is not None:
        from threadkeep.cli.output import check_output, fetch_into

        check_output(output)
        if fmt is Format.json and not force:
            with fetch_progress() as on_progress:
                options = net.options(on_event=event_printer(), comments=comments.value, on_progress=on_progress)
                result = fetch_into(output, source, options, keep_warc=not no_warc, accept_empty=accept_empty)
            _say_shortfall(source, result.declared, result.held, strict=strict)
            return
    from threadkeep.merge import stamp_new

    if is_url(source):
        from contextlib import nullcontext

        from threadkeep.capture.replay import warc_path
        from threadkeep.sync.lock import directory_lock

        held = directory_lock(output.parent) if output is not None else nullcontext()
        with held, fetch_progress() as on_progress:  # --force, or not JSON: replace, under the lock
            warc = None if (no_warc or output is None or fmt is not Format.json) else warc_path(output)
            options = net.options(
                on_event=event_printer(), comments=comments.value, warc_path=warc, on_progress=on_progress
            )
            thread = archive_url(source, options=options)
            stamp_new(thread)  # first_seen/last_seen and the first snapshot, for `update` to build on
            _emit(thread, fmt, output, depth=depth, show_article=not no_article)
        _say_shortfall(source, thread.declared, sum(1 for _ in thread.all_comments()), strict=strict)
        return
    from threadkeep.inputs import archive_file

    thread = archive_file(source, url)
    stamp_new(thread)
    _emit(thread, fmt, output, depth=depth, show_article=not no_article)
    _say_shortfall(source, thread.declared, sum(1 for _ in thread.all_comments()), strict=strict)


def _check_view_options(fmt: Format, depth: int | None, no_article: bool) -> None:
    """--depth and --no-article shape the md and tree views; the archive (json) and the HTML view
    always hold the whole thread, so they refuse them (exit 2) rather than ignore them."""
    if fmt in (Format.md, Format.tree) or (depth is None and not no_article):
        return
    from threadkeep.errors import InputError

    what = "--depth" if depth is not None else "--no-article"
    whole = "the archive" if fmt is Format.json else "the HTML view"
    raise InputError(
        f"{what} goes with --format md or tree; {whole} (--format {fmt.value}) always holds the whole thread"
    )


def _say_shortfall(source: str, declared: int | None, held: int, *, strict: bool) -> None:
    """One line when the page declares more comments than were archived (an error with --strict)."""
    if declared is None or held >= declared:
        return
    (error if strict else warning)(shortfall_message(source, declared, held))
    if strict:
        raise typer.Exit(1)


@app.command(short_help="Show an archive: a tree, Markdown, JSON or HTML.")
def show(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive (JSON) written by threadkeep.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="tree (the terminal), md, json (the archive) or html.")
    ] = Format.tree,
    depth: DepthOpt = None,
    no_article: NoArticleOpt = False,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the HTML view in the web browser (a page in a temporary directory).")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Show every comment whole (the tree shows 2,000 characters of each).")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Do not page the output through $PAGER (or less -R) on a terminal.")
    ] = False,
) -> None:
    """Show an archive: a tree in the terminal, or Markdown, JSON or HTML (--open: in the browser)."""
    _check_view_options(fmt, depth, no_article)
    from threadkeep.store import load_archive

    if open_browser:
        from threadkeep.errors import InputError
        from threadkeep.export.batch import open_in_browser

        if fmt in (Format.md, Format.json):
            raise InputError(f"--open opens the HTML view; it does not go with --format {fmt.value}")
        page = open_in_browser(load_archive(archive_path), archive_path)
        print(f"threadkeep: opened {page}", file=sys.stderr)
        return
    _emit(
        load_archive(archive_path), fmt, None, depth=depth, show_article=not no_article, full=full, pager=not no_pager
    )


@app.command(short_help="Export archives: Markdown, HTML, SQLite, CSV, JSONL, Parquet.")
def export(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="An archive (JSON), or a directory of them (a sync DIR, say).")
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="The file (or, for a directory's pages, the directory)."),
    ] = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata", metavar="FILE", help="sqlite: Datasette's metadata.json (default: beside the database)."
        ),
    ] = None,
) -> None:
    """Export archives: Markdown, HTML pages, an SQLite database (Datasette), CSV/JSONL/Parquet tables."""
    from threadkeep.export.batch import export_path

    if fmt.value in ("md", "json", "tree") and not path.is_dir() and not (output and output.is_dir()):
        from threadkeep.store import load_archive

        _emit(load_archive(path), Format(fmt.value), output)
        return
    result = export_path(path, fmt.value, output, metadata=metadata, on_error=error)
    if result.summary:
        print(result.summary, file=sys.stderr if output is None else sys.stdout)
    raise typer.Exit(result.exit_code)


@app.command(short_help="Rebuild an archive from its raw capture (WARC), offline.")
def reextract(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive with its .warc.gz beside it.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Write the rebuilt archive here instead of over ARCHIVE."),
    ] = None,
    comments: CommentsOpt = CommentsSource.auto,
) -> None:
    """Rebuild an archive from its raw capture (ARCHIVE.warc.gz) with today's extractors, with no
    network: in place (atomically, under the directory's lock, its history kept), or into -o."""
    from threadkeep.capture.replay import reextract as rebuild
    from threadkeep.capture.replay import warc_path
    from threadkeep.pipeline import FetchOptions
    from threadkeep.store import write_atomic
    from threadkeep.sync.lock import directory_lock

    target = output if output is not None else archive_path
    if output is not None:
        from threadkeep.cli.output import check_output

        check_output(output)
    with directory_lock(target.parent if str(target.parent) else Path(".")):
        thread = rebuild(archive_path, FetchOptions(comments=comments.value))
        from threadkeep.export import EXPORTERS

        write_atomic(target, EXPORTERS["json"](thread))
    n = sum(1 for _ in thread.all_comments())
    print(f"{target}: rebuilt from {warc_path(archive_path).name} ({n} comment{'s' * (n != 1)})")


@app.command(short_help="Print the archive format's JSON Schema.")
def schema() -> None:
    """Print the archive format's JSON Schema."""
    import json

    from threadkeep.store import schema as archive_schema

    sys.stdout.write(json.dumps(archive_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command(short_help="Re-fetch an archive's source and merge in what changed.")
@network_options
def update(
    archive_path: Annotated[Path, typer.Argument(metavar="ARCHIVE", help="An archive (JSON) fetched from a URL.")],
    comments: CommentsOpt = CommentsSource.auto,
    no_warc: NoWarcOpt = False,
    json_out: JsonOpt = False,
    accept_empty: AcceptEmptyOpt = False,
    strict: StrictOpt = False,
    *,
    net: Network,
) -> None:
    """Re-fetch an archive's source and merge: new comments added, edits and removals kept (never lost)."""
    import json

    from threadkeep.sync import update_archive

    result = update_archive(
        archive_path,
        net.options(on_event=event_printer(), comments=comments.value),
        keep_warc=not no_warc,
        accept_empty=accept_empty,
    )
    print(json.dumps(result.to_dict(), ensure_ascii=False) if json_out else result.describe())
    if result.declared is not None and result.held < result.declared:
        (error if strict else warning)(shortfall_message(result.url, result.declared, result.held))
        if strict:
            raise typer.Exit(1)


@app.command(short_help="Bring every thread of a watch list up to date in DIR.")
@network_options
def sync(
    directory: Annotated[
        Path, typer.Option("--dir", "-d", metavar="DIR", help="Where the archives live (one per thread).")
    ],
    watchlist: Annotated[
        Path | None,
        typer.Argument(metavar="[WATCHLIST]", help="URLs, one a line (# comments; 'blog URL'), or a .toml watch list."),
    ] = None,
    blog: Annotated[
        list[str] | None,
        typer.Option("--blog", metavar="URL", help="A whole blog: every post's thread, in DIR/NAME/ (repeatable)."),
    ] = None,
    full_every: Annotated[
        float,
        typer.Option(
            "--full-every", min=0, metavar="DAYS", help="Re-check every thread of a blog this often (0: always)."
        ),
    ] = 7.0,
    no_warc: NoWarcOpt = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N", help="Hosts worked on at once.")] = 32,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (on stderr).")] = False,
    json_out: JsonOpt = False,
    accept_empty: AcceptEmptyOpt = False,
    strict: StrictOpt = False,
    *,
    net: Network,
) -> None:
    """Bring every thread of a watch list up to date in DIR. Exit 0: all checked; 1: some failed; 3: DIR locked."""
    import json

    from threadkeep import sync as syncing
    from threadkeep.cli.blog_commands import note_printer, sync_bar, sync_entries

    entries = sync_entries(watchlist, blog)
    options = syncing.SyncOptions(
        net.options(on_event=event_printer()),
        keep_warc=not no_warc,
        jobs=jobs,
        accept_empty=accept_empty,
        full_every=full_every,
        on_note=note_printer(),
    )

    short: list = []

    def failed(result) -> None:
        if result.status == "failed":
            error(result.error or result.url)
        elif result.declared is not None and result.held < result.declared:
            short.append(result)
            if strict or not quiet:
                (error if strict else warning)(shortfall_message(result.url, result.declared, result.held))

    from threadkeep.cli.output import stopping_on_signals

    show_bar = not quiet and not json_out and sys.stdout.isatty()
    bar = sync_bar(stdout_console() if show_bar else None, failed)
    with stopping_on_signals() as stop, bar as (on_start, on_result, on_plan):
        report = syncing.sync(
            entries, directory, options, on_start=on_start, on_result=on_result, on_plan=on_plan, stop=stop
        )
    if json_out:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        print(report.summary())
    if report.state_error:
        error(report.state_error)
    if report.interrupted:
        error(report.interruption())
    raise typer.Exit(report.exit_code or (1 if strict and short else 0))


@app.command(short_help="Show what changed between two archives, or since a date.")
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="An archive (or the only one, with --since).")],
    new: Annotated[Path | None, typer.Argument(metavar="NEW", help="A later archive of the same thread.")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Changes in OLD after this date (ISO 8601), from its history."),
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
        stdout_console().print(
            diffing.render(d, markers=True)
        )  # brackets on a terminal too: copied text shows the change


@app.command(short_help="List the sites threadkeep knows, in the order they are tried.")
def sites() -> None:
    """List the sites threadkeep knows, in the order they are tried, and where each comes from."""
    from threadkeep.html.sanitize import terminal_safe
    from threadkeep.sites import registry

    for i, site in enumerate(registry(), start=1):
        line = f"{i:>2}. {site.name:<12} {site.description or type(site).__name__}  [{site.origin}]"
        print(terminal_safe(line))
