"""The terminal view: an article panel, an abstract panel and the comment tree (rich).

All page text goes into `rich.text.Text` objects (never parsed as console markup) after
`terminal_safe()` has removed escape sequences, control characters and bidi overrides.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from threadkeep.html.sanitize import terminal_safe
from threadkeep.model import Comment, Thread


def _t(text: str | None, style: str = "") -> Text:
    return Text(terminal_safe(text), style=style)


def _comment_label(c: Comment) -> Text:
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
    if c.removed_upstream_at:
        label.append(" · removed upstream ", style="red")
        label.append(_t(c.removed_upstream_at, "red"))
    body = _t(c.text or "(no text)", "dim italic" if c.deleted or not c.text else "")
    return Text("\n").join([label, body])


def comment_tree(thread: Thread, depth: int | None = None) -> Tree:
    stats = thread.stats()
    title = f"Comments: {stats['comments']} ({stats['top_level']} top level, depth {stats['max_depth']})"
    root = Tree(Text(title, style="bold"))
    stack: list[tuple[Tree, Comment]] = [(root, c) for c in reversed(thread.comments)]
    while stack:
        parent, c = stack.pop()
        if depth is not None and c.depth > depth:
            continue
        node = parent.add(_comment_label(c))
        stack.extend((node, r) for r in reversed(c.replies))
    return root


def to_tree(thread: Thread, *, depth: int | None = None, show_article: bool = True) -> RenderableType:
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
    parts.append(comment_tree(thread, depth))
    return Group(*parts)
