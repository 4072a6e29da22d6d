"""WordPress: the post and its comment tree from the page, and the pure helpers that complete it.

Recognised by content (generator meta, `wp-content` assets, the REST API link, the comment
markup of `Walker_Comment`), so custom domains and WordPress.com blogs are both claimed.

Comments are read from the markup `wp_list_comments()` writes in all its variants: HTML5
(`li#comment-N > article#div-comment-N.comment-body`), the older html4 one
(`li#comment-N > div#div-comment-N`, text loose in `.comment-body`), and theme callbacks
(`li#li-comment-N > article#comment-N`, `.comment-text`, ...). A comment's own element is the
outermost element for its id; its parent is the nearest enclosing comment element, whatever
list (`ul.children`, `ol.children`, `div.children`) holds it. Widgets and sidebars (recent
comments) are never read. The tree is walked with explicit stacks: no recursion, any depth.

The orchestrator completes a thread with the pure helpers at the bottom: `comment_page_urls()`
(other pages of a paged thread), `rest_api_url()` and `comments_from_rest()` (the WP REST API,
`/wp-json/wp/v2/comments`), and `merge_comments()`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from threadkeep.extract.base import (
    Extraction,
    Extractor,
    Page,
    content,
    make_author,
    parse_date,
    same_name,
    squash,
    text_content,
    text_of,
)
from threadkeep.extract.generic import generic_article
from threadkeep.model import Article, Comment, build_tree
from threadkeep.sanitize import clean_html, element_text

# ----------------------------------------------------------------------------- selectors (data)

COMMENT_ID = re.compile(r"^(?:li-)?comment-(\d+)$")  # a comment's own element
ANCHOR_ID = re.compile(r"^(?:div-|li-)?comment-(\d+)$")  # ids that name a comment inside its element
DEPTH_CLASS = re.compile(r"^depth-\d+$")
KIND_CLASSES = ("pingback", "trackback", "comment")
COMMENT_LIST_CLASSES = {"commentlist", "comment-list", "comments-list", "commentslist"}
# Elements whose content is never the thread: widgets, sidebars, inert templates.
BLOCKING_CLASSES = {
    "widget",
    "widget-area",
    "sidebar",
    "widget_recent_comments",
    "recentcomments",
    "recent-comments",
    "jetpack_widget_recent_comments",
}
BLOCKING_IDS = {"sidebar", "secondary", "recentcomments", "recent-comments", "tertiary"}
BLOCKING_TAGS = {"template", "noscript", "textarea", "script", "style"}


_XML_WS = re.compile(r"[ \t\n\r]+")  # what XPath's normalize-space() splits on (str.split() splits on more)
_COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:\.[\w-]+|\[[\w-]+(?:[~^]?=[\w-]+)?\])*)")
_PART = re.compile(r"\.([\w-]+)|\[([\w-]+)(?:([~^]?=)([\w-]+))?\]")


def _tokens(value: str | None) -> frozenset[str]:
    """The whitespace-separated tokens of an attribute, as `~=` and `.class` see them."""
    return _split_tokens(value) if value else frozenset()


@lru_cache(maxsize=4096)  # a page repeats a few class lists thousands of times
def _split_tokens(value: str) -> frozenset[str]:
    return frozenset(_XML_WS.split(value))


class _Compound:
    """One compound selector (`tag.class[attr=value]`), matched the way its cssselect XPath does."""

    __slots__ = ("attrs", "classes", "tag")

    def __init__(self, text: str) -> None:
        m = _COMPOUND.fullmatch(text)
        if not m or not text:
            raise ValueError(f"unsupported selector: {text!r}")
        self.tag = m.group(1)
        self.classes: tuple[str, ...] = ()
        self.attrs: tuple[tuple[str, str | None, str | None], ...] = ()
        for cls, name, op, value in _PART.findall(m.group(2)):
            if cls:
                self.classes += (cls,)
            else:
                self.attrs += ((name, op or None, value if op else None),)

    def key(self) -> tuple[str, str]:
        if self.classes:
            return ("class", self.classes[0])
        if self.tag:
            return ("tag", self.tag)
        return ("attr", self.attrs[0][0])

    def matches(self, el, classes: set[str] | None = None) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.classes:
            if classes is None:
                classes = _tokens(el.get("class"))
            if not classes.issuperset(self.classes):
                return False
        for name, op, value in self.attrs:
            got = el.get(name)
            if got is None:
                return False
            if op == "=" and got != value:
                return False
            if op == "^=" and not got.startswith(value):
                return False
            if op == "~=" and value not in _tokens(got):
                return False
        return True


class _Sel:
    """A CSS selector of descendant combinators (alternatives after commas), matched in Python.

    `matches(el, scope)` is what `CSSSelector(text)(scope)` would say of an element of scope:
    the ancestors a selector names must lie in scope (scope included). The selectors are few
    and fixed, so one walk of a subtree answers all of them (see `_index`): lxml's XPath for
    `.class` runs normalize-space on every element, once per selector.
    """

    __slots__ = ("alternatives", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.alternatives = tuple(
            tuple(_Compound(c) for c in alt.split()) for alt in (a.strip() for a in text.split(","))
        )
        if not all(self.alternatives):
            raise ValueError(f"unsupported selector: {text!r}")

    def __repr__(self) -> str:
        return f"_Sel({self.text!r})"

    def matches(self, el, scope, classes: set[str] | None = None) -> bool:
        for chain in self.alternatives:
            if chain[-1].matches(el, classes) and (len(chain) == 1 or _ancestors_match(chain[:-1], el, scope)):
                return True
        return False

    def __call__(self, scope) -> list:
        """Every match in scope, in document order (as CSSSelector(text)(scope))."""
        return _index([scope], (self,)).get(self, [])


def _ancestors_match(chain: tuple[_Compound, ...], el, scope) -> bool:
    """Whether ancestors of el, nearest first and none above scope, match chain from its end."""
    i = len(chain) - 1
    if el is scope:
        return False
    for anc in el.iterancestors():
        if chain[i].matches(anc):
            i -= 1
            if i < 0:
                return True
        if anc is scope:
            break
    return False


def _dispatch(selectors) -> dict[tuple[str, str], list[_Sel]]:
    """The selectors by what an element must have for them to match (a class, a tag, an attribute)."""
    table: dict[tuple[str, str], list[_Sel]] = {}
    for sel in selectors:
        for key in {chain[-1].key() for chain in sel.alternatives}:
            table.setdefault(key, []).append(sel)
    return table


_DISPATCH_CACHE: dict[tuple, tuple] = {}


def _index(roots: list, selectors, skip=None) -> dict[_Sel, list]:
    """Every element of the roots (each with its descendants) each selector matches, in order.

    One walk: per selector, the matches root by root, in document order, so the first is what
    `_first` wants. Elements in `skip` are visited but not their descendants.

    What an element's tag, class attribute and attribute names decide is worked out once per
    distinct (tag, class, names) and remembered: the selectors that surely match such an element
    and those that must still look at it (attribute values, ancestors).
    """
    # memos: (tag, class, names) -> (tokens, sure, to check)
    by_class, by_tag, by_attr, names_matter, memos = _tables(selectors)
    if len(memos) > 4096:
        memos.clear()
    hits: dict[_Sel, list] = {}
    for root in roots:
        for el in _walk(root, skip) if skip else root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            key = (tag, el.get("class"), tuple(el.keys()) if names_matter else ())
            memo = memos.get(key)
            if memo is None:
                memo = memos[key] = _candidates(key, by_class, by_tag, by_attr)
            classes, sure, check = memo
            for sel in sure:
                hits.setdefault(sel, []).append(el)
            for sel in check:
                if sel.matches(el, root, classes):
                    hits.setdefault(sel, []).append(el)
    return hits


def _tables(selectors) -> tuple:
    """For selectors: (by class, by tag, by attribute name, whether attribute names matter, memos)."""
    selectors = tuple(selectors)
    cached = _DISPATCH_CACHE.get(selectors)
    if cached is None:
        table = _dispatch(selectors)
        by_class = {k[1]: v for k, v in table.items() if k[0] == "class"}
        by_tag = {k[1]: v for k, v in table.items() if k[0] == "tag"}
        by_attr = {k[1]: v for k, v in table.items() if k[0] == "attr"}
        names_matter = any(chain[-1].attrs for sel in selectors for chain in sel.alternatives)
        cached = _DISPATCH_CACHE[selectors] = (by_class, by_tag, by_attr, names_matter, {})
    return cached


def _candidates(key: tuple, by_class: dict, by_tag: dict, by_attr: dict) -> tuple:
    """For elements of a (tag, class attribute, attribute names): their class tokens, the selectors
    that match every such element, and those that may match one (to be asked per element)."""
    tag, raw, names = key
    classes = set(_XML_WS.split(raw)) if raw else set()
    found = list(by_tag.get(tag, ()))
    for c in classes:
        found.extend(by_class.get(c, ()))
    for name in names:
        found.extend(by_attr.get(name, ()))
    sure, check = [], []
    for sel in dict.fromkeys(found):
        verdict = False
        for chain in sel.alternatives:
            last = chain[-1]
            if (last.tag is not None and last.tag != tag) or not classes.issuperset(last.classes):
                continue
            if any(name not in names for name, _, _ in last.attrs):
                continue
            if len(chain) == 1 and all(op is None for _, op, _ in last.attrs):
                verdict = True  # tag, classes and attribute names are all it asks for
                break
            verdict = None  # attribute values or ancestors to look at
        if verdict:
            sure.append(sel)
        elif verdict is None:
            check.append(sel)
    return classes, tuple(sure), tuple(check)


def _walk(root, skip: set):
    """root and its descendants in document order, without the descendants of elements in skip."""
    yield root
    if root in skip:
        return
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        yield child
        if child not in skip:
            stack.append(iter(child))


def _sel(*selectors: str) -> tuple[_Sel, ...]:
    """CSS selectors in order of preference, compiled once."""
    return tuple(_Sel(s) for s in selectors)


# Inside a comment's own markup, most specific first.
AUTHOR_NAME = _sel(
    ".comment-author .fn",
    ".fn",
    ".comment-author-name",
    ".comment-author cite",
    ".comment-author strong",
    ".comment-author b",
    "[itemprop=author] [itemprop=name]",
    "[id^=commentauthor-]",
    ".comment-author",
    ".author",
    "cite",
    "a.url",
)
PINGBACK_LINK = _sel("a.url", "a[href]")
DATE_ATTR = _sel("time[datetime]", "[datetime]", "abbr.published[title]", "[itemprop=dateCreated][content]")
DATE_TEXT = _sel(
    ".comment-metadata",
    ".commentmetadata",
    ".comment-meta",
    ".comment-meta-data",
    ".comment-date",
    ".comment-time",
    ".date",
    ".comment-head",
    ".comment-author",
    ".comment-info",
)
CONTENT = _sel(
    ".comment-content",
    ".comment-text",
    ".comment_text",
    ".comment-entry",
    ".commenttext",
    "[itemprop=text]",
    "[itemprop=commentText]",
    ".comment-body",
)
# Removed from a copy of the content element before its text is taken (class tokens, tags).
NOISE_CLASSES = frozenset(
    {
        "comment-author",
        "comment-meta",
        "comment-metadata",
        "commentmetadata",
        "comment-meta-data",
        "comment-head",
        "comment-header",
        "comment-info",
        "reply",
        "comment-reply",
        "comment-reply-link",
        "comment-edit-link",
        "edit-link",
        "comment-likes",
        "comment-like",
        "avatar",
        "comment-avatar",
        "says",
        "fn",
        "author",
        "vcard",
        "comment-time",
        "comment-date",
        "time",
        "comment-permalink",
        "comment-awaiting-moderation",
        "sharedaddy",
    }
)
NOISE_TAGS = frozenset({"time", "script", "style", "form", "noscript", "button"})
AUTHOR_NOISE = CSSSelector(".says, .avatar, img, time, .comment-meta, .comment-metadata, .reply, .comment-reply-link")
# The post's own element and what is in it.
POST_BODY = _sel(
    ".entry-content",
    ".post-content",
    "[itemprop~=articleBody]",
    ".post-entry",
    ".entry",
    ".post-body",
    ".article-content",
    ".storycontent",
    ".content",
)
POST_AUTHOR = _sel(
    ".byline .author .fn",
    ".byline .author",
    ".author.vcard .fn",
    ".entry-author-name",
    ".post-author a",
    "a[rel~=author]",
    "[itemprop=author] [itemprop=name]",
    ".byline a",
)
POST_PUBLISHED = _sel(
    "time.entry-date[datetime]",
    "time.published[datetime]",
    "[itemprop=datePublished][datetime]",
    "[itemprop=datePublished][content]",
    "abbr.published[title]",
)
POST_TITLE = _sel(".entry-title", ".post-title", "h1")
POST_DATE_TEXT = _sel(".entry-date", ".post-date", ".posted-on", ".meta-date", ".published", ".postdate", ".date")
POST_UPDATED = _sel("time.updated[datetime]", "[itemprop=dateModified][datetime]", "[itemprop=dateModified][content]")
POST_LABELS = _Sel("a[rel~=tag], a[rel~=category]")
TIME_DATETIME = _sel("time[datetime]")
_POST_SELECTORS = (
    *POST_BODY,
    *POST_AUTHOR,
    *POST_PUBLISHED,
    *POST_TITLE,
    *POST_DATE_TEXT,
    *POST_UPDATED,
    POST_LABELS,
    *TIME_DATETIME,
)
COMMENT_AREAS = (
    "#comments, .comments-area, #comments-area, .comments, #respond, .comment-respond, "
    ".commentlist, .comment-list, #disqus_thread"
)
COMMENT_NAV = tuple(
    CSSSelector(s)
    for s in (
        ".comment-navigation a[href]",
        ".comments-pagination a[href]",
        "#comment-nav-above a[href]",
        "#comment-nav-below a[href]",
        ".comment-nav a[href]",
        ".navigation a[href]",
        ".nav-links a[href]",
        "a.page-numbers[href]",
    )
)
OTHER_GENERATORS = (
    "blogger",
    "vbulletin",
    "mybb",
    "phpbb",
    "discourse",
    "movable type",
    "drupal",
    "joomla",
    "ghost",
    "substack",
    "typepad",
    "hugo",
    "jekyll",
    "xenforo",
    "invision",
)
COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?|[?&]cpage=(\d+)")
SHORTLINK_P = re.compile(r"[?&]p=(\d+)")
POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
POST_ID_ATTR = re.compile(r"^post-(\d+)$")


# ----------------------------------------------------------------------------- the extractor


_GENERATOR_CASE = str.maketrans("GENERATOR", "generator")  # as XPath translate() would
_WP_PATHS = ("/wp-json/", "/wp-content/", "/wp-includes/")


class WordPressExtractor(Extractor):
    name = "wordpress"

    def matches(self, page: Page) -> bool:
        # Walks by tag (lxml filters in C) rather than `//x[...]` queries: same answers, and a
        # 10k-comment page is not scanned four times over.
        tree = page.tree
        generator = " ".join(
            (el.get("content") or "")
            for el in page.meta_elements
            if (el.get("name") or "").translate(_GENERATOR_CASE) == "generator"
        ).lower()
        if "wordpress" in generator:
            return True
        if any(other in generator for other in OTHER_GENERATORS):
            return False  # a forum or blog engine that merely shares a WordPress site's theme assets
        for el in tree.iter("link", "script"):
            if el.tag == "link":
                href = el.get("href") or ""
                if el.get("rel") == "https://api.w.org/" or any(p in href for p in _WP_PATHS):
                    return True
            elif any(p in (el.get("src") or "") for p in _WP_PATHS[1:]):
                return True
        # The comment markup of Walker_Comment alone.
        for el in tree.iter("li", "a"):
            if el.tag == "li":
                if (el.get("id") or "").startswith(("comment-", "li-comment-")) and "depth-" in (el.get("class") or ""):
                    return True
            elif "comment-reply-link" in (el.get("class") or "") and "replytocom=" in (el.get("href") or ""):
                return True
        return False

    def extract(self, page: Page) -> Extraction:
        nodes = find_comment_nodes(page.tree)
        post_id = find_post_id(page)
        article, body = post_article(page, post_id, nodes)
        comments = [_comment_of(page, node, article) for node in nodes]
        parents = {c.id: (n.parent.cid if n.parent is not None else None) for c, n in zip(comments, nodes, strict=True)}
        _dedupe_ids(comments, parents)
        roots = build_tree(comments, parents)
        return Extraction(
            platform=self.name,
            article=article,
            body=body,
            comments=roots,
            complete=not has_comment_paging(page),
            post_id=post_id,
        )


# ----------------------------------------------------------------------------- comment markup


@dataclass(eq=False, slots=True)
class CommentNode:
    """One comment's own element, its WordPress id, its kind and its parent comment."""

    el: object
    cid: str | None
    kind: str
    classes: frozenset[str]
    parent: CommentNode | None = None
    spine: set = field(default_factory=set)  # shared: elements between a comment and its replies
    node_els: set = field(default_factory=set)  # shared: every comment's own element
    # The elements inside the comment's element and outside its replies, in document order,
    # each followed by what _candidates says of it, when a selector of _COMMENT_SELECTORS may
    # match it (a flat list: el, memo, el, memo, ...; no tuple per element for the GC to track).
    # Elements later found to be between the comment and a reply (spine) are still listed.
    found: list = field(default_factory=list, repr=False)


