"""The options several commands share, declared once: output, format, comments, and the network
options of every command that fetches (`@network_options` adds them and hands the command one
`Network`)."""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


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


class ColorChoice(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class CommentsSource(StrEnum):
    auto = "auto"
    page = "page"
    feed = "feed"


OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="PATH", help="Write here (atomically) instead of to standard output."),
]
DepthOpt = Annotated[
    int | None,
    typer.Option("--depth", min=1, metavar="N", help="md and tree: show comments down to this depth only."),
]
NoArticleOpt = Annotated[
    bool, typer.Option("--no-article", help="md and tree: leave out the article and abstract panels.")
]
CommentsOpt = Annotated[
    CommentsSource, typer.Option("--comments", help="Where comments come from: the page, the feed, or auto.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Fail (exit 1) when the archive holds fewer comments than the page says."),
]
NoWarcOpt = Annotated[bool, typer.Option("--no-warc", help="Do not keep the raw capture (WARC) beside archives.")]
AcceptEmptyOpt = Annotated[
    bool,
    typer.Option(
        "--accept-empty",
        help="Merge a page much poorer than the archive (no article, every comment gone) instead of failing.",
    ),
]

_NETWORK = (
    ("ignore_robots", Annotated[bool, typer.Option("--ignore-robots", help="Do not honour robots.txt.")], False),
    (
        "timeout",
        Annotated[float, typer.Option("--timeout", min=0.1, metavar="SECONDS", help="Read timeout in seconds.")],
        30.0,
    ),
    (
        "request_timeout",
        Annotated[
            float,
            typer.Option(
                "--request-timeout",
                min=0.1,
                metavar="SECONDS",
                help="Seconds one request may take, connect to last byte.",
            ),
        ],
        300.0,
    ),
    (
        "max_time",
        Annotated[
            float,
            typer.Option(
                "--max-time",
                min=0.1,
                metavar="SECONDS",
                help="Seconds one thread may take: all its requests, retries and waits.",
            ),
        ],
        1800.0,
    ),
    (
        "delay",
        Annotated[
            float,
            typer.Option("--delay", min=0.0, metavar="SECONDS", help="Minimum seconds between requests to a host."),
        ],
        1.0,
    ),
    (
        "disqus_key",
        Annotated[
            str | None,
            typer.Option("--disqus-key", envvar="THREADKEEP_DISQUS_KEY", metavar="KEY", help="Disqus API key."),
        ],
        None,
    ),
)


@dataclass
class Network:
    """What the user said about fetching: politeness, timeouts, API keys."""

    ignore_robots: bool = False
    timeout: float = 30.0
    request_timeout: float = 300.0
    max_time: float = 1800.0
    delay: float = 1.0
    disqus_key: str | None = None

    def options(self, *, on_event=None, **more):
        """The pipeline's FetchOptions for these settings (plus the command's own: comments, WARC…)."""
        from threadkeep.pipeline import FetchOptions

        return FetchOptions(
            respect_robots=not self.ignore_robots,
            read_timeout=self.timeout,
            request_timeout=self.request_timeout,
            max_time=self.max_time,
            min_delay=self.delay,
            api_keys={"disqus": self.disqus_key} if self.disqus_key else {},
            on_event=on_event,
            **more,
        )


def network_options(command):
    """Add --ignore-robots, --timeout, --request-timeout, --max-time, --delay and --disqus-key to a
    command; it receives them as one `net: Network` keyword argument."""
    signature = inspect.signature(command, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != "net"]
    added = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a) for n, a, d in _NETWORK]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        net = Network(**{n: kwargs.pop(n) for n, _, _ in _NETWORK})
        return command(*args, net=net, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*kept, *added])
    wrapper.__annotations__ = {p.name: p.annotation for p in (*kept, *added)}
    del wrapper.__wrapped__  # typer reads the signature above, not the command's
    return wrapper
