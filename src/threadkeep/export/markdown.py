"""Markdown: title, a metadata line, the article, the abstract as a quote, the comments as nested lists.

Everything that comes from the page is escaped, so no comment can break the document (open a
code block, start a heading, inject HTML or a link); the only links written are the archive's
own (permalinks, author pages), and only when they are http(s) or mailto.
"""

from __future__ import annotations

import re

from threadkeep.html.sanitize import terminal_safe
from threadkeep.model import Comment, Thread
from threadkeep.tree import count_replies

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
_LINE_START = re.compile(r"^([-+=>]|\d+(?=[.)]))")
# A URL written as a link: http(s) or mailto, and nothing a terminal, Markdown or a reader could
# be fooled by (whitespace, controls, bidi controls, brackets, quotes, a backslash that would
# escape the closing '>').
_SAFE_URL = re.compile(
    r"^(https?://|mailto:)[^\s\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff<>()\[\]`\"'\\]*\Z",
    re.IGNORECASE,
)
_LINE_BREAKS = re.compile(r"\s*[\n\u2028\u2029]\s*")


def escape(text: str | None) -> str:
    """Text with every character Markdown (or inline HTML) could act on backslash-escaped.

    For text that must stay on one line (names, titles, labels): line breaks become spaces, so
    that a field cannot end its line and start a heading, a list or a rule on the next.
    """
    if not text:
        return ""
    return _SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", terminal_safe(text)))


def escape_line(text: str) -> str:
    """A whole line of user text: escaped, and no list, heading, quote or rule marker at its start."""
    out = escape(text)
    m = _LINE_START.match(out)
    if m:
        out = out[: m.end()] + "\\" + out[m.end() :] if m.group(1)[0].isdecimal() else "\\" + out
    return out


def link(label: str, url: str | None) -> str:
    """A Markdown link when the URL is http(s)/mailto and plain; else just the escaped label."""
    if url and _SAFE_URL.match(url):
        return f"[{escape(label)}](<{url}>)"
    return escape(label)


def _paragraphs(text: str, indent: str) -> list[str]:
    lines = []
    for para in (text or "").split("\n\n"):
        para_lines = [escape_line(line.strip()) for line in para.split("\n") if line.strip()]
        if not para_lines:
            continue
        # two trailing spaces = a hard line break inside a paragraph
        lines.append(indent + ("  \n" + indent).join(para_lines))
        lines.append("")
    return lines


def _comment_head(c: Comment) -> str:
    who = escape(c.author.name or ("(deleted)" if c.deleted else "(unknown)"))
    if c.author.url and _SAFE_URL.match(c.author.url):
        who = link(c.author.name or c.author.url, c.author.url)
    parts = [f"**{escape(c.number)}** {who}"]
    if c.author.is_post_author:
        parts.append("(post author)")
    if c.kind != "comment":
        parts.append(escape(c.kind))
    if c.published:
        parts.append(escape(c.published))
    if c.permalink:
        parts.append(link("permalink", c.permalink))
    if c.deleted:
        parts.append("*deleted*")
    elif c.history:
        n = len(c.history)
        parts.append(f"*edited ({n} earlier version{'' if n == 1 else 's'})*")
    if c.removed_upstream_at:
        parts.append(f"*removed upstream {escape(c.removed_upstream_at)}*")
    return " · ".join(parts)


def _comments(comments: list[Comment], depth: int | None = None) -> list[str]:
    out: list[str] = []
    stack: list[tuple[int, Comment, str]] = [(i, c, "") for i, c in reversed(list(enumerate(comments, 1)))]
    while stack:
        position, c, indent = stack.pop()
        marker = f"{position}. "
        inner = indent + " " * len(marker)
        out.append(f"{indent}{marker}{_comment_head(c)}")
        out.append("")
        out.extend(_paragraphs(c.text, inner) or [inner + "*(no text)*", ""])
        if depth is not None and c.depth >= depth and c.replies:
            n = count_replies(c)
            out += [f"{inner}*(+{n} repl{'y' if n == 1 else 'ies'})*", ""]
            continue
        stack.extend((i, r, inner) for i, r in reversed(list(enumerate(c.replies, 1))))
    return out


def to_markdown(thread: Thread, *, depth: int | None = None, show_article: bool = True) -> str:
    """The thread as Markdown; `depth` cuts the comment tree (saying what it hides), `show_article=False`
    leaves out the article and the abstract (the title and metadata line stay)."""
    a = thread.article
    lines = [f"# {escape(a.title or 'Untitled')}", ""]
    meta = []
    if a.author.name:
        meta.append(f"by {link(a.author.name, a.author.url)}")
    if a.published:
        meta.append(escape(a.published))
    if a.labels:
        meta.append("labels: " + ", ".join(escape(label) for label in a.labels))
    url = a.url or thread.source.url
    if url:
        meta.append(link("source", url))
    meta.append(escape(f"{thread.source.platform}, archived {thread.source.fetched_at or 'from a file'}"))
    lines += ["*" + " · ".join(meta) + "*", ""]
    if show_article:
        lines += _paragraphs(a.text, "")
    if thread.abstract and show_article:
        ab = thread.abstract
        lines += ["## Abstract", ""]
        quote: list[str] = []
        if ab.citation and ab.citation.text:
            quote += [escape(ab.citation.text), ""]
        for s in ab.sections:
            quote += [f"**{escape(s.label)}:** {escape(s.text)}", ""]
        ids = ab.identifiers
        id_parts = []
        if ids.doi:
            id_parts.append("DOI " + link(ids.doi, f"https://doi.org/{ids.doi}"))
        if ids.pmid:
            id_parts.append(f"PMID {escape(ids.pmid)}")
        if ids.pmcid:
            id_parts.append(f"PMCID {escape(ids.pmcid)}")
        if ids.trials:
            id_parts.append("trials " + ", ".join(escape(t) for t in ids.trials))
        if id_parts:
            quote += [" · ".join(id_parts), ""]
        while quote and not quote[-1]:
            quote.pop()
        lines += [("> " + q) if q else ">" for q in quote]
        lines.append("")
    stats = thread.stats()
    lines += [f"## Comments ({stats['comments']})", ""]
    if thread.external_comments and not thread.external_comments.archived:
        lines += [f"*{escape(thread.external_comments.note)}*", ""]
    if thread.not_archived:
        lines += [f"*{thread.not_archived} more comments were not archived (hidden behind the platform's links)*", ""]
    if not thread.comments:
        lines += ["*No comments.*", ""]
    lines += _comments(thread.comments, depth)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
