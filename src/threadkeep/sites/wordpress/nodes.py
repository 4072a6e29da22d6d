"""Finding the comments of a WordPress page: one walk that opens a node for each element whose id
names a comment and notes, for every node, what its selectors will find, so that no comment is
walked twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from threadkeep.html.selectors import Selector, dispatch_tables, match_candidates
from threadkeep.sites.wordpress.markup import (
    ANCHOR_ID,
    AUTHOR_NAME,
    BLOCKING_CLASSES,
    BLOCKING_IDS,
    BLOCKING_TAGS,
    COMMENT_ID,
    COMMENT_LIST_CLASSES,
    CONTENT,
    DATE_ATTR,
    DATE_TEXT,
    DEPTH_CLASS,
    KIND_CLASSES,
    NEVER_BLOCKING_TAGS,
    PINGBACK_LINK,
    RECENT_LIST,
    WRAPPER_ID,
    aliased,
)


@dataclass(eq=False, slots=True)
class CommentNode:
    """One comment's own element, its WordPress id, its kind and its parent comment."""

    el: object
    cid: str | None
    kind: str
    classes: frozenset[str]
    parent: CommentNode | None = None
    spine: set = field(default_factory=set)  # shared: elements between a comment and its replies
    node_els: set = field(default_factory=set)  # shared: every comment's own element (and parts)
    # Elements of the comment's own that follow its element rather than lie in it: the `dd` body
    # after a `dt` header (Thesis' `dl#comment_list`). Their replies nest inside them.
    parts: tuple = ()
    # The elements inside the comment's element and outside its replies, in document order,
    # each followed by what match_candidates says of it, when a selector of _COMMENT_SELECTORS may
    # match it (a flat list: el, memo, el, memo, ...; no tuple per element for the GC to track).
    # Elements later found to be between the comment and a reply (spine) are still listed.
    found: list = field(default_factory=list, repr=False)


# Tags that may block, start, continue or name a comment without an id or a class (see _start_node).
_MAY_START = frozenset({"a", "li", "dd", *BLOCKING_TAGS})


# What _walk_info says depends only on its key (and the fixed _COMMENT_SELECTORS): most keys
# (a bare <p>, <a href>, <div class="comment-content">) recur from page to page of a theme.
_INFOS: dict = {}
_MAX_INFOS = 20_000


