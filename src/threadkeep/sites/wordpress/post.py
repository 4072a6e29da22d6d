"""The post of a WordPress page: its id, its element, and the article's title, author, dates,
labels and body."""

from __future__ import annotations

import copy
import re

from threadkeep.dates import displayed_date, parse_date
from threadkeep.html.page import Page
from threadkeep.html.select import select
from threadkeep.html.selectors import XML_WS, Selector, index_matches
from threadkeep.html.text import make_author, text_of
from threadkeep.model import Article
from threadkeep.sites.generic import generic_article
from threadkeep.sites.wordpress.markup import (
    _POST_SELECTORS,
    BLOCKING_CLASSES,
    BLOCKING_IDS,
    COMMENT_AREAS,
    POST_AUTHOR,
    POST_BODY,
    POST_DATE_TEXT,
    POST_ID_ATTR,
    POST_LABELS,
    POST_PUBLISHED,
    POST_TITLE,
    POST_UPDATED,
    POSTID_CLASS,
    SHORTLINK_P,
    TIME_DATETIME,
)
from threadkeep.sites.wordpress.nodes import CommentNode

# ----------------------------------------------------------------------------- the post


def find_post_id(page: Page) -> str | None:
    """The post's id: the shortlink ?p=ID, the body class postid-ID, the article id post-ID, the form."""
    # Tag walks (lxml filters by tag in C, and a walk stops at its answer) in the order and with
    # the tests of the `//link[@rel="shortlink"][@href]`, `//body[@class]`, ... queries they replace.
    tree = page.tree
    for href in page.links("shortlink"):
        m = SHORTLINK_P.search(href)
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
            if value.isdecimal():
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
        if value is not None and value.isdecimal():
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
            if raw and name in raw and name in XML_WS.split(raw):
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

    def __call__(self, scope, sel: Selector) -> list:
        hits = self.by_scope.get(scope)
        if hits is None:
            hits = self.by_scope[scope] = index_matches([scope], _POST_SELECTORS, skip=self.stop)
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


def _first_outside(scopes: list, selectors: tuple[Selector, ...], find: _PostIndex, *, with_text: bool = False):
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
        for junk in select(body, COMMENT_AREAS):
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
            published = displayed_date(text_of(el), languages=page.languages) if el is not None else None
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
    canonical = next((el.get("href") for el in page.link_elements if el.get("rel") == "canonical"), None)
    article = Article(
        title=title or None,
        author=author,
        published=published,
        updated=updated,
        labels=labels,
        url=page.absolute(canonical or page.meta("og:url", any_case=True)) or page.url,
    )
    return article, body
