"""The typer pieces threadkeep's commands are made of: plain help, plain usage errors, and values
read without pydantic.

- `App` is a typer.Typer whose commands are `Command`s and whose group is `Group`.
- Help: usage lines read `fetch [OPTIONS] SOURCE` (not `{source}`), an argument is listed by its
  name, an option by a metavar (`--timeout SECONDS`, `--format [json|md|tree|html]`; one made
  from the option's name where a command names none), ranges in words (`at least 1`), and the
  command list gives each command's summary whole, wrapped, at any width.
- Values: typer 0.29 reads every option through a pydantic TypeAdapter, and importing pydantic
  alone costs more than a whole `threadkeep show` may (docs/performance.md). The plain kinds
  threadkeep's commands use (str, int, float, Path, an Enum, a list of str) are read here
  instead, in threadkeep's own words (`'xml' is not one of json, md, tree, html`); any other
  kind is left to typer.
- `usage_message(exc)` turns a usage error (bad value, missing argument, unknown option or
  command) into one line naming the thing, the cause and where the help is.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup


class _Reader:
    """How one parameter's text becomes its value (typer's `coerce` contract)."""

    def __init__(self, kind: type, *, minimum=None, maximum=None, case_sensitive: bool = True) -> None:
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
        self.case_sensitive = case_sensitive

    def coerce(self, value, param, ctx):
        if value is None:
            return () if (param.multiple or param.nargs == -1) else None
        if param.multiple or param.nargs == -1:
            if isinstance(value, str):
                raise typer.BadParameter("expected several values", ctx=ctx, param=param)
            return [self.one(v, param, ctx) for v in value]
        return self.one(value, param, ctx)

    def one(self, value, param, ctx):
        kind = self.kind
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            result = value
        elif kind is bool:
            result = _TRUTH.get(str(value).strip().lower())
            if result is None:
                raise typer.BadParameter(f"{value!r} is not yes or no", ctx=ctx, param=param)
        elif issubclass(kind, Enum):
            result = self._choice(str(value), param, ctx)
        elif kind is int:
            try:
                result = int(str(value).strip())
            except ValueError:
                raise typer.BadParameter(f"{value!r} is not a whole number", ctx=ctx, param=param) from None
        elif kind is float:
            try:
                result = float(str(value).strip())
            except ValueError:
                result = math.nan
            if not math.isfinite(result):
                raise typer.BadParameter(f"{value!r} is not a number", ctx=ctx, param=param)
        elif kind is Path:
            if not str(value):
                raise typer.BadParameter("an empty path", ctx=ctx, param=param)
            result = Path(value)
        else:
            result = str(value)
        if self.minimum is not None and result < self.minimum:
            raise typer.BadParameter(f"{value} is less than {_number(self.minimum)}", ctx=ctx, param=param)
        if self.maximum is not None and result > self.maximum:
            raise typer.BadParameter(f"{value} is more than {_number(self.maximum)}", ctx=ctx, param=param)
        return result

    def _choice(self, text: str, param, ctx):
        members = list(self.kind)
        for member in members:
            name = str(member.value)
            if name == text or (not self.case_sensitive and name.lower() == text.lower()):
                return member
        names = ", ".join(str(m.value) for m in members)
        raise typer.BadParameter(f"{text!r} is not one of {names}", ctx=ctx, param=param)


_TRUTH = {"1": True, "true": True, "t": True, "yes": True, "y": True, "on": True}
_TRUTH.update({"0": False, "false": False, "f": False, "no": False, "n": False, "off": False, "": False})


def _number(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _reader_for(param) -> _Reader | None:
    """A reader for a parameter of a plain kind; None leaves the parameter to typer."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "_runtime_param"):
        return None
    info = descriptor.parameter_info
    kind = descriptor.annotation
    if getattr(kind, "__origin__", None) is list and getattr(kind, "__args__", ()) == (str,):
        kind = str
    if not isinstance(kind, type):
        return None
    plain_path = not (
        info.exists or info.resolve_path or info.allow_dash or info.writable or info.path_type is not None
    ) and (info.file_okay and info.dir_okay)
    if info.parser is not None or getattr(info, "clamp", False) or getattr(info, "formats", None):
        return None
    if kind is Path and not plain_path:
        return None
    if not (kind in (str, int, float, bool, Path) or issubclass(kind, Enum)):
        return None
    return _Reader(kind, minimum=info.min, maximum=info.max, case_sensitive=info.case_sensitive)


def _prepare(param) -> None:
    """Give a parameter its reader and a readable metavar (once)."""
    if getattr(param, "_threadkeep_ready", False):
        return
    param._threadkeep_ready = True
    reader = _reader_for(param)
    if reader is not None:
        param._runtime_param = reader
    descriptor = getattr(param, "type_descriptor", None)
    if param.metavar is not None or descriptor is None:
        return
    if param.param_type_name == "argument":
        param.metavar = (param.name or "value").upper()
    elif not getattr(param, "is_flag", False):
        choices = descriptor.choices
        if choices:
            param.metavar = "[" + "|".join(str(c.value if isinstance(c, Enum) else c) for c in choices) + "]"
        else:
            param.metavar = (param.name or "value").upper()


