"""threadkeep's command line (app.py: the commands; options.py: shared options; ui.py: the terminal;
base.py: plain help, plain usage errors, values read without pydantic).

Importing this package imports nothing else: `threadkeep --version` is answered before typer is
imported, and each command imports what it needs in its body (docs/performance.md).
"""

from __future__ import annotations

import sys

__all__ = ["app", "main"]


def __getattr__(name: str):
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app():
    """The typer app with every command registered."""
    from threadkeep.cli import (
        blog_commands,  # noqa: F401  (registers discover)
        warc_commands,  # noqa: F401  (registers extract-warc and warc)
    )
    from threadkeep.cli.app import app

    return app


_GLOBAL_FLAGS = frozenset({"--verbose", "-v", "--debug"})
GLOBAL_VALUED = frozenset({"--color", "--sites"})


def hoist_global_options(args: list[str]) -> list[str]:
    """The global options (--color, --sites, -v, --debug) moved before the command, so that they
    work after it too (`threadkeep show x.json --color never`). Nothing after `--` is moved."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if rest and arg in _GLOBAL_FLAGS:
            front.append(arg)
        elif rest and name in GLOBAL_VALUED:
            front.append(arg)
            if "=" not in arg and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        elif not rest and (arg in _GLOBAL_FLAGS or name in GLOBAL_VALUED or arg in ("--version", "--help")):
            front.append(arg)
            if name in GLOBAL_VALUED and "=" not in arg and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _asks_version(args: list[str]) -> bool:
    """Whether `--version` comes before the command (where the app's eager --version answers)."""
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        if arg == "--version":
            return True
        if arg in _GLOBAL_FLAGS:
            i += 1
        elif name in GLOBAL_VALUED:
            i += 1 if "=" in arg else 2
        else:
            return False
    return False


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning every expected failure into one line + exit code."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    if _asks_version(args):  # before typer is imported: the quickest answer
        from threadkeep._version import __version__

        print(f"threadkeep {__version__}")
        sys.exit(0)
    import signal

    import typer

    from threadkeep.cli.base import usage_message
    from threadkeep.cli.ui import error
    from threadkeep.errors import ThreadkeepError

    app = _app()
    debug = "--debug" in args
    try:  # SIGTERM ends a run as Ctrl-C does: temporaries removed, one line, exit 130
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:  # not the main thread (an embedding program)
        pass
    try:
        code = app(args=args, prog_name="threadkeep", standalone_mode=False)
    except ThreadkeepError as exc:
        if debug:
            raise
        error(str(exc))
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(2)
        error(usage_message(exc))
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # an unexpected failure: still one line unless --debug
        if debug:
            raise
        error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