# Tags that may block, start or name a comment without an id or a class (see _start_node).
_MAY_START = frozenset({"a", "li", *BLOCKING_TAGS})


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
    infos: dict = {}  # (tag, class attribute, attribute names) -> _walk_info
    tables = _tables(_COMMENT_SELECTORS)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            if started.pop():
                open_nodes.pop()
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
        raw_class = key[1]
        el_id = el.get("id") or ""
        classes = frozenset(raw_class.split()) if raw_class else frozenset()
        if tag in BLOCKING_TAGS or classes & BLOCKING_CLASSES or el_id in BLOCKING_IDS:
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
        if el is not root:
            for anc in el.iterancestors():
                if anc is stop or anc in spine:
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
    what _candidates says of them for _COMMENT_SELECTORS (None: no selector to ask); whether they have an id.
    """
    tag, raw_class, names = key
    if not isinstance(tag, str):
        return True, False, None, False
    # An anchor without an id or a name only names a comment by them (_start_node): plain too.
    plain = (tag not in _MAY_START or (tag == "a" and "name" not in names)) and not (
        raw_class and "depth-" in raw_class
    )
    blocks = bool(raw_class) and not BLOCKING_CLASSES.isdisjoint(raw_class.split())
    by_class, by_tag, by_attr, names_matter, _ = tables
    memo = _candidates((tag, raw_class, names if names_matter else ()), by_class, by_tag, by_attr)
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
    m = COMMENT_ID.match(el_id)
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
    is_comment = (has_depth and (kind or cid is not None)) or (cid is not None and tag in ("li", "article", "div"))
    if not is_comment and tag == "li":
        parent = el.getparent()
        pclasses = set((parent.get("class") or "").split()) if parent is not None else set()
        is_comment = bool(pclasses & COMMENT_LIST_CLASSES) or ("children" in pclasses and current is not None)
    if not is_comment:
        return None
    return CommentNode(el=el, cid=cid, kind=kind if kind in ("pingback", "trackback") else "comment", classes=classes)


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
            if cid and cid.isdigit():
                return cid
            href = el.get("href") or ""
            m = re.search(r"#comment-(\d+)$|[?&]replytocom=(\d+)", href)
            if m:
                return m.group(1) or m.group(2)
    return None


def own_roots(node: CommentNode) -> list:
    """The subtrees of a comment's element that hold no other comment, in document order."""
    roots = []
    stack = [iter(node.el)]
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


