"""Text made inert for a terminal (and free of lone surrogates), with nothing but `re`: the command
line loads this on every run, without the HTML toolkit (sanitize.py re-exports both functions)."""

from __future__ import annotations

import re

__all__ = ["no_surrogates", "terminal_safe"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Text with every lone surrogate (JSON can carry "\\ud800"; UTF-8 cannot) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() else text


# What is removed: escape sequences first, then every C0 and C1 control but \t and \n (ESC,
# CR, BEL, backspace, ...), DEL, and the bidi controls (embeddings, overrides, isolates, marks)
# that reorder what a reader sees. Zero-width joiners stay: emoji sequences need them.
# An unterminated string sequence (OSC, DCS, ...) ends at the end of its line, so that one stray
# ESC cannot swallow the rest of a comment. The 8-bit forms (U+009B CSI, U+009D OSC) are not
# parsed as sequences: a lone C1 character is what mis-decoded Latin-1 text is full of, and
# removing the character alone (by _CONTROLS) already leaves nothing a terminal acts on.
_ESCAPE_SEQ = re.compile(
    r"\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST (OSC-8 hyperlinks, titles)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor movement)
    r"|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]"  # other escapes: ESC c (reset), ESC 7, ESC ( 0 (charset), ...
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def terminal_safe(text: str | None) -> str:
    """Text that cannot act on a terminal: escape sequences and controls removed, bidi neutralised."""
    if not text:
        return ""
    return _CONTROLS.sub("", _ESCAPE_SEQ.sub("", no_surrogates(text)))
