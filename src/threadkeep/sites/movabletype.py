"""Movable Type archives, and the comment templates TypePad shares with them (sites/typepad.py).

Movable Type's templates write each comment as a body and a footer line "Posted by: NAME at
DATE" (or "NAME | DATE"), in one of these shapes:

- classic: `div.comments-body` holding the text and a `span/p.comments-post` footer;
- MT 3 "sibling footer": `div#cID` with the text, then `p.posted` (or a class-less "Posted
  by:" paragraph, as in MT 3.2's documented template) as its next sibling;
- unwrapped (MT 2 / TypePad 2005): an anchor `a#cID`, the comment's paragraphs, then
  `p.posted`, all siblings with no element around one comment;
- MT 4+ / TypePad: `div.comment#comment-ID` holding `div.comment-content` and
  `p.comment-footer` (TypePad adds an avatar block).

The article's own "Posted by NAME at TIME" line has the same class; it is never taken for a
comment because no comment anchor (`a#cID`, `div#cID`, `div.comment`) goes with it. The
hidden comment-preview template (inside `.hiddenBox` / `#comment-preview`) is skipped.
"""

from __future__ import annotations

import copy
import re

from lxml import html as lxml_html

from threadkeep.dates import DATE_RE, displayed_date, find_date, parse_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.select import select, without
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import Case, CommentIds, Extraction, Site
from threadkeep.sites.generic import fill_metadata

_POSTED_BY = re.compile(r"^\s*(?:posted|written|comment(?:ed)?)\s+by\s*:?\s*", re.IGNORECASE)
_ANCHOR_ID = re.compile(r"^c(?:omment-?)?(?:\d+|[0-9a-f]{8,})$")
_SECONDS = re.compile(r"\b(\d{1,2}:\d{2}):\d{2}(?=\s*[AaPp]\.?[Mm]\b)")  # "10:19:16 PM" -> "10:19 PM"
_FOOTER_CLASSES = ("posted", "comment-footer")
_MAX_UNWRAPPED = 200  # siblings walked back from a footer to its comment's anchor


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def _is_anchor(el) -> bool:
    """`a#c123` / `a name=c123`: where an unwrapped comment begins."""
    return el.tag == "a" and bool(_ANCHOR_ID.match(el.get("id") or el.get("name") or "")) and not len(el)


def _hidden(el) -> bool:
    return any("hiddenBox" in _classes(a) or a.get("id") == "comment-preview" for a in el.iterancestors())


def _elements(p):
    """Previous element siblings of p, nearest first (comments and processing instructions skipped)."""
    el = p.getprevious()
    while el is not None:
        if isinstance(el.tag, str):
            yield el
        el = el.getprevious()


def footer_body(footer) -> tuple[object, str | None] | None:
    """The element holding a footer's comment text (a wrapper made for unwrapped comments), and
    the comment's own id; None when no comment anchor goes with the footer."""
    parent = footer.getparent()
    if parent is not None and "comment" in _classes(parent):
        body = next((c for c in parent.iterchildren("div") if "comment-content" in _classes(c)), None)
        if body is None:
            body = without(parent, "p.comment-footer, .comment-avatar, .comment-header")
        return body, parent.get("id")
    previous = next(_elements(footer), None)
    if previous is None:
        return None
    if previous.tag == "div" and _ANCHOR_ID.match(previous.get("id") or ""):
        return previous, previous.get("id")
    parts = []
    for el in _elements(footer):
        if _is_anchor(el):
            wrapper = lxml_html.Element("div")
            for part in reversed(parts):
                copy = lxml_html.fromstring(lxml_html.tostring(part, with_tail=False))
                wrapper.append(copy)
            return wrapper, el.get("id") or el.get("name")
        if el.tag in ("h1", "h2", "h3", "h4", "form") or set(_classes(el)) & set(_FOOTER_CLASSES):
            return None
        parts.append(el)
        if len(parts) > _MAX_UNWRAPPED:
            return None
    return None


def _bare_footer(p) -> bool:
    """A class-less "Posted by:" paragraph right after a `div#cID` (MT 3's documented template)."""
    if p.tag != "p" or p.get("class") or not _POSTED_BY.match(p.text or ""):
        return False
    previous = next(_elements(p), None)
    return previous is not None and previous.tag == "div" and bool(_ANCHOR_ID.match(previous.get("id") or ""))


def footer_comments(page: Page) -> list[Comment]:
    """Every comment written as a body and a "Posted by:" footer, in document order."""
    ids = CommentIds()
    comments = []
    for footer in page.tree.iter("p", "span"):
        if not (set(_classes(footer)) & set(_FOOTER_CLASSES) or _bare_footer(footer)) or _hidden(footer):
            continue
        found = footer_body(footer)
        if found is None:
            continue
        body, own = found
        html, text = content(without_number(body, len(comments) + 1))
        name, url, rest = posted_by(page, footer)
        permalink = next(
            (a.get("href") for a in footer.iter("a") if re.search(r"#c|[?&]cid=|#comment-", a.get("href") or "")),
            None,
        )
        published = footer_date(page, rest)
        own = re.sub(r"^c(?:omment-?)?", "", own or "") or None
        comments.append(
            Comment(
                id=ids.make(own, name, published, text),
                text=text,
                html=html,
                author=make_author(name, url),
                published=published,
                permalink=page.absolute(permalink),
            )
        )
    return comments


def footer_date(page: Page, text: str) -> str | None:
    text = _SECONDS.sub(r"\1", text)
    return displayed_date(text, languages=page.languages) or find_date(text)