_COMMENT_SELECTORS = (*AUTHOR_NAME, *PINGBACK_LINK, *DATE_ATTR, *DATE_TEXT, *CONTENT, _Sel("a"))
_ANCHOR = _COMMENT_SELECTORS[-1]


def _comment_hits(node: CommentNode) -> dict[_Sel, list]:
    """What `_index(own_roots(node), _COMMENT_SELECTORS)` answers, from what the walk noted."""
    hits: dict[_Sel, list] = {}
    spine, top = node.spine, node.el
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
            while parent is not top and parent not in spine:
                scope, parent = parent, parent.getparent()
            for sel in check:
                if sel.matches(el, scope, classes):
                    hits.setdefault(sel, []).append(el)
    return hits


def _first(hits: dict, selectors: tuple[_Sel, ...]):
    """The first element (by preference, then root and document order) the selectors found."""
    for sel in selectors:
        found = hits.get(sel)
        if found:
            return found[0]
    return None


def _comment_of(page: Page, node: CommentNode, article: Article) -> Comment:
    hits = _comment_hits(node)  # what every selector below finds (noted on find_comment_nodes' walk)
    cid = node.cid or f"wp-{id(node.el)}"
    # author
    name_el = _first(hits, AUTHOR_NAME)
    name = _author_text(name_el)
    url = None
    if name_el is not None:
        link = name_el if name_el.tag == "a" else next(iter(name_el.iter("a")), None)
        if link is not None and not (link.get("href") or "").startswith("#"):
            url = page.absolute(link.get("href"))
    if not name and node.kind != "comment":
        link = _first(hits, PINGBACK_LINK)
        if link is not None:
            name, url = text_of(link) or None, page.absolute(link.get("href"))
    is_post_author = "bypostauthor" in node.classes or same_name(name, article.author.name)
    # date
    published = None
    date_el = _first(hits, DATE_ATTR)
    if date_el is not None:
        published = parse_date(date_el.get("datetime") or date_el.get("title") or date_el.get("content"))
    if published is None:
        for sel in DATE_TEXT:
            for el in hits.get(sel, ()):
                published = parse_date(el.get("title")) if el.get("title") else None
                published = published or displayed_date(text_of(el))
                if published:
                    break
            if published:
                break
    # permalink
    permalink = None
    for a in hits.get(_ANCHOR, ()):
        href = a.get("href") or ""
        if href.endswith(f"#comment-{cid}") and "replytocom=" not in href:
            base = page.url or article.url
            href = href.strip()
            absolute = href.startswith(("https://", "http://")) and "/." not in href
            permalink = urljoin(base, href) if base and not absolute else href
            break
    if permalink is None and node.cid:
        base = article.url or page.url
        permalink = f"{base.split('#')[0]}#comment-{cid}" if base else f"#comment-{cid}"
    # text
    html, text = _comment_content(node, _first(hits, CONTENT))
    kind = node.kind
    if kind == "comment" and _PINGBACK_TEXT.match(text):
        kind = text.split(":", 1)[0].strip().lower()
    return Comment(
        id=cid,
        text=text,
        html=html,
        author=make_author(name, url, is_post_author=is_post_author),
        published=published,
        permalink=permalink,
        deleted=False,
        kind=kind,
    )


