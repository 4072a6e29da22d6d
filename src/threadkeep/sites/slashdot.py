"""Slash (Slashdot and the other sites running Slashcode): the story's comment list.

`ul#commentlisting > li#tree_ID.comment`, each with `div#comment_ID.cw`: a title (`h4`, "Re:
…", with the score: not part of the text), `span.by` (the name linked to the user's page
with the user id in `span.uid`, or "Anonymous Coward"), `span.otherdetails` with the time
("on Tuesday July 24, @11:29AM", no year), and `div#comment_body_ID`. Replies are in
`ul#commtree_ID` inside the parent's `li`. Comments are shown three ways by score: `full`,
`oneline` (name and text, no time) and `hidden` (an empty placeholder, not a comment: a reply
under one hangs on the nearest shown ancestor). The "Read the rest of this comment..." link
is not text.

A time shows no year: it comes from the story's URL (`/story/12/07/24/…`), checked against the
weekday shown; without a year the comment keeps no time rather than a guessed one. The
comments the page did not load ("100 of 427 comments loaded"; `D2.more_comments_num(N)`) are
counted as not archived.
"""

from __future__ import annotations

import re
from datetime import date

from threadkeep.dates import displayed_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.select import without
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.sites.base import Case, Extraction, Site
from threadkeep.sites.generic import generic_article

_STORY_YEAR = re.compile(r"/story/(\d{2})/(\d{2})/(\d{2})/")
_WHEN = re.compile(
    r"(?:on\s+)?(?P<weekday>[A-Z][a-z]+day)\s+(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?:(?P<year>\d{4})\s*)?"
    r"@\s*(?P<time>\d{1,2}:\d{2}\s*[AP]M)"
)
_MORE = re.compile(r"more_comments_num\((\d+)\)")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def story_year(page: Page) -> int | None:
    for href in (page.url, *page.links("canonical")):
        m = _STORY_YEAR.search(href or "")
        if m:
            return 2000 + int(m.group(1))
    return None


def comment_time(page: Page, text: str, year: int | None) -> str | None:
    m = _WHEN.search(text or "")
    if not m:
        return None
    years = [int(m.group("year"))] if m.group("year") else ([year, year + 1] if year else [])
    for y in years:
        iso = displayed_date(f"{m.group('month')} {m.group('day')}, {y} {m.group('time')}", languages=("en",))
        if iso and _WEEKDAYS[date.fromisoformat(iso[:10]).weekday()] == m.group("weekday").lower():
            return iso
    return None


def slash_comments(page: Page, listing) -> list[Comment]:
    year = story_year(page)
    by_li: dict[object, Comment] = {}
    roots: list[Comment] = []
    for li in listing.iter("li"):
        own = li.get("id") or ""
        if not own.startswith("tree_") or "comment" not in _classes(li) or "hidden" in _classes(li):
            continue
        cid = own.removeprefix("tree_")
        wrapper = next((d for d in li.iterchildren("div") if d.get("id") == f"comment_{cid}"), None)
        body = page.by_id(f"comment_body_{cid}", wrapper) if wrapper is not None else None
        if body is None:
            continue
        by = next((s for s in wrapper.iter("span") if "by" in _classes(s)), None)
        link = next(by.iter("a"), None) if by is not None else None
        if link is not None:
            name = text_of(without(link, ".uid"))
        else:
            name = re.sub(r"^\s*by\s+", "", text_of(by)) if by is not None else ""
        details = next((s for s in wrapper.iter("span") if "otherdetails" in _classes(s)), None)
        html, text = content(without(body, ".commentshrunk, .readrest"))
        permalink = next((a.get("href") for a in wrapper.iter("a") if a.get("id") == f"comment_link_{cid}"), None)
        comment = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(clean_author(name), page.absolute(link.get("href")) if link is not None else None),
            published=comment_time(page, text_of(details), year) if details is not None else None,
            permalink=page.absolute(permalink),
        )
        parent = next((by_li[a] for a in li.iterancestors("li") if a in by_li), None)
        (parent.replies if parent is not None else roots).append(comment)
        by_li[li] = comment
    return roots


class SlashdotSite(Site):
    name = "slashdot"
    description = "Slash sites (Slashdot): threaded comments by score, hidden placeholders, story-year times"
    CASES = (
        Case(  # corpus2 gold (Dragnet page 317): 100 shown, 33 empty placeholders
            "corpus2/pages/hardware.slashdot.org_2012-07_apple-shrinking-docking-connector.html",
            comments=100,
            top_level=23,
            max_depth=7,
            facts={
                "1": {"author": "GameboyRMH", "published": "2012-07-24T11:29:00"},
                "1.1": {"author": "johnlcallaway", "published": None, "text_start": "I was thinking the very same"},
            },
        ),
    )

    def recognise(self, page: Page) -> Extraction | None:
        listing = page.by_id("commentlisting")
        if listing is None or listing.tag not in ("ul", "ol"):
            return None
        first = next(listing.iterchildren("li"), None)
        if first is None or not (first.get("id") or "").startswith("tree_"):
            return None
        article, body = generic_article(page)
        ext = Extraction(platform=self.name, article=article, body=body, comments=slash_comments(page, listing))
        more = next((m for s in page.tree.iter("script") if (m := _MORE.search(s.text or ""))), None)
        if more is not None:
            ext.not_archived = int(more.group(1))
        return ext
