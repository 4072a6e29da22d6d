"""`threadkeep discover BLOG_URL` (every post of a blog) and the blog side of `threadkeep sync`
(`--blog URL`, `--full-every DAYS`, the blog lines of the summary, the progress bar). Registered on
the app by threadkeep.cli."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from threadkeep.cli.app import app
from threadkeep.cli.options import Network, network_options
from threadkeep.cli.ui import State, error, event_printer, safe, sync_progress


def since_instant(value: str | None, what: str = "--since") -> str | None:
    """A --since DATE as a UTC instant; InputError (exit 2) when it is no date."""
    if value is None:
        return None
    from threadkeep.discover.model import utc_instant
    from threadkeep.errors import InputError

    instant = utc_instant(value) if any(ch.isdigit() for ch in value) else None
    if instant is None:
        raise InputError(f"{what}: not a date: {value[:100]!r} (ISO 8601, e.g. 2024-05-01)")
    return instant


def check_blog_url(url: str) -> str:
    from threadkeep.watchlist import _check_url

    return _check_url(url, url)


def note_printer():
    def note(message: str) -> None:
        if State.verbose:
            print(f"threadkeep: {safe(message)}", file=sys.stderr)

    return note


@app.command()
@network_options
def discover(
    blog_url: Annotated[str, typer.Argument(metavar="BLOG_URL", help="The blog's address (or its feed or sitemap).")],
    json_out: Annotated[
        bool, typer.Option("--json", help="JSON lines: url, title, published, and comments when the blog says.")
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only posts published on or after DATE.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, metavar="N", help="At most N posts (the newest).")
    ] = None,
    *,
    net: Network,
) -> None:
    """List every post of a blog, newest first, one URL a line (Blogger, WordPress, feeds, sitemaps)."""
    from threadkeep.discover.engine import DiscoveryContext, discover_blog
    from threadkeep.net.fetch import Fetcher

    url = check_blog_url(blog_url)
    since_iso = since_instant(since)
    options = net.options(on_event=event_printer())
    with Fetcher(options.fetch_config(), on_event=options.on_event) as fetcher:
        ctx = DiscoveryContext(fetcher, options, on_note=note_printer())
        listing, _ = discover_blog(fetcher, url, options, since=since_iso, limit=limit, ctx=ctx)
    out = sys.stdout
    for post in listing.posts:
        out.write((json.dumps(post.to_dict()) if json_out else safe(post.url)) + "\n")
    out.flush()
    if State.verbose:
        n = len(listing.posts)
        print(f"threadkeep: {safe(url)}: {n:,} post{'s' * (n != 1)} from {listing.how}", file=sys.stderr)


def sync_entries(watchlist: Path | None, blogs: list[str] | None) -> list:
    """The watch list's entries and the --blog URLs, each once; InputError when there are none."""
    from threadkeep.errors import InputError
    from threadkeep.watchlist import WatchEntry, read_watchlist, unique_entries

    entries = read_watchlist(watchlist) if watchlist is not None else []
    entries += [WatchEntry(check_blog_url(url), blog=True) for url in blogs or []]
    if not entries and watchlist is None:
        raise InputError("sync needs a WATCHLIST, or --blog URL")
    return unique_entries(entries, str(watchlist) if watchlist is not None else "--blog")


@contextmanager
def sync_bar(console, on_result: Callable | None = None) -> Iterator[tuple[Callable, Callable, Callable]]:
    """(on_start, on_result, on_plan) for sync(): ui.sync_progress's bar when no blog is synced;
    with blogs, a bar whose total grows as each blog says how many of its threads it checks, and
    the posts discovered beside it. A blog that could not be read is one error line."""

    def planned(run) -> None:
        if run.plan.error is not None:
            error(run.plan.error)

    if console is None:
        with sync_progress(None, on_result) as (on_start, result):
            yield on_start, result, planned
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Column

    progress = Progress(
        TextColumn("syncing", markup=False, table_column=Column(no_wrap=True)),
        BarColumn(bar_width=max(8, min(30, console.width // 6)), table_column=Column(no_wrap=True)),
        MofNCompleteColumn(table_column=Column(no_wrap=True)),
        TimeElapsedColumn(table_column=Column(no_wrap=True)),
        TextColumn("{task.fields[posts]}", markup=False, table_column=Column(no_wrap=True)),
        TextColumn(
            "{task.fields[last]}", markup=False, table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")
        ),
        console=console,
        transient=True,
        expand=True,
    )
    task = progress.add_task("sync", total=None, last="", posts="")
    counts = {"threads": 0, "posts": 0}

    def start(total: int) -> None:
        counts["threads"] = total
        progress.update(task, total=total)

    def plan(run) -> None:
        planned(run)
        counts["posts"] += len(run.plan.posts)
        counts["threads"] += len(run.plan.threads)
        progress.update(task, total=counts["threads"], posts=f"{counts['posts']:,} posts discovered")

    def result(r) -> None:
        progress.update(task, advance=1, last=safe(f"{r.status}: {r.url}"))
        if on_result is not None:
            on_result(r)

    with progress:
        yield start, result, plan