def _author_text(el) -> str | None:
    if el is None:
        return None
    # Without children only el itself could be noise, and it is never dropped: nothing to copy.
    if len(el) and AUTHOR_NOISE(el):
        el = copy.deepcopy(el)
        el.tail = None
        for junk in AUTHOR_NOISE(el):
            if junk is not el:
                _drop(junk)
    name = squash(text_content(el))
    name = _SAYS.sub("", name)
    return name or None


_PINGBACK_TEXT = re.compile(r"(?i)^(pingback|trackback)\s*:")
_SAYS = re.compile(r"\s*(says|sagt|dit|dice|schreibt|wrote|écrit)\s*:?\s*$", re.I)


def _comment_content(node: CommentNode, el) -> tuple[str, str]:
    """HTML and text of a comment without its author, meta, reply and like markup.

    The content element (`.comment-content`, `.comment-text`, `.comment-body`, ...) when there
    is one, else all of the comment's own markup. Blocks left wordless are dropped, unless that
    leaves nothing (a comment of only "????" is still a comment). el: the content element.
    """
    # The comment's own subtrees: only a box without a content element, or of only noise, reads them.
    roots = own_roots(node) if el is None else None
    read = _read_in_place(el) if el is not None else None
    noise = _noise_in(el, roots) if read is None or not read[1] else {}
    html, text = read or content(_content_box(node, roots, el, noise, drop_empty=True))
    if not text:
        html, text = content(_content_box(node, roots, el, noise, drop_empty=False))
    if not text:  # only noise: take all of it rather than nothing
        box = lxml_html.Element("div")
        for root in roots if roots is not None else own_roots(node):
            box.append(copy.deepcopy(root))
        html, text = content(box)
    return html, text


def _content_box(node: CommentNode, roots: list | None, el, noise: dict, *, drop_empty: bool):
    """The content element (el) or a copy of it without noise; with no el, a box of the roots.

    noise: what _noise_in(el, roots) answers."""
    if noise:
        # What a copy with the noise dropped would be, built without copying the noise: the
        # subtrees that hold none are copied whole, the elements that hold some one by one.
        try:
            if el is not None:
                box = _shallow_copy(el)
                box.tail = None
                children = list(el)
            else:
                box = lxml_html.Element("div")
                box.text = node.el.text
                children = roots
            _copy_without(box, children, noise)
        except _NotExact:
            pass  # copied and cleaned below
        else:
            if drop_empty:
                _drop_empty(box)
            return box
    if el is not None and not _needs_cleaning(el, drop_empty=drop_empty):
        return el  # nothing to take out: read it where it is (content() changes nothing)
    if el is not None:
        box = copy.deepcopy(el)
        box.tail = None
    else:
        box = lxml_html.Element("div")
        box.text = node.el.text
        for root in roots:
            box.append(copy.deepcopy(root))
    _drop_noise(box)
    if drop_empty:
        _drop_empty(box)
    return box


# Elements whose text HTML does not escape (or reads as markup): a content element of these is copied.
_RAW_TEXT_TAGS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "plaintext", "iframe", "noembed", "noframes", "noscript"}
)


def _read_in_place(el) -> tuple[str, str] | None:
    """What content(_content_box(..., drop_empty=True)) answers, read from el where it is.

    For the common shapes: no noise in el, or author, meta and reply markup among el's own
    children and none deeper; and no block that would be left wordless. The HTML is then el's
    text and its other children serialised as they stand, the text a walk that leaves the noise
    out: copying el without the noise (_copy_without) and dropping empty blocks cost more than
    reading it. None for any other shape: the caller builds the copy.
    """
    if el.tag in _RAW_TEXT_TAGS:
        return None
    noise = {}
    pieces = [_escape_text(el.text)] if el.text else []
    for child in el:
        if isinstance(child.tag, str):
            if _noisy(child):
                noise[child] = True
                if child.tail:
                    pieces.append(_escape_text(child.tail))
                continue
            if _needs_cleaning(child, drop_empty=True, itself=True):
                return None  # noise deeper down, or a block _drop_empty would take out of the copy
        pieces.append(lxml_html.tostring(child, encoding="unicode"))  # with its tail, as in the copy
    html = clean_html("".join(pieces))
    return html, element_text(el, leave_out=noise) if html else ""


