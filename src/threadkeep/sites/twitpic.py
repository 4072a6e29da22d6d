"""Twitpic photo pages: the photo's caption is the article, and `div#photo-comments-content >
div.photo-comment` the comments, each with `.photo-comment-info` (the commenter's link and
`.photo-comment-date`, a relative time such as "about 11 minutes ago": never turned into an
instant) and `.photo-comment-message`. The page shows the first page of comments; the others
are loaded by script ("64 Comments", pages 1–4), so the thread is marked incomplete and the
rest counted as not archived."""

from __future__ import annotations

import re

from threadkeep.dates import displayed_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.sites.base import Case, CommentIds, Extraction, Site
from threadkeep.sites.generic import generic_article


def _with_class(el, cls: str):
    return next((d for d in el.iter() if cls in (d.get("class") or "").split()), None)


def photo_comments(page: Page, holder) -> list[Comment]:
    ids = CommentIds()
    comments = []
    for box in holder.iterchildren("div"):
        if "photo-comment" not in (box.get("class") or "").split():
            continue
        message = _with_class(box, "photo-comment-message")
        if message is None:
            continue
        info = _with_class(box, "photo-comment-info")
        link = next(info.iter("a"), None) if info is not None else None
        when = _with_class(info, "photo-comment-date") if info is not None else None
        html, text = content(message)
        name = clean_author(text_of(link)) if link is not None else None
        published = displayed_date(text_of(when), languages=page.languages) if when is not None else None
        comments.append(
            Comment(
                id=ids.make(None, name, published, text),
                text=text,
                html=html,
                author=make_author(name, page.absolute(link.get("href")) if link is not None else None),
                published=published,
            )
        )
    return comments


class TwitpicSite(Site):
    name = "twitpic"
    description = "Twitpic photo pages (the caption and the photo's first page of comments)"
    CASES = (
        Case(  # corpus2 gold: 20 of "64 Comments" shown, relative times only
            "corpus2/pages/twitpic.com_dinosaur-photo-comments.html",
            comments=20,
            top_level=20,
            facts={"1": {"author": "Jessiica77", "published": None, "text_start": "Lazypicture from youtube"}},
        ),
    )

    def recognise(self, page: Page) -> Extraction | None:
        holder = page.by_id("photo-comments-content")
        if holder is None:
            return None
        article, body = generic_article(page)
        caption = page.by_id("view-photo-caption")
        if caption is not None:
            body = caption
        ext = Extraction(platform=self.name, article=article, body=body, comments=photo_comments(page, holder))
        total = next((s for s in page.tree.iter("span") if s.get("class") == "num_comments"), None)
        declared = int(re.sub(r"\D", "", text_of(total)) or 0) if total is not None else 0
        if declared > len(ext.comments):
            ext.complete = False
            ext.not_archived = declared - len(ext.comments)
        return ext
