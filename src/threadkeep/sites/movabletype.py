"""Movable Type archives: classic `div.comments-body` blocks with a "Posted by: NAME at DATE"
footer, or the MT4+ templates' `div.comment[id^=comment-]` under `div#comments`."""

from __future__ import annotations

import re

from threadkeep.dates import DATE_RE, find_date, parse_date
from threadkeep.html.page import Page
from threadkeep.html.select import select, without
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import Case, CommentIds, Extraction
from threadkeep.sites.generic import ReaderSite

_POSTED_BY = re.compile(r"^\s*(?:posted|written|comment(?:ed)?)\s+by\s*:?\s*", re.IGNORECASE)


def recognise_movabletype(page: Page) -> Extraction | None:
    """Movable Type archives: classic div.comments-body blocks or MT4+ div.comment[id^=comment-]."""
    generator = (page.meta("generator") or "").lower()
    classic = page.css("div.comments-body")
    classic = [el for el in classic if select(el, ".comments-post")]
    modern = page.xpath(
        '//div[@id="comments"]//div[contains(concat(" ", normalize-space(@class), " "), " comment ")]'
        '[starts-with(@id, "comment-")][.//*[contains(@class, "comment-content")]]'
    )
    if not classic and not (modern and "movable type" in generator):
        return None
    ids = CommentIds()
    flat: list[Comment] = []
    if classic:
        for el in classic:
            footer = select(el, ".comments-post")[0]
            name, url = _posted_by(page, footer)
            published = find_date(text_of(footer))
            body = without(el, ".comments-post")
            html, text = content(body)
            anchor = el.getprevious()
            own = anchor.get("name") if anchor is not None and anchor.tag == "a" else None
            cid = ids.make(own, name, published, text)
            flat.append(Comment(id=cid, text=text, html=html, author=make_author(name, url), published=published))
    else:
        for el in modern:
            body = next(iter(select(el, ".comment-content")), None)
            html, text = content(body)
            footer = next(iter(select(el, ".comment-footer, .comment-header, .comment-meta")), None)
            name, url = _posted_by(page, footer) if footer is not None else (None, None)
            published = find_date(text_of(footer)) if footer is not None else None
            for t in select(el, "abbr[title], time[datetime]"):
                published = parse_date(t.get("datetime") or t.get("title")) or published
                break
            cid = ids.make(el.get("id"), name, published, text)
            flat.append(Comment(id=cid, text=text, html=html, author=make_author(name, url), published=published))
    ext = Extraction(platform="movabletype", comments=flat)
    ext.body = next(iter(page.css(".blogbody, .entry-body, .asset-body")), None)
    if ext.body is not None and classic:
        ext.body = without(ext.body, ".posted, h3.title")
    title = next(iter(page.css(".blogbody h3.title, h3.entry-header, h1.asset-name")), None)
    posted = next(iter(page.css(".blogbody .posted, .entry-footer .posted, .asset-meta")), None)
    article = Article(title=text_of(title) or None)
    if posted is not None:
        name = re.sub(r"\s+at\s+.*$", "", _POSTED_BY.sub("", text_of(posted)))
        article.author = make_author(name[:80] or None)
        article.published = find_date(text_of(posted))
    ext.article = article
    return ext


def _posted_by(page: Page, footer) -> tuple[str | None, str | None]:
    """The author name and link of a 'Posted by: NAME at DATE' line."""
    for a in footer.iter("a"):
        name = text_of(a)
        if name and not DATE_RE.search(name):
            return name, page.absolute(a.get("href"))
    text = _POSTED_BY.sub("", text_of(footer))
    text = re.split(r"\s+(?:at|on|am|um)\s+|\s*\|\s*", text, maxsplit=1)[0]
    return (text[:80] or None), None


# ---------------------------------------------------------------------- the generic finder


class MovableTypeSite(ReaderSite):
    name = "movabletype"
    description = "Movable Type archives (classic and MT4+ comment templates)"
    CASES = (Case("corpus/other/ouseful.info_movabletype_013937.html", comments=7, top_level=7, max_depth=1),)

    read = staticmethod(recognise_movabletype)