def posted_by(page: Page, footer) -> tuple[str | None, str | None, str]:
    """(name, link, the rest of the line) of a "Posted by: NAME at DATE" / "NAME | DATE" footer."""
    line = text_of(footer)
    for el in footer.iter("a", "span"):
        if el is footer:
            continue
        name = text_of(el)
        if name and not DATE_RE.search(name):
            href = el.get("href") if el.tag == "a" else None
            rest = line.split(name, 1)[1] if name in line else line
            return clean_author(name), page.absolute(href), rest
    stripped = _POSTED_BY.sub("", line)
    parts = re.split(r"\s+(?:at|on|am|um)\s+|\s*\|\s*", " " + stripped, maxsplit=1)
    name = parts[0].strip()
    return (clean_author(name[:80]) if name else None), None, parts[1] if len(parts) > 1 else stripped


def mt_article(page: Page, *, strip_posted: bool) -> tuple[Article, object]:
    body = next(iter(page.css(".blogbody, .entry-body, .asset-body, .entry-content")), None)
    if body is not None and strip_posted:
        body = without(body, ".posted, h3.title")
    title = next(iter(page.css(".blogbody h3.title, h3.entry-header, h1.asset-name, h2.entry-header")), None)
    posted = next(iter(page.css(".blogbody .posted, .entry-footer .posted, .asset-meta, .entry-footer")), None)
    article = Article(title=text_of(title) or None)
    if posted is not None:
        name = re.sub(r"\s+(?:at|on)\s+.*$", "", _POSTED_BY.sub("", text_of(posted)))
        article.author = make_author(clean_author(name[:80]) or None)
        article.published = find_date(text_of(posted))
    fill_metadata(article, page)
    return article, body


def without_number(body, number: int):
    """The body without the comment's number the template writes before its text (Movable
    Type's `<b><$MTCommentOrderNumber$>.</b>`), when it is this comment's place in the list."""
    lead = next((c for c in body.iterchildren() if isinstance(c.tag, str)), None)
    if lead is None or lead.tag not in ("b", "strong", "span") or (body.text or "").strip():
        return body
    if text_of(lead).rstrip(".:)") != str(number) or len(lead):
        return body
    body = copy.deepcopy(body)
    first = next(c for c in body.iterchildren() if isinstance(c.tag, str))
    first.drop_tree()
    return body


def _classic(page: Page) -> list[Comment]:
    ids = CommentIds()
    flat: list[Comment] = []
    for el in page.css("div.comments-body"):
        footer = next(iter(select(el, ".comments-post")), None)
        if footer is None:
            continue
        name, url, rest = posted_by(page, footer)
        published = footer_date(page, rest)
        html, text = content(without_number(without(el, ".comments-post"), len(flat) + 1))
        anchor = el.getprevious()
        own = anchor.get("name") if anchor is not None and anchor.tag == "a" else None
        cid = ids.make(own, name, published, text)
        flat.append(Comment(id=cid, text=text, html=html, author=make_author(name, url), published=published))
    return flat


def _modern(page: Page) -> list[Comment]:
    """MT 4+ `div.comment#comment-ID` with a header or meta line instead of a footer paragraph."""
    ids = CommentIds()
    flat: list[Comment] = []
    for el in page.xpath(
        '//div[@id="comments"]//div[contains(concat(" ", normalize-space(@class), " "), " comment ")]'
        '[starts-with(@id, "comment-")][.//*[contains(@class, "comment-content")]]'
    ):
        body = next(iter(select(el, ".comment-content")), None)
        html, text = content(body)
        footer = next(iter(select(el, ".comment-footer, .comment-header, .comment-meta")), None)
        name, url, rest = posted_by(page, footer) if footer is not None else (None, None, "")
        published = footer_date(page, rest) if footer is not None else None
        for t in select(el, "abbr[title], time[datetime]"):
            published = parse_date(t.get("datetime") or t.get("title")) or published
            break
        cid = ids.make(el.get("id"), name, published, text)
        flat.append(Comment(id=cid, text=text, html=html, author=make_author(name, url), published=published))
    return flat


def is_typepad(page: Page) -> bool:
    generator = (page.meta("generator") or "").lower()
    if generator:
        return "typepad" in generator
    return "www.typepad.com/t/" in page.html or "static.typepad.com" in page.html


class MovableTypeSite(Site):
    name = "movabletype"
    description = "Movable Type archives (classic, sibling-footer, unwrapped and MT4+ comment templates)"
    CASES = (
        Case("corpus/other/ouseful.info_movabletype_013937.html", comments=7, top_level=7, max_depth=1),
        Case(  # div.comments-body + span.comments-post (corpus2 gold)
            "corpus2/pages/soundpolitics.com_2007-12_fight-fight-fight.html",
            comments=137,
            top_level=137,
        ),
        Case(  # div#cID, then a sibling p.posted (corpus2 gold)
            "corpus2/pages/crazyauntpurl.com_2012-09_its-hot-but-knitting.html",
            comments=164,
            top_level=164,
            facts={"2": {"author": "Toni", "text_start": "This weather makes me", "published": "2012-09-10T12:11:00"}},
        ),
    )

    def recognise(self, page: Page) -> Extraction | None:
        generator = (page.meta("generator") or "").lower()
        is_mt = "movable type" in generator or "movabletype" in generator
        classic = "comments-body" in page.html and page.first_with_class("comments-body", "div") is not None
        classic = _classic(page) if classic else []
        footers = []
        if not classic and not is_mt:
            # a page without its generator line (a saved copy): the footer templates by content
            if generator or not ('class="posted"' in page.html or 'class="comment-footer"' in page.html):
                return None
            footers = footer_comments(page)
            if not footers:
                return None
        if not classic and is_typepad(page):
            return None
        comments = classic or footers or footer_comments(page) or _modern(page)
        article, body = mt_article(page, strip_posted=bool(classic))
        return Extraction(platform=self.name, article=article, body=body, comments=comments)
