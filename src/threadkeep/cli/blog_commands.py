"""`threadkeep discover BLOG_URL` (every post of a blog) and the blog side of `threadkeep sync`
(`--blog URL`, `--full-every DAYS`, the blog lines of the summary, the progress bar). Registered on
the app by threadkeep.cli."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from threadkeep.cli.app import app
from threadkeep.cli.options import Network, network_options
from threadkeep.cli.ui import State, event_printer, safe


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


def _note_printer():
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
        ctx = DiscoveryContext(fetcher, options, on_note=_note_printer())
        listing, _ = discover_blog(fetcher, url, options, since=since_iso, limit=limit, ctx=ctx)
    out = sys.stdout
    for post in listing.posts:
        out.write((json.dumps(post.to_dict()) if json_out else safe(post.url)) + "\n")
    out.flush()
    if State.verbose:
        n = len(listing.posts)
        print(f"threadkeep: {safe(url)}: {n:,} post{'s' * (n != 1)} from {listing.how}", file=sys.stderr)
