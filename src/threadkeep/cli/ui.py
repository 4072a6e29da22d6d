"""The command line's terminal side: consoles, the progress bars, event lines, error lines."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from threadkeep.html.sanitize import terminal_safe

if TYPE_CHECKING:
    from threadkeep.sync import ThreadResult


class State:
    verbose = False
    debug = False


def stdout_console(*, color: bool | None = None):
    from rich.console import Console

    return Console(force_terminal=color, no_color=(color is False), highlight=False, soft_wrap=False)


@contextmanager
def fetch_progress():
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


def event_printer():
    """A callback for fetch events: shown on stderr with -v only."""

    def on_event(event) -> None:
        if State.verbose:
            print(f"threadkeep: {terminal_safe(str(event))}", file=sys.stderr)

    return on_event


def warning(message: str) -> None:
    text = " ".join(terminal_safe(message).split())
    if sys.stderr.isatty():
        sys.stderr.write(f"\x1b[33mthreadkeep: warning:\x1b[0m {text}\n")
    else:
        sys.stderr.write(f"threadkeep: warning: {text}\n")


def shortfall_message(name: str, declared: int, held: int) -> str:
    """One line: 'URL: the page says 32 comments; the archive holds 20'."""
    return f"{name}: the page says {declared} comment{'s' * (declared != 1)}; the archive holds {held}"


def error(message: str) -> None:
    text = " ".join(terminal_safe(message).split())
    if sys.stderr.isatty():
        sys.stderr.write(f"\x1b[31mthreadkeep: error:\x1b[0m {text}\n")
    else:
        sys.stderr.write(f"threadkeep: error: {text}\n")


@contextmanager
def sync_progress(
    console, on_result: Callable[[ThreadResult], None] | None = None
) -> Iterator[tuple[Callable[[int], None], Callable[[ThreadResult], None]]]:
    """(on_start, on_result) callbacks for sync(): a rich progress bar on `console`, or none."""
    if console is None:

        def quiet_result(result: ThreadResult) -> None:
            if on_result is not None:
                on_result(result)

        yield (lambda total: None), quiet_result
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("syncing", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}", markup=False),
        console=console,
        transient=True,
    )
    task = progress.add_task("sync", total=None, last="")

    def start(total: int) -> None:
        progress.update(task, total=total)

    def result(r: ThreadResult) -> None:
        progress.update(task, advance=1, last=terminal_safe(f"{r.status}: {r.url}")[:80])
        if on_result is not None:
            on_result(r)

    with progress:
        yield start, result
