"""Substack posts: the preview comments the page carries (the full thread loads by script)."""

from __future__ import annotations

import re

from threadkeep.html.page import Page
from threadkeep.html.select import select, without
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.sites.base import Case, CommentIds, Extraction
from threadkeep.sites.generic import ReaderSite
from threadkeep.tree import build_tree


def recognise_substack(page: Page) -> Extraction | None:
    """Substack posts: the preview comments the page carries (the full thread loads by script)."""
    items = page.css(".comment-list-items > .comment, .comment-list .comment")
    if not items or not (
        "substack" in page.html[:200000].lower() and page.css(".commenter-name, .comment-meta, .comment-body")
    ):
        return None
    ids = CommentIds()
    comments: dict[object, Comment] = {}
    parents: dict[str, str | None] = {}
    flat: list[Comment] = []
    seen: set = set()
    for el in items:
        if el in seen:
            continue
        seen.add(el)
        anchor = next(iter(select(el, ".comment-anchor[id]")), None)
        name_el = next(iter(select(el, ".commenter-name")), None)
        name = text_of(name_el) or None
        url = None
        for a in select(el, ".comment-head a[href], .user-head a[href]"):
            url = page.absolute(a.get("href"))
            break
        body = next(iter(select(el, ".comment-body")), None)
        if body is not None:
            body = without(body, ".show-all-toggle")
        html, text = content(body)
        permalink = None
        for a in select(el, ".comment-meta a[href*='/comment/']"):
            permalink = page.absolute(a.get("href"))
            break
        own = anchor.get("id").removeprefix("comment-") if anchor is not None else None
        cid = ids.make(own, name, None, text)
        c = Comment(id=cid, text=text, html=html, author=make_author(name, url), permalink=permalink)
        c.deleted = not text and name is None
        comments[el] = c
        parent_el = next((a for a in el.iterancestors() if a in comments), None)
        parents[cid] = comments[parent_el].id if parent_el is not None else None
        flat.append(c)
    ext = Extraction(platform="substack", comments=build_tree(flat, parents))
    more = page.css("a.more-comments")
    if more:
        ext.complete = False
        m = re.search(r"(\d[\d,.]*)", text_of(more[0]))
        if m:
            ext.not_archived = int(re.sub(r"\D", "", m.group(1)))
    ext.body = next(iter(page.css(".available-content .body, .available-content, .body.markup")), None)
    return ext


class SubstackSite(ReaderSite):
    name = "substack"
    description = "Substack posts (the preview comments the page carries)"
    CASES = (
        Case("corpus/other/garymarcus.substack.com_nonsense-on-stilts.html", comments=2, top_level=2, max_depth=1),
    )

    read = staticmethod(recognise_substack)
