"""The body cut into runs: the inline content between block boundaries and direct <br> children.

A `<div>` per paragraph, a `<p>` with `<br>` between labelled lines, and text written straight
into the body with `<br><br>` are all read the same way. The walk is iterative (pages nest
100k levels deep).
"""

from __future__ import annotations

import re

from threadkeep.html.sanitize import BLOCK_TAGS

__all__ = ["Run", "cut_runs", "wrap_run"]

_SKIP_TEXT = {"script", "style", "noscript", "template"}
_CONTAINERS = BLOCK_TAGS | {"body", "html", "center", "main", "nav", "form", "fieldset", "details", "summary", "text"}
_MEDIA = {"img", "video", "audio", "iframe", "object", "embed", "svg", "picture", "canvas"}
_LEAD_TAGS = {"b", "strong", "u", "em", "i"}
_EMPHASIS_TAGS = _LEAD_TAGS | {"a", "cite", "span", "font"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")


class Run:
    """Inline content of one container between two boundaries (block children, direct <br>)."""

    __slots__ = ("emphasis", "has_media", "hrefs", "lead_text", "links", "nodes", "parent", "start_after", "text")

    def __init__(self, parent, start_after) -> None:
        self.parent = parent
        self.start_after = start_after  # the boundary element whose tail opens the run; None: parent.text
        self.nodes: list = []
        self.text = ""
        self.lead_text: str | None = None  # the text of a leading <b>/<strong>/<u>, if the run opens with one
        self.has_media = False
        self.emphasis: list[str] = []  # texts of its bold, italic, linked and cited inline elements
        self.hrefs: list[str] = []  # the links in it
        self.links: list[tuple[str, str]] = []  # (href, text) of its own <a> elements


def _bold_style(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "font-weight:bold" in style or bool(re.search(r"font-weight:[6-9]00", style))


def _is_emphasis(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else None
    return tag in _LEAD_TAGS or (tag in ("span", "font") and _bold_style(el))


def _wrapped_lead(node, limit: int = 8):
    """The bold element a plain wrapper opens with (Blogger's `<span style="font-family:…"><b>BACKGROUND:</b> …`)."""
    for _ in range(limit):
        tag = node.tag if isinstance(node.tag, str) else None
        if tag not in ("span", "font", "div") or (node.text or "").strip() or len(node) == 0:
            return None
        node = node[0]
        if not isinstance(node.tag, str):
            return None
        if _is_emphasis(node):
            return node
    return None


def _tidy(raw: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _inline_text(node, out: list[str]) -> bool:
    """Append the text of an inline element (not its tail); <br> is a newline. True if it holds media."""
    media = False
    stack: list[tuple[object, bool]] = [(node, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            if el is not node and el.tail:
                out.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP_TEXT:
            if el is not node and el.tail:
                out.append(el.tail)
            continue
        if tag in _MEDIA:
            media = True
        if tag == "br":
            out.append("\n")
        if el.text:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return media


def _containers(body) -> set:
    """Elements that hold blocks: block tags, and any element with a block inside (one pass, no recursion)."""
    elements = [el for el in body.iter() if isinstance(el.tag, str)]
    found = set()
    for el in reversed(elements):  # descendants before ancestors
        if el.tag in _CONTAINERS or any(child in found for child in el):
            found.add(el)
    found.add(body)
    return found


def cut_runs(body) -> tuple[list[Run], dict]:
    """The body's runs in reading order, and for each container its runs and whether it holds containers."""
    containers = _containers(body)
    runs: list[Run] = []
    info: dict = {}  # container -> [runs, has_container_child]
    stack: list = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, Run):
            runs.append(item)
            continue
        el = item
        own: list[Run] = []
        items: list = []
        has_child_container = False
        run = Run(el, None)
        parts = [el.text or ""]
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if child in containers or tag == "br":
                run.text = _tidy("".join(parts))
                own.append(run)
                items.append(run)
                if child in containers:
                    has_child_container = True
                    items.append(child)
                run = Run(el, child)
                parts = [child.tail or ""]
                continue
            if tag is not None:
                node_parts: list[str] = []
                run.has_media |= _inline_text(child, node_parts)
                emphasised = tag in _EMPHASIS_TAGS and ((tag != "span" and tag != "font") or _bold_style(child))
                if emphasised:
                    run.emphasis.append(_tidy("".join(node_parts)))
                if not run.nodes and not "".join(parts).strip():
                    lead = child if emphasised and tag not in ("a", "cite") else _wrapped_lead(child)
                    if lead is not None:
                        lead_parts: list[str] = []
                        _inline_text(lead, lead_parts)
                        run.lead_text = _tidy("".join(lead_parts))
                        if lead is not child:
                            run.emphasis.append(run.lead_text)
                if tag == "a" and child.get("href"):
                    run.hrefs.append(child.get("href"))
                    run.links.append((child.get("href"), _tidy("".join(node_parts))))
                run.hrefs.extend(a.get("href") for a in child.iter("a") if a is not child and a.get("href"))
                parts.extend(node_parts)
            run.nodes.append(child)
            if child.tail:
                parts.append(child.tail)
        run.text = _tidy("".join(parts))
        own.append(run)
        items.append(run)
        info[el] = (own, has_child_container)
        stack.extend(reversed(items))
    return runs, info


def wrap_run(run: Run):
    """Put a run's text and inline nodes into a <span> of its own (so it can be dropped whole)."""
    parent = run.parent
    span = parent.makeelement("span", {})
    if run.start_after is None:
        span.text, parent.text = parent.text, None
        parent.insert(0, span)
    else:
        span.text, run.start_after.tail = run.start_after.tail, None
        parent.insert(parent.index(run.start_after) + 1, span)
    for node in run.nodes:
        span.append(node)  # lxml moves the node's tail with it
    return span
