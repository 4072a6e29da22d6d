"""threadkeep's command line (app.py: the commands; options.py: shared options; ui.py: the terminal)."""

from __future__ import annotations

import sys

import typer

from threadkeep.cli import warc_commands  # noqa: F401  (registers extract-warc and warc)
from threadkeep.cli.app import app
from threadkeep.cli.ui import error

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning every expected failure into one line + exit code."""
    import signal

    from threadkeep.errors import ThreadkeepError

    args = list(sys.argv[1:] if argv is None else argv)
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
        error(exc.format_message())
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
