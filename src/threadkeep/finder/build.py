"""Building the comments of the signature that won: each block's author, time, own text (a copy
without its author line, date and action links), nesting by structure; and the article body
without the comments found inside it."""

from __future__ import annotations

import copy
import re

from lxml import etree

from threadkeep.comment_ids import CommentIds
from threadkeep.dates import DATE_RE, displayed_date, find_date, numeric_order, parse_date
from threadkeep.finder.names import EXCLUDED_TAGS, ITEM_TAGS, REGION_RE
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.select import classes
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.tree import build_tree


class _Signals:
    """Per-element flags computed once over the candidate part of the page."""

    __slots__ = ("author", "excluded", "time")

    def __init__(self) -> None:
        self.author: set = set()
        self.time: set = set()
        self.excluded: set = set()


def _author_name(el) -> tuple[str | None, str | None]:
    """The name and link an author signal shows, as a reader sees the name (clean_author: no
    "says:", no "Posted by", no date or "2 hours ago" glued on)."""
    link = el if el.tag == "a" else next((a for a in el.iter("a") if text_of(a)), None)
    tries = [(text_of(link), link)] if link is not None else []
    if el is not link:
        tries.append((text_of(el), None))  # "Posted by: NAME | <a>date</a>": the name is not linked
    if el.tag == "img":
        tries.append(((el.get("alt") or "").strip(), None))
    for shown, source in tries:
        for part in _SEPARATORS.split(shown):  # "Posted by: NAME | DATE", "DATE | NAME"
            name = clean_author(part)
            if name and not DATE_RE.fullmatch(name):
                return name, source.get("href") if source is not None else None
    return None, None


_SEPARATORS = re.compile(r"\s+[|·•]\s+|\s*\|\s*")


def _build(page: Page, instances: list[dict], signals: _Signals) -> tuple[list[Comment], list]:
    ids = CommentIds()
    by_el: dict[object, Comment] = {}
    parents: dict[str, str | None] = {}
    flat: list[Comment] = []
    instance_els = {rec["el"] for rec in instances}
    rec_by_el = {rec["el"]: rec for rec in instances}
    tops: list = []
    holders: set = set()  # elements that contain a comment block (walked up once each: linear)
    for rec in instances:
        for a in rec["el"].iterancestors():
            if a in holders or a in instance_els:
                break
            holders.add(a)
    # numeric dates read in the order the page's own dates show (07/04/2013: April or July)
    order = numeric_order(text_of(t) for rec in instances if rec["ok"] for t in rec["times"])
    for rec in instances:
        if not (rec["ok"] or rec.get("symbols")):
            continue
        el = rec["el"]
        name = url = None
        for a in rec["authors"]:
            name, url = _author_name(a)
            if name:
                break
        published = None
        for t in rec["times"]:
            published = parse_date(t.get("datetime") or t.get("content")) or find_date(t.get("title"))
            published = published or displayed_date(text_of(t), languages=page.languages, order=order)
            published = published or find_date(text_of(t))
            if published:
                break
        for a in rec["authors"] if not published else ():  # "geschrieben von X am 10. Mai. 2015, 19:11"
            published = displayed_date(text_of(a), languages=page.languages, order=order)
            if published:
                break
        body = _own_copy(el, instance_els, holders, set(rec["authors"]) | set(rec["times"]))
        html, text = content(body)
        if not text:
            continue
        permalink = None
        for t in rec["times"]:
            a = t if t.tag == "a" else t.find(".//a[@href]")
            if a is None:
                a = next(t.iterancestors("a"), None)
            if a is not None and a.get("href"):
                permalink = page.absolute(a.get("href"))
                break
        cid = ids.make(el.get("id"), name, published, text)
        c = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(name, page.absolute(url)),
            published=published,
            permalink=permalink,
        )
        by_el[el] = c
        parent = _sibling_parent(el, rec["parent"], instance_els)
        if parent is None:
            parent = rec["parent"]
        while parent is not None and parent not in by_el:
            parent = rec_by_el[parent]["parent"] if parent in rec_by_el else None
        parents[cid] = by_el[parent].id if parent is not None else None
        flat.append(c)
        if parent is None:
            tops.append(el)

    return build_tree(flat, parents), tops


