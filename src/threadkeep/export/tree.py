"""The terminal view: an article panel, an abstract panel and the comment tree (rich).

All page text goes into `rich.text.Text` objects (never parsed as console markup) after
`terminal_safe()` has removed escape sequences, control characters and bidi overrides.

Each comment shows at most SHOWN_CHARS characters and says how many more it has (`full=True`
shows all). A comment cut off by `depth` says how many replies it hides (`(+4 replies)`); an
edited comment (one with earlier versions in its history) is marked `edited`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from threadkeep.html.textsafe import terminal_safe
from threadkeep.model import Comment, Thread
from threadkeep.tree import count_replies

SHOWN_CHARS = 2000  # of one comment in the tree (full=True: all)


def _t(text: str | None, style: str = "") -> Text:
    return Text(terminal_safe(text), style=style)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _body(c: Comment, full: bool) -> tuple[str, str, str | None]:
    """(text, style, note) of a comment's body: past SHOWN_CHARS (unless full) cut, the note saying
    how much was left out."""
    if c.deleted or not c.text:
        return terminal_safe(c.text or "(no text)"), "dim italic", None
    if full or len(c.text) <= SHOWN_CHARS:
        return terminal_safe(c.text), "", None
    shown = c.text[:SHOWN_CHARS].rstrip()
    note = f"… {_plural(len(c.text) - len(shown), 'more character')} (--full shows them)"
    return terminal_safe(shown), "", note


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


_WORD = re.compile(r"\s*\S+\s*|\s+")


def wrap(line: str, width: int) -> Iterator[str]:
    """One line of text (no newline) wrapped at word boundaries to `width` cells, greedy, trailing
    spaces dropped; a word longer than a line is cut. Linear in the line's length."""
    if _cells(line) <= width:
        yield line.rstrip()
        return
    current, used = "", 0
    for word in _WORD.findall(line):
        bare = word.rstrip()
        size = _cells(bare)
        if current and used + size > width:
            yield current.rstrip()
            current, used = "", 0
            word, bare = word.lstrip(), bare.lstrip()
            size = _cells(bare)
        if size > width:  # cut the word itself
            pieces = (
                chop_cells(bare, width)
                if not bare.isascii()
                else [bare[i : i + width] for i in range(0, len(bare), width)]
            )
            yield from pieces[:-1]
            word, bare = pieces[-1] + word[len(word.rstrip()) :], pieces[-1]
            size = _cells(bare)
        current += word
        used += _cells(word)
    if current.strip():
        yield current.rstrip()


class _CommentTree:
    """The comment tree, drawn line by line (guides `├── `, `│   `, `└── `) with each line its own
    few segments. (rich's Tree renders every node through the whole layout engine and re-splits
    wrapped text: some 0.5 s for 1,000 comments, and quadratic in the length of one comment.)"""

    def __init__(self, title: str, comments: list[Comment], depth: int | None, full: bool) -> None:
        self.title, self.comments, self.depth, self.full = title, comments, depth, full

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        styles: dict[str, Style] = {}

        def style(name: str) -> Style | None:
            if not name:
                return None
            if name not in styles:
                styles[name] = console.get_style(name)
            return styles[name]

        newline = Segment.line()
        yield Segment(self.title, style("bold"))
        yield newline
        stack = [(c, "", i == 0) for i, c in enumerate(reversed(self.comments))]
        while stack:
            c, prefix, last = stack.pop()
            guide = prefix + ("└── " if last else "├── ")
            inner = prefix + ("    " if last else "│   ")
            room = max(10, width - len(inner))
            for i, line in enumerate(_label(c).wrap(console, room)):
                line.rstrip()
                yield Segment(guide if i == 0 else inner)
                yield from line.render(console, end="")
                yield newline
            text, text_style, note = _body(c, self.full)
            for paragraph in text.split("\n"):
                for line in wrap(paragraph, room):
                    yield Segment(inner.rstrip() if not line else inner)
                    if line:
                        yield Segment(line, style(text_style))
                    yield newline
            if note:
                yield Segment(inner)
                yield Segment(note, style("dim"))
                yield newline
            if self.depth is not None and c.depth >= self.depth and c.replies:
                n = count_replies(c)
                yield Segment(inner + "└── ")
                yield Segment(f"(+{n:,} {'reply' if n == 1 else 'replies'})", style("dim"))
                yield newline
                continue
            kids = c.replies
            stack.extend((r, inner, i == 0) for i, r in enumerate(reversed(kids)))


def _label(c: Comment) -> Text:
    label = Text.assemble(
        (c.number, "bold cyan"),
        " ",
        _t(c.author.name or ("(deleted)" if c.deleted else "(unknown)"), "bold"),
    )
    if c.author.is_post_author:
        label.append(" (post author)", style="magenta")
    if c.kind != "comment":
        label.append(f" [{c.kind}]", style="yellow")
    if c.published:
        label.append(" · ")
        label.append(_t(c.published, "dim"))
    if c.deleted:
        label.append(" · deleted", style="red")
    if c.history and not c.deleted:
        label.append(f" · edited ({_plural(len(c.history), 'earlier version')})", style="yellow")
    if c.removed_upstream_at:
        label.append(" · removed upstream ", style="red")
        label.append(_t(c.removed_upstream_at, "red"))
    return label


def comment_tree(thread: Thread, depth: int | None = None, *, full: bool = True) -> RenderableType:
    stats = thread.stats()
    title = f"Comments: {stats['comments']} ({stats['top_level']} top level, depth {stats['max_depth']})"
    return _CommentTree(title, thread.comments, depth, full)


def to_tree(
    thread: Thread, *, depth: int | None = None, show_article: bool = True, full: bool = True
) -> RenderableType:
    parts: list[RenderableType] = []
    a = thread.article
    if show_article:
        meta = Text()
        for piece in (
            a.author.name,
            a.published,
            ", ".join(a.labels) if a.labels else None,
            a.url or thread.source.url,
        ):
            if piece:
                if meta:
                    meta.append(" · ", style="dim")
                meta.append(_t(piece, "dim"))
        parts.append(
            Panel(
                Text("\n").join([meta, Text(""), _t(a.text)]),
                title=_t(a.title or "Untitled", "bold"),
                title_align="left",
            )
        )
        if thread.abstract:
            ab = thread.abstract
            body: list[Text] = []
            if ab.citation and ab.citation.text:
                body += [_t(ab.citation.text, "italic"), Text("")]
            for i, s in enumerate(ab.sections):
                if i:
                    body.append(Text(""))
                body.append(Text.assemble((terminal_safe(s.label) + ": ", "bold"), terminal_safe(s.text)))
            ids = ab.identifiers
            id_line = " · ".join(
                x
                for x in (
                    f"DOI {ids.doi}" if ids.doi else "",
                    f"PMID {ids.pmid}" if ids.pmid else "",
                    f"PMCID {ids.pmcid}" if ids.pmcid else "",
                    ("trials " + ", ".join(ids.trials)) if ids.trials else "",
                )
                if x
            )
            if id_line:
                body += [Text(""), _t(id_line, "dim")]
            parts.append(Panel(Text("\n").join(body), title="Abstract", title_align="left"))
    if thread.external_comments and not thread.external_comments.archived:
        parts.append(_t(thread.external_comments.note, "yellow"))
    if thread.not_archived:
        parts.append(Text(f"{thread.not_archived} more comments were not archived", style="yellow"))
    parts.append(comment_tree(thread, depth, full=full))
    return Group(*parts)