def _escape_text(text: str) -> str:
    """Text as markup whose parse is that text (the sanitizer parses what it is given)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _needs_cleaning(el, *, drop_empty: bool, itself: bool = False) -> bool:
    """Whether a content element holds noise (or, with drop_empty, a wordless block) to take out.

    itself: el is looked at too (a child of the content element, in a copy of it)."""
    for d in el.iter() if itself else el.iterdescendants():
        tag = d.tag
        if not isinstance(tag, str):
            continue
        if _noisy(d) or (drop_empty and tag in _EMPTY_CANDIDATES and _wordless(d)):
            return True
    return False


def _noisy(el) -> bool:
    """Whether el is author, meta, reply or like markup (by tag or class) that a content copy drops."""
    return _noise_key(el.tag, el.get("class"))


@lru_cache(maxsize=4096)  # per tag and class attribute: a page repeats a few
def _noise_key(tag, raw_class: str | None) -> bool:
    if not isinstance(tag, str):
        return False  # a comment or a processing instruction
    return tag in NOISE_TAGS or (bool(raw_class) and not NOISE_CLASSES.isdisjoint(raw_class.split()))


def _noise_in(el, roots: list) -> dict:
    """The noise elements a content box would drop, outermost only, and each element that holds one.

    With a content element: its descendants; else the roots and their descendants. Answers
    {noise element: True, element holding noise: False} (empty when there is nothing to drop).
    """
    found: dict = {}
    for top in (el,) if el is not None else roots:
        walker = etree.iterwalk(top, events=("start",))
        for _, d in walker:
            if d is el or not _noisy(d):
                continue
            walker.skip_subtree()
            found[d] = True
            if d is top:
                continue
            for anc in d.iterancestors():
                if anc is el or anc in found:
                    break
                found[anc] = False
                if anc is top:
                    break
    return found


class _NotExact(Exception):
    """A shallow copy that might not serialise as a deep copy does."""


def _shallow_copy(el):
    """el without its children (text and tail kept), as deepcopy would have it."""
    attrib = el.attrib
    if "" in attrib.values():
        raise _NotExact  # an attribute written without a value would be written with ="" after all
    try:
        new = el.makeelement(el.tag, attrib)  # the page's parser, so its element classes, as deepcopy
    except ValueError:  # a name lxml takes from the parser but not from us
        raise _NotExact from None
    new.text, new.tail = el.text, el.tail
    return new


def _copy_without(box, children: list, noise: dict) -> None:
    """Append to box copies of children without the noise (each dropped one's tail kept, as drop_tree does)."""
    stack = [(box, children)]
    while stack:
        dst, kids = stack.pop()
        last = None
        for child in kids:
            state = noise.get(child)
            if state is None:  # holds no noise: copied whole (with its tail)
                last = copy.deepcopy(child)
                dst.append(last)
            elif state:  # noise: dropped, its tail joins the text before it
                tail = child.tail
                if tail:
                    if last is None:
                        dst.text = (dst.text or "") + tail
                    else:
                        last.tail = (last.tail or "") + tail
            else:  # holds noise: copied without children, which follow
                last = _shallow_copy(child)
                dst.append(last)
                stack.append((last, list(child)))


_EMPTY_CANDIDATES = ("p", "div", "span", "header", "footer", "aside", "section")  # blocks that may be left empty


def _drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()


def _drop_noise(box) -> None:
    """Remove author, meta, reply and like markup from a comment's content copy."""
    junk = [el for el in box.iterdescendants() if _noisy(el)]
    for el in junk:  # an ancestor dropped first takes its descendants along; dropping them again is harmless
        _drop(el)


def _drop_empty(box) -> None:
    """Drop blocks left with no word and no image (a byline's separators, empty wrappers)."""
    for el in list(box.iter(*_EMPTY_CANDIDATES)):
        if el is not box and el.getparent() is not None and _wordless(el):
            _drop(el)


def _wordless(el) -> bool:
    """No word character in el's text and no image in it."""
    text = el.text  # text_content() starts with it: most blocks answer here
    if text and _WORD.search(text):
        return False
    return not _has_word(el) and next(el.iter("img"), None) is None


_WORD = re.compile(r"\w")


def _has_word(el) -> bool:
    """Whether el's text_content() has a word character, stopping at the first text that has one."""
    return any(map(_WORD.search, el.itertext()))  # the text nodes string() joins, in order


def _dedupe_ids(comments: list[Comment], parents: dict[str, str | None]) -> None:
    """Comment ids are unique in a thread; a repeated one (a theme quirk) gets a suffix."""
    seen: set[str] = set()
    for c in comments:
        if c.id in seen:
            old = c.id
            n = 2
            while f"{old}-{n}" in seen:
                n += 1
            c.id = f"{old}-{n}"
            parents[c.id] = parents.get(old)
        seen.add(c.id)


# ----------------------------------------------------------------------------- dates

_MONTHS = {
    # German, French, Spanish, Italian, Dutch, Portuguese month names -> English
    "januar": "January",
    "jänner": "January",
    "janvier": "January",
    "enero": "January",
    "gennaio": "January",
    "januari": "January",
    "janeiro": "January",
    "februar": "February",
    "février": "February",
    "fevrier": "February",
    "febrero": "February",
    "febbraio": "February",
    "februari": "February",
    "fevereiro": "February",
    "märz": "March",
    "maerz": "March",
    "mars": "March",
    "marzo": "March",
    "maart": "March",
    "março": "March",
    "avril": "April",
    "abril": "April",
    "aprile": "April",
    "mai": "May",
    "mayo": "May",
    "maggio": "May",
    "mei": "May",
    "maio": "May",
    "juni": "June",
    "juin": "June",
    "junio": "June",
    "giugno": "June",
    "junho": "June",
    "juli": "July",
    "juillet": "July",
    "julio": "July",
    "luglio": "July",
    "julho": "July",
    "august": "August",
    "août": "August",
    "aout": "August",
    "agosto": "August",
    "augustus": "August",
    "september": "September",
    "septembre": "September",
    "septiembre": "September",
    "settembre": "September",
    "setembro": "September",
    "oktober": "October",
    "octobre": "October",
    "octubre": "October",
    "ottobre": "October",
    "outubro": "October",
    "november": "November",
    "novembre": "November",
    "noviembre": "November",
    "novembro": "November",
    "dezember": "December",
    "décembre": "December",
    "decembre": "December",
    "diciembre": "December",
    "dicembre": "December",
    "december": "December",
    "dezembro": "December",
}
_CJK_MONTHS = ["十二月", "十一月", "十月", "九月", "八月", "七月", "六月", "五月", "四月", "三月", "二月", "一月"]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH_NO = {n.lower()[:3]: i for i, n in enumerate(_EN_MONTHS, 1)}
_LETTERS = re.compile(r"[^\W\d_]+")  # a word, which _month_word turns into English when it is a month


def _month_word(m: re.Match) -> str:
    word = m.group(0)
    return _MONTHS.get(word.lower(), word)


_MONTH_RE = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIME_RE = (
    r"(?:\s*(?:,|at|um|à|a las|alle|om|às|-|—|–|@)?\s*"
    r"(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_DATE_PATTERNS = [
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+" + _MONTH_RE + r",?\s+(?P<year>\d{4})" + _TIME_RE, re.I),
    re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME_RE, re.I),
    re.compile(r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME_RE, re.I),
    re.compile(r"(?P<day>\d{1,2})[./](?P<mon>\d{1,2})[./](?P<year>\d{4})" + _TIME_RE, re.I),
]


