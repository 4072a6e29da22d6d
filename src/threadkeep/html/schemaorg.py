"""schema.org `Comment` markup, in any of its three syntaxes, read into a comment tree.

    comments, elements = schema_comments(page)   # ([] , []) when the page marks none

- **microdata**: an element with `itemscope itemtype="https://schema.org/Comment"` (or the
  older `UserComments`, with `commentText`, `commentTime` and `creator`; often
  `itemprop="comment"` of the post); its properties (`itemprop`) are the nearest ones, not
  those of an item inside it;
- **RDFa**: `typeof="schema:Comment"` (or `typeof="Comment"` under `vocab="https://schema.org/"`)
  with `property="schema:text"` etc.;
- **JSON-LD**: `<script type="application/ld+json">` objects whose `@type` is `Comment`, on
  their own, in `@graph`, or in a post's `comment` list.

Read from each comment: `text` (`commentText` in the old vocabulary; HTML for the two markup
syntaxes), `author` (a `Person`/`Organization` with `name` and `url`, or a plain name),
`dateCreated` / `datePublished` (`commentTime` of old), `url`, and its id (`itemid`,
`resource`/`about`, `@id`, the element's id). A reply is a comment inside another comment: an
element inside it, an object in its `comment` list, or one whose `parentItem` names it. A
comment with no text of its own is not taken (a count or a teaser is not a comment).

The elements are returned so that a caller can take the comments out of the article body.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml import html as lxml_html

from threadkeep.comment_ids import CommentIds
from threadkeep.dates import displayed_date, parse_date
from threadkeep.html.authors import clean_author
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.tree import build_tree

if TYPE_CHECKING:
    from threadkeep.html.page import Page

_SCHEMA = re.compile(r"^(?:https?://schema\.org/|schema:)")
_TYPES = ("Comment", "UserComments")  # UserComments: the older vocabulary (Genesis themes, 2012)
_TEXT = ("text", "commentText")
_DATES = ("dateCreated", "datePublished", "commentTime", "uploadDate")
_MARKERS = (
    "schema.org/Comment",
    "schema:Comment",
    "schema.org/UserComments",
    'typeof="Comment"',
    '"Comment"',
    "'Comment'",
)


def _name(value: str) -> str:
    return _SCHEMA.sub("", value.strip())


def _is_comment_element(el, vocab: bool) -> bool:
    types = el.get("itemtype") if el.get("itemscope") is not None else None
    if types and any(_name(t) in _TYPES for t in types.split()):
        return True
    typeof = el.get("typeof")
    if not typeof:
        return False
    return any(
        t == "schema:Comment" or (vocab and t == "Comment") or t.endswith("schema.org/Comment") for t in typeof.split()
    )


def _starts_item(el) -> bool:
    return el.get("itemscope") is not None or el.get("typeof") is not None


def _props(item) -> dict[str, list]:
    """The item's own properties: name -> elements, not descending into nested items."""
    found: dict[str, list] = {}
    stack = list(reversed([c for c in item.iterchildren() if isinstance(c.tag, str)]))
    while stack:
        el = stack.pop()
        names = (el.get("itemprop") or "") + " " + (el.get("property") or "") + " " + (el.get("rel") or "")
        for n in names.split():
            found.setdefault(_name(n), []).append(el)
        if not _starts_item(el):
            stack.extend(reversed([c for c in el.iterchildren() if isinstance(c.tag, str)]))
    return found


def _value(el) -> str:
    for attr in ("content", "datetime"):
        if el.get(attr) is not None:
            return el.get(attr).strip()
    if el.tag in ("a", "link", "area"):
        return (el.get("href") or "").strip()
    if el.tag in ("img", "source"):
        return (el.get("src") or "").strip()
    return text_of(el)


def _when(value: str | None, languages) -> str | None:
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):  # a date without a time stays one
        return value.strip()
    return parse_date(value) or displayed_date(value, languages=languages)


def _element_comment(page: Page, el, ids: CommentIds) -> Comment | None:
    props = _props(el)
    body = next((props[k][0] for k in _TEXT if k in props), None)
    if body is None:
        return None
    if body.get("content") is not None:  # <meta itemprop="text" content="...">
        text = body.get("content").strip()
        html = _escape_p(text)
    else:
        html, text = content(body)
    if not text.strip():
        return None
    name = url = None
    if "author" in props or "creator" in props:
        who = (props.get("author") or props.get("creator"))[0]
        if _starts_item(who):
            inner = _props(who)
            name = _value(inner["name"][0]) if "name" in inner else text_of(who)
            url = _value(inner["url"][0]) if "url" in inner else None
        else:
            name = _value(who) if who.tag not in ("a", "link") else text_of(who)
            url = who.get("href") if who.tag == "a" else None
    published = None
    for k in _DATES:
        if k in props:
            published = _when(_value(props[k][0]), page.languages)
            if published:
                break
    link = _value(props["url"][0]) if "url" in props else None
    own = el.get("itemid") or el.get("resource") or el.get("about") or el.get("id")
    return _comment(page, ids, own, text, html, name, url, published, link)