def find_comment_nodes(root) -> list[CommentNode]:
    """Every comment element of the page in document order, each with its parent (no recursion).

    Nothing inside a blocking element (a widget, a sidebar, a template) starts or names a
    comment, so the walk skips its inside. The same walk notes, per comment, the elements of
    its own markup that a selector of _COMMENT_SELECTORS may match (CommentNode.found).
    """
    nodes: list[CommentNode] = []
    spine: set = set()
    node_els: set = set()
    open_nodes: list[CommentNode] = []
    started: list[bool] = []  # per open element: whether it is a comment's own element
    infos = _INFOS  # (tag, class attribute, attribute names) -> _walk_info, kept from page to page
    if len(infos) > _MAX_INFOS:
        infos.clear()
    tables = dispatch_tables(_COMMENT_SELECTORS)
    last_closed: CommentNode | None = None  # a dt comment just closed, whose dd body may follow
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            if started.pop():
                closed = open_nodes.pop()
                last_closed = closed if closed.el is el and el.tag == "dt" else None
            continue
        key = (el.tag, el.get("class"), tuple(el.keys()))
        info = infos.get(key)
        if info is None:
            info = infos[key] = _walk_info(key, tables)
        plain, blocks, memo, has_id = info
        if plain and not (has_id and el.get("id")):
            # Neither starts nor names a comment (_start_node would say None): only blocking is left.
            if open_nodes:
                if memo is not None:
                    open_nodes[-1].found.extend((el, memo))
                if blocks:
                    _note_inside(el, open_nodes[-1].found, infos, tables)
            if blocks:
                walker.skip_subtree()
            started.append(False)
            continue
        tag = key[0] if isinstance(key[0], str) else ""
        if tag == "dd" and last_closed is not None and _previous_element(el) is last_closed.el:
            # A Thesis comment's body: the dt's node again, with its replies inside.
            node, last_closed = last_closed, None
            node.parts += (el,)
            node_els.add(el)
            open_nodes.append(node)
            started.append(True)
            continue
        raw_class = key[1]
        el_id = el.get("id") or ""
        classes = frozenset(raw_class.split()) if raw_class else frozenset()
        if tag in BLOCKING_TAGS or blocks or (el_id in BLOCKING_IDS or RECENT_LIST.search(el_id)):
            if open_nodes:
                if memo is not None:
                    open_nodes[-1].found.extend((el, memo))
                _note_inside(el, open_nodes[-1].found, infos, tables)
            walker.skip_subtree()
            started.append(False)
            continue
        node = _start_node(el, tag, classes, el_id, open_nodes)
        if node is None:
            if open_nodes and memo is not None:
                open_nodes[-1].found.extend((el, memo))
            started.append(False)
            continue
        # Mark the elements between the parent comment and this one (none above root).
        stop = open_nodes[-1].el if open_nodes else None
        stop_parts = open_nodes[-1].parts if open_nodes else ()
        if el is not root:
            for anc in el.iterancestors():
                if anc is stop or anc in spine or (stop_parts and anc in stop_parts):
                    break
                spine.add(anc)
                if anc is root:
                    break
        node.parent = open_nodes[-1] if open_nodes else None
        node.spine, node.node_els = spine, node_els
        node_els.add(el)
        nodes.append(node)
        open_nodes.append(node)
        started.append(True)
    for node in nodes:
        if node.cid is None:
            node.cid = _inner_id(node)
    return nodes


def _walk_info(key: tuple, tables: tuple) -> tuple:
    """What find_comment_nodes needs to know of elements of a (tag, class attribute, attribute names):
    whether, without an id, they neither start nor name a comment; whether such an element blocks;
    what match_candidates says of them for _COMMENT_SELECTORS (None: no selector to ask); whether they have an id.
    """
    tag, raw_class, names = key
    if not isinstance(tag, str):
        return True, False, None, False
    # An anchor without an id or a name only names a comment by them (_start_node): plain too.
    plain = (tag not in _MAY_START or (tag == "a" and "name" not in names)) and not (
        raw_class and "depth-" in raw_class
    )
    blocks = (
        bool(raw_class)
        and tag not in NEVER_BLOCKING_TAGS
        and (not BLOCKING_CLASSES.isdisjoint(raw_class.split()) or RECENT_LIST.search(raw_class) is not None)
    )
    by_class, by_tag, by_attr, names_matter, _ = tables
    memo = match_candidates((tag, aliased(raw_class), names if names_matter else ()), by_class, by_tag, by_attr)
    if not (memo[1] or memo[2]):
        memo = None
    return plain, blocks, memo, "id" in names


def _note_inside(el, found: list, infos: dict, tables: tuple) -> None:
    """Note el's descendants (a blocked element's, which the walk skips) as find_comment_nodes would."""
    for d in el.iterdescendants():
        if not isinstance(d.tag, str):
            continue
        key = (d.tag, d.get("class"), tuple(d.keys()))
        info = infos.get(key)
        if info is None:
            info = infos[key] = _walk_info(key, tables)
        if info[2] is not None:
            found.extend((d, info[2]))