def displayed_date(text: str | None) -> str | None:
    """An ISO date for a date as a comment shows it ("19. Juni 2018 um 15:28 Uhr", "May 8, 2020,
    10:31 pm", "八月 26, 2016 - 3:57 下午"); None unless a day, a month and a year are all there."""
    if not text:
        return None
    if not text.isascii():  # the CJK names and 下午/上午 are not ASCII
        for i, cjk in enumerate(_CJK_MONTHS):
            text = text.replace(cjk, _EN_MONTHS[11 - i] + " ")
        text = text.replace("下午", " pm").replace("上午", " am")
    text = _LETTERS.sub(_month_word, text)
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groupdict()
        if g.get("month"):
            month = _MONTH_NO.get(g["month"].lower()[:3])
            if month is None:  # not an English month's first three letters after all (re.I is wider than lower())
                month = next(i for i, n in enumerate(_EN_MONTHS, 1) if n.lower().startswith(g["month"].lower()[:3]))
        else:
            month = int(g["mon"])
        hour, minute = int(g["hour"] or 0), int(g["minute"] or 0)
        ampm = (g.get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            dt = datetime(int(g["year"]), month, int(g["day"]), hour, minute)
        except ValueError:
            continue
        return dt.isoformat() if g["hour"] else dt.date().isoformat()
    return None


# ----------------------------------------------------------------------------- the post


def find_post_id(page: Page) -> str | None:
    """The post's id: the shortlink ?p=ID, the body class postid-ID, the article id post-ID, the form."""
    # Tag walks (lxml filters by tag in C, and a walk stops at its answer) in the order and with
    # the tests of the `//link[@rel="shortlink"][@href]`, `//body[@class]`, ... queries they replace.
    tree = page.tree
    for el in tree.iter("link"):
        if el.get("rel") == "shortlink" and el.get("href") is not None:
            m = SHORTLINK_P.search(el.get("href"))
            if m:
                return m.group(1)
    for el in tree.iter("body"):
        raw = el.get("class")
        if raw is not None:
            m = POSTID_CLASS.search(raw)
            if m:
                return m.group(1)
    for el in tree.iter("input"):
        if el.get("name") == "comment_post_ID" and el.get("value") is not None:
            value = el.get("value").strip()
            if value.isdigit():
                return value
    # //article[starts-with(@id,"post-")] | //div[starts-with(@id,"post-")][contains(@class,"hentry")]
    for el in tree.iter("article", "div"):
        el_id = el.get("id")
        if el_id is None or not el_id.startswith("post-"):
            continue
        if el.tag == "div" and "hentry" not in (el.get("class") or ""):
            continue
        m = POST_ID_ATTR.match(el_id)
        if m:
            return m.group(1)
    for el in tree.iter("a"):
        value = el.get("data-postid")
        if value is not None and value.isdigit():
            return value
    return None


def _post_element(page: Page, post_id: str | None):
    """The element of the post itself (`#post-ID`, `.post-ID`), when the page marks it."""
    # The first element, in document order, of `descendant-or-self::*[@id="post-ID" or (@class and
    # contains(concat(" ", normalize-space(@class), " "), " post-ID "))]`: a walk that stops there
    # (the post comes before its comments, which are most of a big page).
    if post_id:
        name = f"post-{post_id}"
        for el in page.tree.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("id") == name:
                return el
            raw = el.get("class")
            if raw and name in raw and name in _XML_WS.split(raw):
                return el
    return None


def _outside(el, stop_elements: set) -> bool:
    """Whether el is outside comments, widgets and related-post boxes (walks its ancestors)."""
    for anc in el.iterancestors():
        if anc in stop_elements:
            return False
        raw = anc.get("class")
        if raw:
            classes = set(raw.split())
            if classes & BLOCKING_CLASSES or any(c.startswith(("related", "jp-relatedposts")) for c in classes):
                return False
        if (anc.get("id") or "") in BLOCKING_IDS:
            return False
    return True


class _PostIndex:
    """The post selectors' matches in a scope (the post, the page), outside the comments.

    One walk per scope, which skips the inside of every comment: what is in a comment is never
    the post's (`_outside` says no to it), and on a big thread it is nearly all of the page.
    """

    def __init__(self, stop: set) -> None:
        self.stop = stop
        self.by_scope: dict = {}

    def __call__(self, scope, sel: _Sel) -> list:
        hits = self.by_scope.get(scope)
        if hits is None:
            hits = self.by_scope[scope] = _index([scope], _POST_SELECTORS, skip=self.stop)
        return hits.get(sel, [])


def _post_body(scope, stop: set, *, min_text: int, find: _PostIndex | None = None):
    """The post's content element: by the first selector that matches, the one with most text."""
    find = find or _PostIndex(stop)
    for sel in POST_BODY:
        best, best_len = None, -1
        for el in find(scope, sel):
            if el in stop or not _outside(el, stop):
                continue
            n = len(el.text_content())
            if n > best_len:
                best, best_len = el, n
        if best is not None and best_len >= min_text:
            return best
    return None


def _post_of(body):
    """The nearest ancestor of the body that is the post (an article, .hentry, .post)."""
    for i, anc in enumerate(body.iterancestors()):
        if i > 12 or anc.tag in ("body", "html"):
            break
        classes = set((anc.get("class") or "").split())
        if anc.tag == "article" or classes & {"hentry", "post", "type-post", "type-page", "single-post"}:
            return anc
    return None


def _first_outside(scopes: list, selectors: tuple[_Sel, ...], find: _PostIndex, *, with_text: bool = False):
    stop = find.stop
    for scope in scopes:
        for sel in selectors:
            for el in find(scope, sel):
                if (not with_text or text_of(el)) and _outside(el, stop):
                    return el
    return None


def post_article(page: Page, post_id: str | None, nodes: list[CommentNode]) -> tuple[Article, object]:
    """The article's metadata and body element, from the post's own markup (#post-ID), then metas."""
    comment_els = {n.el for n in nodes}
    find = _PostIndex(comment_els)
    post = _post_element(page, post_id)
    body = _post_body(post, comment_els, min_text=1, find=find) if post is not None else None
    if body is None:
        body = _post_body(page.tree, comment_els, min_text=100, find=find)
    if body is None:
        body = generic_article(page)[1]
    elif post is None:
        post = _post_of(body)
    if body is not None and nodes and any(anc is body for anc in nodes[0].el.iterancestors()):
        body = copy.deepcopy(body)
        for junk in body.cssselect(COMMENT_AREAS):
            if junk.getparent() is not None:
                junk.drop_tree()
    scopes = [post, page.tree] if post is not None else [page.tree]
    # title
    title = page.meta("og:title", "twitter:title", any_case=True)
    if not title:
        el = _first_outside(scopes, POST_TITLE, find, with_text=True)
        title = text_of(el) if el is not None else text_of(page.tree.find(".//title"))
    # author: the post's byline, else a meta that is a name (not a profile URL)
    author = make_author(None)
    author_el = _first_outside(scopes, POST_AUTHOR, find, with_text=True)
    if author_el is not None:
        link = author_el if author_el.tag == "a" else next(iter(author_el.iter("a")), None)
        name = re.sub(r"(?i)^(by|von|par|por|di)\s+", "", text_of(author_el))
        author = make_author(name, page.absolute(link.get("href")) if link is not None else None)
    else:
        name = page.meta("author", "article:author", "dc.creator", "twitter:creator", any_case=True)
        if name and not re.match(r"(?i)^(https?:|www\.)", name):
            author = make_author(name)
    # dates: metas, else the post's time elements, else its displayed date
    published = parse_date(page.meta("article:published_time", "datePublished", "dc.date", "date", any_case=True))
    if published is None:
        el = _first_outside(scopes, POST_PUBLISHED, find)
        if el is None and post is not None:  # any time element of the post itself
            el = _first_outside([post], TIME_DATETIME, find)
        if el is not None:
            published = parse_date(el.get("datetime") or el.get("content") or el.get("title"))
        else:
            el = _first_outside(scopes, POST_DATE_TEXT, find, with_text=True)
            published = displayed_date(text_of(el)) if el is not None else None
    updated = parse_date(page.meta("article:modified_time", "dateModified", "og:updated_time", any_case=True))
    if updated is None:
        el = _first_outside(scopes, POST_UPDATED, find)
        updated = parse_date(el.get("datetime") or el.get("content")) if el is not None else None
    # labels: the post's tags and categories
    labels: list[str] = []
    for a in find(post if post is not None else page.tree, POST_LABELS):
        label = text_of(a)
        if label and label not in labels and _outside(a, comment_els):
            labels.append(label)
    canonical = next((el.get("href") for el in page.tree.iter("link") if el.get("rel") == "canonical"), None)
    article = Article(
        title=title or None,
        author=author,
        published=published,
        updated=updated,
        labels=labels,
        url=page.absolute(canonical or page.meta("og:url", any_case=True)) or page.url,
    )
    return article, body


# ----------------------------------------------------------------------------- paging


def _comment_page_no(url: str) -> int | None:
    m = COMMENT_PAGE.search(url)
    return int(m.group(1) or m.group(2)) if m else None


def _post_base(url: str) -> str:
    """A post URL without its comment page part, query and fragment, for comparing."""
    parts = urlsplit(url)
    path = re.sub(r"/comment-page-\d+/?$", "/", parts.path)
    return f"{parts.netloc.lower()}{path.rstrip('/')}"


def _paging_hrefs(page: Page) -> list[str]:
    """The hrefs of the page's links that name a comment page, as written.

    Tested before urljoin: a link without `comment-page-` or `cpage=` of its own can only get
    one from the page's URL, which names this page's number (a link that is skipped anyway).
    """
    return [
        href
        for a in page.tree.iter("a")
        if (href := a.get("href")) is not None and ("comment-page-" in href or "cpage=" in href)
    ]


def comment_page_urls(page: Page) -> list[str]:
    """The other comment pages of this post linked from the page: absolute, by page number, once each."""
    return _comment_page_urls(page, _paging_hrefs(page))


def _comment_page_urls(page: Page, hrefs: list[str]) -> list[str]:
    """comment_page_urls() from the page's paging hrefs (`_paging_hrefs`)."""
    own = page.url or ""
    canonical = None
    for el in page.tree.iter("link"):  # the first //link[@rel="canonical"][@href]
        if el.get("rel") == "canonical" and el.get("href") is not None:
            canonical = page.absolute(el.get("href"))
            break
    bases = {_post_base(u) for u in (own, canonical) if u}
    current = _comment_page_no(own or canonical or "")
    seen: dict[str, int] = {}
    order: list[str] = []
    for raw in hrefs:
        href = page.absolute(raw)
        if not href:
            continue
        number = _comment_page_no(href)
        if number is None:
            continue
        url, _, fragment = href.partition("#")
        if re.fullmatch(r"comment-\d+", fragment) or "replytocom=" in url:
            continue  # a comment's permalink or reply link (widgets, comment meta), not a page link
        if number == current:
            continue
        if bases and _post_base(url) not in bases:
            continue  # another post's comments
        if own and url == own.partition("#")[0]:
            continue
        if url not in seen:
            seen[url] = number
            order.append(url)
    return sorted(order, key=lambda u: seen[u])


def has_comment_paging(page: Page) -> bool:
    """Whether the page shows that its thread goes on on other comment pages."""
    hrefs = _paging_hrefs(page)
    if _comment_page_urls(page, hrefs):
        return True
    if not any(_comment_page_no(href) is not None for href in hrefs):
        return False  # no link anywhere names a comment page (the selectors below look for one)
    for area in page.css("#comments, .comments-area, #comments-area"):
        for sel in COMMENT_NAV:
            for a in sel(area):
                if _comment_page_no(a.get("href") or "") is not None:
                    return True
    return False


# ----------------------------------------------------------------------------- REST API


def rest_api_url(page_or_base_url: Page | str, post_id: str | int, page_no: int = 1, per_page: int = 100) -> str:
    """The URL of one page of a post's comments in the WordPress REST API (wp/v2/comments).

    The API root is the page's `<link rel="https://api.w.org/">` when a Page is given, else
    `<origin>/wp-json/` (or the root in the URL when it already holds `/wp-json/` or `rest_route`).
    Oldest first, so that pages do not shift while new comments arrive.
    """
    if isinstance(page_or_base_url, Page):
        page = page_or_base_url
        root = None
        for el in page.xpath('//link[@rel="https://api.w.org/"][@href]'):
            root = page.absolute(el.get("href"))
            break
        root = root or page.url or ""
    else:
        root = page_or_base_url
    params = {"post": str(post_id), "per_page": str(per_page), "page": str(page_no), "order": "asc"}
    parts = urlsplit(root)
    query = parse_qs(parts.query)
    if "rest_route" in query:  # sites without pretty permalinks: ?rest_route=/
        route = query["rest_route"][0].rstrip("/") + "/wp/v2/comments"
        return urlunsplit(
            (parts.scheme, parts.netloc, parts.path or "/", urlencode({"rest_route": route, **params}), "")
        )
    path = parts.path[: parts.path.index("/wp-json")] + "/wp-json/" if "/wp-json" in parts.path else "/wp-json/"
    return urlunsplit((parts.scheme, parts.netloc, path + "wp/v2/comments", urlencode(params), ""))


def _rest_date(item: dict) -> str | None:
    gmt = item.get("date_gmt")
    if gmt:
        return parse_date(gmt if re.search(r"(Z|[+-]\d\d:?\d\d)$", gmt) else gmt + "+00:00")
    return parse_date(item.get("date"))


def _sort_key(published: str | None) -> tuple[int, float]:
    if not published:
        return (1, 0.0)
    try:
        dt = datetime.fromisoformat(published)
    except ValueError:
        return (1, 0.0)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (0, dt.timestamp())


def comments_from_rest(items: list[dict], base_url: str | None = None) -> list[Comment]:
    """Nested comments from WordPress REST API comment objects (`/wp/v2/comments` responses).

    Approved comments only (a listing without a status is taken as approved); siblings oldest
    first; a comment whose parent is not among the items is top level.
    """
    flat: list[tuple[tuple[int, float], int, Comment]] = []
    parents: dict[str, str | None] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or item.get("id") is None:
            continue
        if item.get("status") not in (None, "approved", "approve"):
            continue
        cid = str(item["id"])
        rendered = (item.get("content") or {}).get("rendered") if isinstance(item.get("content"), dict) else None
        html, text = _fragment_content(rendered or "")
        kind = item.get("type") if item.get("type") in ("pingback", "trackback") else "comment"
        author_url = item.get("author_url") or None
        link = item.get("link") or None
        if base_url:
            author_url = urljoin(base_url, author_url) if author_url else None
            link = urljoin(base_url, link) if link else None
        published = _rest_date(item)
        comment = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(item.get("author_name"), author_url),
            published=published,
            permalink=link,
            kind=kind,
        )
        parent = item.get("parent")
        parents[cid] = str(parent) if parent not in (None, 0, "0", "") else None
        flat.append((_sort_key(published), i, comment))
    flat.sort(key=lambda t: (t[0], t[1]))
    return build_tree([c for _, _, c in flat], parents)