_REPLIES_BOX = re.compile(
    r"(?:^|[\s_-])(?:indented|children|replies|sub-?comments|comment-replies|reply-list)(?:$|[\s_-])", re.I
)


def _sibling_parent(el, parent, instance_els: set, limit: int = 12):
    """The comment a reply answers when replies sit in a box after it, not inside it (Drupal's
    `<article class=comment>…</article><div class=indented>replies</div>`): the last comment
    before the box, when the box is inside the reply's structural parent (or at the top)."""
    node = el
    for _ in range(limit):
        node = node.getparent()
        if node is None or node is parent:
            return None
        if _REPLIES_BOX.search(node.get("class") or ""):
            prev = node.getprevious()
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()
            if prev is None:
                return None
            if prev in instance_els:
                return prev
            inside = [d for d in prev.iter() if d in instance_els]
            return inside[-1] if inside else None
    return None


_ACTIONS_RE = re.compile(
    r"reply|respond|actions|avatar|vote|share|report|like|flag|permalink|comment-meta|comment-footer|"
    r"comment-header|comment-author|edit-link|says|toolbar|buttons|controls",
    re.I,
)


def _own_copy(el, instance_els: set, holders: set, signal_els: set):
    """A copy of a comment block without its nested replies, author line, time and action links.

    Built element by element with an explicit stack (no deep copies): the work is bounded by
    the comment's own size, never by its replies, and any depth is fine.
    """
    shell = etree.Element("div")
    shell.text = el.text
    work: list[tuple[object, object]] = [(el, shell)]
    while work:
        src, dst = work.pop()
        for child in src:
            if not isinstance(child.tag, str):
                if child.tail:
                    _append_text(dst, child.tail)
                continue
            if child in instance_els:
                continue  # a reply, and its tail is the parent's business
            if (
                child.tag in EXCLUDED_TAGS
                or (child in signal_els and len(text_of(child)) <= 150)
                or (child not in holders and _ACTIONS_RE.search(classes(child)) and len(text_of(child)) <= 150)
            ):
                if child.tail:
                    _append_text(dst, child.tail)
                continue
            inner = _sub_element(dst, child)
            inner.text = child.text
            inner.tail = child.tail
            work.append((child, inner))
    return shell


def _sub_element(dst, child):
    """A shallow copy of child under dst. The parser takes tag and attribute names that lxml's
    tree API refuses (`p:x`, `1a`, `@click`, `a"b`): such a tag becomes a span, such an
    attribute is left out (the sanitiser would drop it anyway)."""
    try:
        inner = etree.SubElement(dst, child.tag)
    except ValueError:
        inner = etree.SubElement(dst, "span")
    for k, v in child.attrib.items():
        try:
            inner.set(k, v)
        except ValueError:
            continue
    return inner


def _append_text(dst, text: str) -> None:
    if len(dst):
        dst[-1].tail = (dst[-1].tail or "") + text
    else:
        dst.text = (dst.text or "") + text


def without_comments(body, comment_elements: list):
    """A copy of the article body without the comments found inside it (and their region).

    The body itself when none of them is inside it.
    """
    inside = []
    for el in comment_elements:
        cut = el
        for a in el.iterancestors():
            if a is body:
                inside.append(cut)
                break
            if a.tag in ITEM_TAGS | {"ol", "ul", "dl"} and REGION_RE.search(classes(a)):
                cut = a
    if not inside:
        return body
    paths = []
    for el in dict.fromkeys(inside):
        path = []
        while el is not body:
            parent = el.getparent()
            path.append(parent.index(el))
            el = parent
        paths.append(path[::-1])
    clone = copy.deepcopy(body)
    targets = []
    for path in paths:
        el = clone
        for i in path:
            el = el[i]
        targets.append(el)
    for el in targets:
        if el.getparent() is not None:
            el.drop_tree()
    return clone
