"""Blogger's 2012 script-threaded comments (`div#comment-holder`, `bc_0_…` element ids).

The template writes each comment twice: rendered (`li.comment` with a `bc_0_…B` id and a
`div.comment-block` whose id is `c` + the comment id), and as the `items` list of the inline
script that renders them (`var items = [{'id': …, 'parentId': …, 'body': …, 'timestamp': …,
'permalink': …, 'author': {'name': …, 'profileUrl': …}, 'displayTime': …}, …]`). The script
is read first: it gives every comment's id, parent and exact time (epoch milliseconds). The
rendered list is read when the script is missing (a page saved without its scripts).

The list is a JavaScript literal (single-quoted strings, octal escapes such as `\\46` for
`&`), not JSON: `js_literal` reads that small subset of JavaScript.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.timefmt import epoch_ms_to_iso
from threadkeep.tree import build_tree

_ITEMS = re.compile(r"\bvar\s+items\s*=\s*\[")
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)"""
    r"""|(?P<word>[A-Za-z_$][\w$]*)|(?P<punct>[\[\]{}:,]))""",
    re.DOTALL,
)


class NotLiteral(ValueError):
    """The text is not a JavaScript literal of the subset read here."""


def _unescape(m: re.Match) -> str:
    octal, hex2, hex4, other = m.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hex2 or hex4:
        return chr(int(hex2 or hex4, 16))
    return _SIMPLE.get(other, other)


def js_literal(text: str, start: int = 0):
    """The JavaScript literal (arrays, objects, strings, numbers, true/false/null) at `start`."""
    tokens = _tokens(text, start)
    value = _value(tokens)
    return value


def _tokens(text: str, pos: int):
    while True:
        m = _TOKEN.match(text, pos)
        if not m:
            raise NotLiteral(f"unexpected text at {pos}")
        pos = m.end()
        yield m


def _value(tokens, tok=None):
    tok = tok or next(tokens)
    kind = tok.lastgroup
    raw = tok.group(kind)
    if kind == "str":
        return _ESCAPE.sub(_unescape, raw[1:-1])
    if kind == "num":
        return float(raw) if "." in raw else int(raw)
    if kind == "word":
        return {"true": True, "false": False, "null": None, "undefined": None}.get(raw, raw)
    if raw == "[":
        items = []
        while True:
            tok = next(tokens)
            if tok.group("punct") == "]":
                return items
            if tok.group("punct") == ",":
                continue
            items.append(_value(tokens, tok))
    if raw == "{":
        obj = {}
        while True:
            tok = next(tokens)
            if tok.group("punct") == "}":
                return obj
            if tok.group("punct") == ",":
                continue
            key = _value(tokens, tok)
            if next(tokens).group("punct") != ":":
                raise NotLiteral("expected ':'")
            obj[str(key)] = _value(tokens)
    raise NotLiteral(f"unexpected {raw!r}")


def script_items(page: Page) -> list[dict] | None:
    """The `items` list of the script that renders `#comment-holder`, or None."""
    for script in page.tree.iter("script"):
        code = script.text or ""
        if "comment-holder" not in code and "items" not in code:
            continue
        m = _ITEMS.search(code)
        if not m:
            continue
        try:
            items = js_literal(code, m.end() - 1)
        except (NotLiteral, StopIteration, ValueError, RecursionError):
            return None
        return [it for it in items if isinstance(it, dict) and it.get("id")]
    return None


def holder_comments(page: Page, holder) -> list[Comment]:
    """The comments of a `#comment-holder`: from its script's list, else from the rendered list."""
    items = script_items(page)
    if items:
        return _from_items(page, items)
    return _from_rendered(page, holder)


def _from_items(page: Page, items: list[dict]) -> list[Comment]:
    from threadkeep.sites.blogger.page import is_removed

    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    for it in items:
        cid = str(it["id"])
        body = it.get("body") or ""
        fragment = _fragment(body)
        html, text = content(fragment)
        author = it.get("author") if isinstance(it.get("author"), dict) else {}
        deleted = "deleted-comment" in body or is_removed(text)
        flat.append(
            Comment(
                id=cid,
                text=text,
                html=html,
                author=make_author(author.get("name") or (None if deleted else "Anonymous"), author.get("profileUrl")),
                published=epoch_ms_to_iso(str(it.get("timestamp") or "")) or None,
                permalink=page.absolute(it.get("permalink")),
                deleted=deleted,
            )
        )
        parents[cid] = str(it["parentId"]) if it.get("parentId") else None
    return build_tree(flat, parents)


def _fragment(markup: str):
    """A comment body's markup as an element (None when empty or unreadable)."""
    if not markup.strip():
        return None
    try:
        return lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def _from_rendered(page: Page, holder) -> list[Comment]:
    """The rendered list: `li.comment` items, each with a `div.comment-block#cID`."""
    from threadkeep.sites.blogger.page import BloggerPage

    by_li: dict[object, Comment] = {}
    roots: list[Comment] = []
    for li in holder.iter("li"):
        if "comment" not in (li.get("class") or "").split():
            continue
        block = next((d for d in li.iterchildren("div") if "comment-block" in (d.get("class") or "")), None)
        if block is None or not (block.get("id") or "")[1:].isdecimal():
            continue
        cite = next(block.iter("cite"), None)
        link = next((a for a in cite.iter("a") if a.get("href")), None) if cite is not None else None
        stamp = next((s for s in block.iter("span") if "datetime" in (s.get("class") or "")), None)
        permalink_el = next(stamp.iter("a"), None) if stamp is not None else None
        permalink = page.absolute(permalink_el.get("href")) if permalink_el is not None else None
        body = next((el for el in block.iter() if "comment-content" in (el.get("class") or "")), None)
        html, text = content(body)
        comment = Comment(
            id=block.get("id")[1:],
            text=text,
            html=html,
            author=make_author(text_of(cite) or "Anonymous", page.absolute(None if link is None else link.get("href"))),
            published=BloggerPage.comment_time(permalink, text_of(stamp) if stamp is not None else None),
            permalink=permalink,
        )
        parent = next((by_li[a] for a in li.iterancestors("li") if a in by_li), None)
        (parent.replies if parent is not None else roots).append(comment)
        by_li[li] = comment
    return roots