def _comment(page: Page, ids: CommentIds, own, text: str, html: str, name, url, published, link) -> Comment:
    """The Comment a schema.org Comment item describes (microdata, RDFa or JSON-LD alike)."""
    return Comment(
        id=ids.make(own, name, published, text),
        text=text,
        html=html,
        author=make_author(clean_author(name), page.absolute(url)),
        published=published,
        permalink=page.absolute(link),
    )


def _escape_p(text: str) -> str:
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{line}</p>" for line in safe.split("\n") if line.strip())


def _markup_comments(page: Page) -> tuple[list[Comment], list]:
    vocab = "schema.org" in (page.html[:200_000])
    ids = CommentIds()
    by_el: dict[object, Comment] = {}
    roots: list[Comment] = []
    elements = []
    for el in page.tree.iter():
        if not isinstance(el.tag, str) or not _is_comment_element(el, vocab):
            continue
        comment = _element_comment(page, el, ids)
        if comment is None:
            continue
        parent = next((by_el[a] for a in el.iterancestors() if a in by_el), None)
        if parent is None:
            roots.append(comment)
            elements.append(el)
        else:
            parent.replies.append(comment)
        by_el[el] = comment
    return roots, elements


# ---------------------------------------------------------------------- JSON-LD


def _types(obj: dict) -> list[str]:
    t = obj.get("@type")
    return [_name(x) for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _json_comment(page: Page, obj: dict, ids: CommentIds) -> Comment | None:
    raw = next((obj[k] for k in _TEXT if isinstance(obj.get(k), str)), None)
    if not raw or not raw.strip():
        return None
    fragment = None
    if "<" in raw and ">" in raw:
        try:
            fragment = lxml_html.fragment_fromstring(raw, create_parent="div")
        except (etree.ParserError, ValueError):
            fragment = None
    if fragment is not None:
        html, text = content(fragment)
    else:
        text = raw.strip()
        html = _escape_p(text)
    author = obj.get("author") or obj.get("creator")
    if isinstance(author, list):
        author = author[0] if author else None
    name = _text(author)
    url = author.get("url") if isinstance(author, dict) and isinstance(author.get("url"), str) else None
    published = next((p for k in _DATES if (p := _when(_text(obj.get(k)), page.languages))), None)
    link = obj.get("url") if isinstance(obj.get("url"), str) else None
    own = obj.get("@id") if isinstance(obj.get("@id"), str) else None
    return _comment(page, ids, own, text, html, name, url, published, link)


def _json_comments(page: Page) -> list[Comment]:
    ids = CommentIds()
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    own_ids: dict[str, str] = {}  # an object's @id -> its comment's id

    def visit(node: Any, parent: Comment | None, depth: int) -> None:
        if depth > 50:
            return
        if isinstance(node, list):
            for item in node:
                visit(item, parent, depth + 1)
            return
        if not isinstance(node, dict):
            return
        if "Comment" in _types(node):
            comment = _json_comment(page, node, ids)
            if comment is not None:
                flat.append(comment)
                parents[comment.id] = parent.id if parent is not None else None
                pointer = node.get("parentItem")
                pointer = pointer.get("@id") if isinstance(pointer, dict) else pointer
                if parent is None and isinstance(pointer, str):
                    parents[comment.id] = "@" + pointer
                if isinstance(node.get("@id"), str):
                    own_ids["@" + node["@id"]] = comment.id
                parent = comment
        for key, value in node.items():
            if key in ("comment", "@graph", "mainEntity", "hasPart", "itemListElement", "item") or (
                key == "mainEntityOfPage" and isinstance(value, dict)
            ):
                visit(value, parent, depth + 1)

    for script in page.tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or "Comment" not in (script.text or ""):
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        visit(data, None, 0)
    for cid, pid in parents.items():
        if pid and pid.startswith("@"):
            parents[cid] = own_ids.get(pid)
    return build_tree(flat, parents)


def schema_comments(page: Page) -> tuple[list[Comment], list]:
    """The page's schema.org comments (nested), and the top-level comments' elements (markup
    only): microdata or RDFa when the page marks its comments so, else JSON-LD."""
    html = page.html
    if not any(m in html for m in _MARKERS):
        return [], []
    comments, elements = _markup_comments(page)
    if comments:
        return comments, elements
    found = _json_comments(page)
    return found, []


__all__ = ["schema_comments"]