def _range_in_words(help_text: str) -> str:
    """`[default: 30.0; x>=0.1]` -> `[default: 30.0; at least 0.1]` (and at most, from … to …)."""

    def words(m: re.Match) -> str:
        text = m.group(0)
        if text.startswith("x>="):
            return f"at least {float(text[3:]):g}"
        if text.startswith("x<="):
            return f"at most {float(text[3:]):g}"
        low, _, high = text.partition("<=x<=")
        return f"from {float(low):g} to {float(high):g}"

    return re.sub(r"(?<=[\[; ])(?:x[<>]=-?[\d.]+|-?[\d.]+<=x<=-?[\d.]+)(?=[\];])", words, help_text)


def _usage_name(param) -> str:
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


class Command(TyperCommand):
    """A typer command with plain help (see the module's docstring)."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:  # here, not in __init__: --help and completion's options come later
            _prepare(param)
        return params

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_usage_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx, formatter) -> None:
        _format_params(self, ctx, formatter)


def _format_params(command, ctx, formatter) -> None:
    args, opts = [], []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        name, help_text = record
        if param.param_type_name == "argument":
            args.append((_usage_name(param).strip("[]"), _range_in_words(help_text)))
        else:
            opts.append((name, _range_in_words(help_text)))
    for title, rows in (("Arguments", args), ("Options", opts)):
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


class Group(TyperGroup):
    """The top-level group: the same plain help, and every command's summary whole."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            _prepare(param)
        return params

    def resolve_command(self, ctx, args):
        name, command, rest = self._resolve(ctx, args)
        if command is not None and not isinstance(command, Command):  # made with another class
            for param in command.get_params(ctx):
                _prepare(param)
        return name, command, rest

    def format_options(self, ctx, formatter) -> None:
        _format_params(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _resolve(self, ctx, args):
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            from difflib import get_close_matches

            close = get_close_matches(name, list(self.commands), n=3)
            also = f" (did you mean {' or '.join(close)}?)" if close else ""
            from typer._click.exceptions import UsageError

            raise UsageError(f"no such command {name!r}{also}", ctx=ctx)
        return super().resolve_command(ctx, args)


class App(typer.Typer):
    """typer.Typer whose commands are `Command`s and whose group is a `Group`.

    A run that names a command builds that command alone (typer builds every command's options
    from its signature on each run; `threadkeep fetch --help` needs one). `valued_options` are the
    group's options that take a value, skipped when looking for the command's name; a run whose
    command is not found (the group's help, a typo, shell completion) builds them all."""

    def __init__(self, *, valued_options: frozenset[str] = frozenset(), **kwargs) -> None:
        super().__init__(cls=Group, **kwargs)
        self.valued_options = valued_options

    def command(self, name: str | None = None, *, cls=None, **kwargs):
        return super().command(name, cls=cls or Command, **kwargs)

    def __call__(self, *args, **kwargs):
        named = self._named_command(kwargs.get("args"), kwargs.get("prog_name"))
        if named is None:
            return super().__call__(*args, **kwargs)
        import copy

        one = copy.copy(self)
        one.registered_commands = [named]
        return typer.Typer.__call__(one, *args, **kwargs)

    def _named_command(self, args, prog_name):
        import os

        if args is None or f"_{(prog_name or '').replace('-', '_').upper()}_COMPLETE" in os.environ:
            return None
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                return None
            if not arg.startswith("-"):
                break
            i += 2 if arg in self.valued_options else 1
        else:
            return None
        from typer.main import get_command_name

        for info in self.registered_commands:
            if (info.name or get_command_name(info.callback.__name__)) == args[i]:
                return info
        return None


def _param_name(param) -> str:
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return _usage_name(param).strip("[]")
    longs = [o for o in param.opts if o.startswith("--")]
    return (longs or param.opts or [param.name or ""])[0]


def usage_message(exc) -> str:
    """One line for a usage error: what, why, and where the help is."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    message = str(getattr(exc, "message", "") or "")
    if kind == "MissingParameter":
        what = _param_name(param) or "a value"
        command = ctx.command_path if ctx is not None else "threadkeep"
        text = f"{command} needs {what}"
    elif kind == "NoSuchOption":
        text = f"no such option {exc.option_name}"
        if exc.possibilities:
            text += f" (did you mean {' or '.join(sorted(exc.possibilities))}?)"
    elif kind == "BadOptionUsage" and message.endswith("requires an argument."):
        text = f"{exc.option_name} needs a value"
    elif kind == "BadOptionUsage" and message.endswith("does not take a value."):
        text = f"{exc.option_name} takes no value"
    elif kind == "BadParameter":
        text = f"{_param_name(param)}: {message}" if param is not None else message
    elif message.startswith("Got unexpected extra argument"):
        extra = message[message.rfind("(") + 1 : message.rfind(")")]
        text = f"unexpected argument{'s' if ' ' in extra else ''}: {extra}"
    else:
        text = (message[:1].lower() + message[1:]).rstrip(".")
    if ctx is not None:
        text += f"; see {ctx.command_path} --help"
    return text
