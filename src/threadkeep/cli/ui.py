"""The command line's terminal side: colour, consoles, the pager, progress bars, event and error lines.

Colour (`--color auto|always|never`): auto colours a stream that is a terminal, unless NO_COLOR is
set to anything but the empty string (https://no-color.org) or TERM is `dumb`, and colours a
pipe too when FORCE_COLOR is set (and NO_COLOR is not); `always` and `never`
win over all of them. Without colour nothing but the text itself is written (no escape codes).
Rich is imported only when something is drawn, so that a command that prints a line starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadkeep.sync import ThreadResult


class State:
    verbose = False
    debug = False
    color = "auto"  # auto | always | never


def safe(text: str) -> str:
    from threadkeep.html.textsafe import terminal_safe

    return terminal_safe(text)


def use_color(stream, *, forced_by_env: bool = True) -> bool:
    """Whether to colour `stream` (see the module's docstring; FORCE_COLOR only where
    `forced_by_env`: it is for the output, not for the one-line error prefix)."""
    if State.color in ("always", "never"):
        return State.color == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if forced_by_env and os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_console(*, file=None, width: int | None = None):
    """A console for standard output (or `file`) that colours only as the user asked."""
    from rich.console import Console

    color = use_color(sys.stdout)
    return Console(
        file=file,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        width=width,
    )


def pager_command() -> list[str] | None:
    """The pager: $PAGER (empty means none) or `less -R`."""
    import shlex

    command = os.environ.get("PAGER")
    if command is None:
        return ["less", "-R"]
    return shlex.split(command) or None


def print_paged(renderable, *, pager: bool = True) -> None:
    """Print `renderable` (a rich renderable, or text printed as it is) to standard output; through
    the pager when stdout is a terminal, paging is allowed and the output is taller than the screen."""
    import shutil

    if not (pager and sys.stdout.isatty()):
        if isinstance(renderable, str):
            sys.stdout.write(renderable)
            sys.stdout.flush()
        else:
            stdout_console().print(renderable)
        return
    size = shutil.get_terminal_size()
    if isinstance(renderable, str):
        text = renderable
    else:
        import io

        buffer = io.StringIO()
        stdout_console(file=buffer, width=size.columns).print(renderable)
        text = buffer.getvalue()
    command = pager_command()
    if command is None or text.count("\n") < size.lines:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git does: keep colours, no screen clearing
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: print as if there were none
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8", errors="replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less uses it to stop a search)
            continue


@contextmanager
def fetch_progress():
    """A rich progress bar on stderr for long fetches (feed pages), only when stderr is a terminal.
    The bar is what gives way on a narrow terminal: the count and the clock are always whole."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Column

    color = use_color(sys.stderr)
    with Progress(
        TextColumn("{task.description}", table_column=Column(no_wrap=True)),
        BarColumn(bar_width=None, table_column=Column(ratio=1)),
        MofNCompleteColumn(table_column=Column(no_wrap=True)),
        TimeElapsedColumn(table_column=Column(no_wrap=True)),
        console=Console(stderr=True, no_color=not color),
        transient=True,
        expand=True,
    ) as progress:
        tasks: dict[str, int] = {}

        def on_progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(f"comments from the {what}", total=total)
            progress.update(tasks[what], completed=done, total=total)

        yield on_progress


def _retry_cause(event) -> str:
    """The reason of a retry event (`URL: CAUSE; retry 1/3 in 4.0 s`), or its whole message."""
    message = str(event)
    cause = getattr(event, "cause", None)
    if cause:
        return cause
    head = f"{event.url}: "
    if message.startswith(head) and "; retry " in message:
        return message[len(head) : message.rindex("; retry ")]
    return message


def event_printer():
    """A callback for fetch events: every one on stderr with -v; without it, retries only, and
    only when stderr is a terminal (a person waiting should know why; a cron mail need not)."""

    def on_event(event) -> None:
        if State.verbose:
            print(f"threadkeep: {safe(str(event))}", file=sys.stderr)
        elif event.kind == "retry" and sys.stderr.isatty():
            delay = f"{event.delay:.0f}" if event.delay >= 1 else f"{event.delay:.1f}"
            line = f"retrying in {delay} s ({_retry_cause(event)})"  # short: -v has the URL and the count
            print(f"threadkeep: {safe(line)}", file=sys.stderr, flush=True)

    return on_event


def warning(message: str) -> None:
    _line("warning", "33", message)


def shortfall_message(name: str, declared: int, held: int) -> str:
    """One line: 'URL: the page says 32 comments; the archive holds 20'."""
    return f"{name}: the page says {declared} comment{'s' * (declared != 1)}; the archive holds {held}"


def error(message: str) -> None:
    _line("error", "31", message)


def _line(kind: str, colour: str, message: str) -> None:
    """One line on stderr, `threadkeep: KIND: message`, the prefix coloured when colour is on."""
    text = " ".join(safe(message).split())
    if use_color(sys.stderr, forced_by_env=False):
        sys.stderr.write(f"\x1b[{colour}mthreadkeep: {kind}:\x1b[0m {text}\n")
    else:
        sys.stderr.write(f"threadkeep: {kind}: {text}\n")


@contextmanager
def sync_progress(
    console, on_result: Callable[[ThreadResult], None] | None = None
) -> Iterator[tuple[Callable[[int], None], Callable[[ThreadResult], None]]]:
    """(on_start, on_result) callbacks for sync(): a rich progress bar on `console`, or none.
    On a narrow terminal the last thread's URL gives way first (cut with …), then the bar; the
    count and the clock stay whole."""
    if console is None:

        def quiet_result(result: ThreadResult) -> None:
            if on_result is not None:
                on_result(result)

        yield (lambda total: None), quiet_result
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Column

    bar = max(8, min(40, console.width // 5))
    progress = Progress(
        TextColumn("syncing", markup=False, table_column=Column(no_wrap=True)),
        BarColumn(bar_width=bar, table_column=Column(no_wrap=True)),
        MofNCompleteColumn(table_column=Column(no_wrap=True)),
        TimeElapsedColumn(table_column=Column(no_wrap=True)),
        TextColumn(
            "{task.fields[last]}", markup=False, table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")
        ),
        console=console,
        transient=True,
        expand=True,
    )
    task = progress.add_task("sync", total=None, last="")

    def start(total: int) -> None:
        progress.update(task, total=total)

    def result(r: ThreadResult) -> None:
        progress.update(task, advance=1, last=safe(f"{r.status}: {r.url}"))
        if on_result is not None:
            on_result(r)

    with progress:
        yield start, result