def _fragment_content(fragment: str) -> tuple[str, str]:
    if not fragment.strip():
        return "", ""
    try:
        box = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return "", ""
    return content(box)


# ----------------------------------------------------------------------------- merging


def _flatten(comments: list[Comment]) -> tuple[list[Comment], dict[str, str | None]]:
    """Comments of a tree in reading order and each one's parent id, from the tree's shape."""
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    stack: list[tuple[Comment, str | None]] = [(c, None) for c in reversed(comments)]
    while stack:
        c, parent = stack.pop()
        flat.append(c)
        parents.setdefault(c.id, parent)
        stack.extend((r, c.id) for r in reversed(c.replies))
    return flat, parents


def merge_comments(page_comments: list[Comment], other_comments: list[Comment]) -> list[Comment]:
    """One tree of every comment once by id: the page's fields first, the other source's filling gaps.

    The page's order is kept; a comment only the other source has goes among its siblings by date
    (after the last sibling not newer than it). A comment's parent is the page's, else the other's.
    Neither input is changed.
    """
    page_flat, page_parents = _flatten(page_comments)
    other_flat, other_parents = _flatten(other_comments)
    others = {c.id: c for c in other_flat}
    merged: dict[str, Comment] = {}
    from_page: set[str] = set()
    for c in page_flat:
        if c.id in merged:
            continue
        other = others.get(c.id)
        merged[c.id] = _fill(c, other) if other is not None else replace(c, replies=[])
        from_page.add(c.id)
    for c in other_flat:
        if c.id not in merged:
            merged[c.id] = replace(c, replies=[])
    parents: dict[str, str | None] = {}
    for cid in merged:
        parent = page_parents.get(cid) if cid in from_page else None
        if parent is None:
            parent = other_parents.get(cid)
        if parent is not None and parent not in merged:
            parent = None
        parents[cid] = parent
    _break_cycles(parents)
    roots = build_tree(list(merged.values()), parents)
    # Place the other source's comments among the page's siblings by date.
    stack = [roots]
    while stack:
        siblings = stack.pop()
        if any(c.id not in from_page for c in siblings) and any(c.id in from_page for c in siblings):
            siblings[:] = _interleave(siblings, from_page)
        stack.extend(c.replies for c in siblings if c.replies)
    return roots