def _start_node(el, tag: str, classes: frozenset[str], el_id: str, open_nodes: list[CommentNode]):
    """A new CommentNode when el is a comment's own element; else None (maybe naming the open one)."""
    current = open_nodes[-1] if open_nodes else None
    m = COMMENT_ID.match(el_id) or WRAPPER_ID.match(el_id)
    cid = m.group(1) if m else None
    has_depth = any(DEPTH_CLASS.match(c) for c in classes)
    kind = next((k for k in KIND_CLASSES if k in classes), "")
    if tag in ("a", "span") or (cid is None and el_id.startswith("div-comment-")):
        # Anchors and inner bodies only name the comment they are in.
        a = ANCHOR_ID.match(el_id) or (ANCHOR_ID.match(el.get("name") or "") if tag == "a" else None)
        if a and current is not None and current.cid is None:
            current.cid = a.group(1)
        return None
    if cid is not None and current is not None and current.cid == cid:
        return None  # li#li-comment-5 > article#comment-5: one comment
    if cid is not None and current is not None and current.cid is None and not has_depth and tag != "li":
        current.cid = cid  # li.depth-1 > div#comment-5
        return None
    is_comment = (has_depth and (kind or cid is not None)) or (cid is not None and tag in _COMMENT_TAGS)
    if not is_comment and tag == "li":
        parent = el.getparent()
        pclasses = set((parent.get("class") or "").split()) if parent is not None else set()
        is_comment = bool(pclasses & COMMENT_LIST_CLASSES) or ("children" in pclasses and current is not None)
    if not is_comment:
        return None
    return CommentNode(el=el, cid=cid, kind=kind if kind in ("pingback", "trackback") else "comment", classes=classes)


_COMMENT_TAGS = ("li", "article", "div", "dt")


def _previous_element(el):
    """The element before el among its siblings (comments and processing instructions skipped)."""
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def _inner_id(node: CommentNode) -> str | None:
    """The id of a comment element that has none itself: a reply link, a permalink, an inner id."""
    for root in own_roots(node):
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            m = ANCHOR_ID.match(el.get("id") or "")
            if m:
                return m.group(1)
            cid = el.get("data-commentid")
            if cid and cid.isdecimal():
                return cid
            href = el.get("href") or ""
            m = re.search(r"#comment-(\d+)$|[?&]replytocom=(\d+)", href)
            if m:
                return m.group(1) or m.group(2)
    return None


def own_roots(node: CommentNode) -> list:
    """The subtrees of a comment's element that hold no other comment, in document order."""
    roots = []
    stack = [iter(part) for part in reversed(node.parts)]
    stack.append(iter(node.el))
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str):
            continue
        if child in node.spine:
            stack.append(iter(child))
        elif child not in node.node_els:
            roots.append(child)
    return roots


_COMMENT_SELECTORS = (*AUTHOR_NAME, *PINGBACK_LINK, *DATE_ATTR, *DATE_TEXT, *CONTENT, Selector("a"))
_ANCHOR = _COMMENT_SELECTORS[-1]


def _comment_hits(node: CommentNode) -> dict[Selector, list]:
    """What `index_matches(own_roots(node), _COMMENT_SELECTORS)` answers, from what the walk noted."""
    hits: dict[Selector, list] = {}
    spine, top, parts = node.spine, node.el, node.parts
    found = node.found
    for el, (classes, sure, check) in zip(found[::2], found[1::2], strict=True):
        if el in spine:
            continue  # between the comment and a reply: in none of its own subtrees
        for sel in sure:
            if (els := hits.get(sel)) is None:
                hits[sel] = [el]
            else:
                els.append(el)
        if check:
            scope = el  # the own subtree el is in: its top is a child of the comment or of the spine
            parent = el.getparent()
            while parent is not top and parent not in spine and not (parts and parent in parts):
                scope, parent = parent, parent.getparent()
            for sel in check:
                if sel.matches(el, scope, classes):
                    hits.setdefault(sel, []).append(el)
    return hits


def _first(hits: dict, selectors: tuple[Selector, ...]):
    """The first element (by preference, then root and document order) the selectors found."""
    for sel in selectors:
        found = hits.get(sel)
        if found:
            return found[0]
    return None
