"""Squarespace 5 journals: `div.journal-comment-area > div.comment-wrapper > div.comment#commentID`,
each with `div.body#itemID` (the text) and `div.signature` ("October 24, 2012 | NAME", the
name linked to the commenter's contributor page; a time when the site shows one). A reply's
wrapper sits inside its parent's. The post is `div.journal-entry` (title in `.title`, text in
`.body`)."""

from __future__ import annotations

import re

from threadkeep.dates import displayed_date, find_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import Case, CommentIds, Extraction, Site
from threadkeep.sites.generic import fill_metadata, generic_article


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def _child(el, cls: str):
    return next((c for c in el.iterchildren("div") if cls in _classes(c)), None)


def journal_comments(page: Page, area) -> list[Comment]:
    ids = CommentIds()
    by_wrapper: dict[object, Comment] = {}
    roots: list[Comment] = []
    for wrapper in area.iter("div"):
        if "comment-wrapper" not in _classes(wrapper):
            continue
        box = _child(wrapper, "comment")
        if box is None:
            continue
        body, signature = _child(box, "body"), _child(box, "signature")
        if body is None:
            continue
        html, text = content(body)
        link = next(signature.iter("a"), None) if signature is not None else None
        line = text_of(signature) if signature is not None else ""
        if link is not None and text_of(link):
            name = text_of(link)
        else:
            name = re.split(r"\s*\|\s*", line)[-1] if "|" in line else None
        published = displayed_date(line, languages=page.languages) or find_date(line)
        comment = Comment(
            id=ids.make((box.get("id") or "").removeprefix("comment") or None, name, published, text),
            text=text,
            html=html,
            author=make_author(clean_author(name), page.absolute(link.get("href")) if link is not None else None),
            published=published,
        )
        parent = next((by_wrapper[a] for a in wrapper.iterancestors("div") if a in by_wrapper), None)
        (parent.replies if parent is not None else roots).append(comment)
        by_wrapper[wrapper] = comment
    return roots


class SquarespaceSite(Site):
    name = "squarespace"
    description = "Squarespace 5 journals (journal-comment-area comments)"
    CASES = (
        Case(  # corpus2 gold (Dragnet page R8): "Reader Comments (3)", dates without a time
            "corpus2/pages/highscalability.com_2012-10_saving-cash-using-less-cache.html",
            comments=3,
            top_level=3,
            facts={"2": {"author": "Benjamin Schweizer", "published": "2012-10-25"}},
        ),
    )

    def recognise(self, page: Page) -> Extraction | None:
        if "journal-comment-area" not in page.html:  # a string search: cheap on every other page
            return None
        area = page.first_with_class("journal-comment-area", "div")
        if area is None:
            return None
        entry = page.first_with_class("journal-entry", "div")
        if entry is not None:
            title = next((el for el in entry.iter() if "title" in _classes(el)), None)
            body = next((el for el in entry.iter("div") if "body" in _classes(el)), None)
            article = Article(title=text_of(title) or None)
            fill_metadata(article, page)
        else:
            article, body = generic_article(page)
        return Extraction(platform=self.name, article=article, body=body, comments=journal_comments(page, area))