def _fill(page_c: Comment, other: Comment) -> Comment:
    author = replace(
        page_c.author,
        name=page_c.author.name or other.author.name,
        url=page_c.author.url or other.author.url,
        is_post_author=page_c.author.is_post_author or other.author.is_post_author,
    )
    has_text = bool(page_c.text)
    return replace(
        page_c,
        replies=[],
        author=author,
        text=page_c.text if has_text else other.text,
        html=page_c.html if has_text else other.html,
        published=page_c.published or other.published,
        permalink=page_c.permalink or other.permalink,
        kind=page_c.kind if page_c.kind != "comment" else other.kind,
    )


def _break_cycles(parents: dict[str, str | None]) -> None:
    """Make a comment top level where following parents would loop (bad data must not hang).

    Linear: each chain is followed once; a chain that runs into one already checked stops there.
    """
    done: set[str] = set()
    for start in list(parents):
        path: list[str] = []
        on_path: set[str] = set()
        cur: str | None = start
        while cur is not None and cur not in done:
            if cur in on_path:
                parents[path[-1]] = None  # the link that closes the loop
                break
            path.append(cur)
            on_path.add(cur)
            cur = parents.get(cur)
        done.update(path)


def _interleave(siblings: list[Comment], from_page: set[str]) -> list[Comment]:
    page_part = [c for c in siblings if c.id in from_page]
    new = sorted((c for c in siblings if c.id not in from_page), key=lambda c: _sort_key(c.published))
    out: list[Comment] = []
    i = 0
    for p in page_part:
        pk = _sort_key(p.published)
        while i < len(new) and new[i].published and pk[0] == 0 and _sort_key(new[i].published) < pk:
            out.append(new[i])
            i += 1
        out.append(p)
    out.extend(new[i:])
    return out


__all__ = [
    "CommentNode",
    "WordPressExtractor",
    "comment_page_urls",
    "comments_from_rest",
    "displayed_date",
    "find_comment_nodes",
    "find_post_id",
    "has_comment_paging",
    "merge_comments",
    "rest_api_url",
]
