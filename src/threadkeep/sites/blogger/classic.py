"""Classic Blogger templates (2004–2006): `div#comments > ul > li#cID`, each with a
`div.comment-body` and a `p.comment-data` line "By NAME, at <a href=#cID>3:09 PM</a>".

These templates show the time of day only. Blogger's comment ids of that era begin with the
comment's Unix time in seconds (`c1099342393…`): that instant is the comment's time when it
agrees with the time shown (same minute, up to a whole-quarter-hour time zone offset),
which keeps an id of another shape from ever giving a wrong time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.timefmt import utc_iso

_BY = re.compile(
    r"^\s*(?:(?:posted\s+)?by|von|par|por|di|door)?\s*(.*?)\s*(?:,?\s+(?:at|um|à|a las|alle|om|@)|said\W*)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*([AaPp])?\.?[Mm]?\.?\s*$")


def is_classic(region) -> bool:
    """Whether `div#comments` is a classic Blogger comment list (a cheap look at its items)."""
    for li in region.iter("li"):
        if not _is_item(li):
            continue
        return _data(li) is not None
    return False


def _data(li):
    """The item's "By NAME, at TIME" line (a p, or a div in some templates)."""
    return next((el for el in li.iterchildren("p", "div") if "comment-data" in (el.get("class") or "").split()), None)


def _is_item(li) -> bool:
    cid = li.get("id") or ""
    return cid[:1] == "c" and cid[1:].isdecimal()


def classic_comments(page: Page, region) -> list[Comment]:
    from threadkeep.sites.blogger.page import is_removed

    comments = []
    for li in region.iter("li"):
        if not _is_item(li):
            continue
        body = next((d for d in li.iterchildren("div") if "comment-body" in (d.get("class") or "")), None)
        data = _data(li)
        if body is None or data is None:
            continue
        cid = li.get("id")[1:]
        permalink_el = next((a for a in data.iter("a") if (a.get("href") or "").endswith(f"#c{cid}")), None)
        author_el = next((a for a in data.iterchildren("a") if a is not permalink_el and a.get("href")), None)
        lead = data.text or ""
        if author_el is not None:
            name = text_of(author_el)
        else:
            m = _BY.match(lead)
            name = m.group(1) if m else lead
        html, text = content(body)
        deleted = is_removed(text) or any("deleted-comment" in (s.get("class") or "") for s in body.iter("span"))
        shown = text_of(permalink_el) if permalink_el is not None else ""
        comments.append(
            Comment(
                id=cid,
                text=text,
                html=html,
                author=make_author(
                    clean_author(name) or "Anonymous",
                    page.absolute(author_el.get("href")) if author_el is not None else None,
                ),
                published=id_time(cid, shown),
                permalink=page.absolute(permalink_el.get("href")) if permalink_el is not None else None,
                deleted=deleted,
            )
        )
    return comments


def id_time(cid: str, shown: str) -> str | None:
    """The instant that starts a classic comment id, when the time shown agrees with it."""
    m = _CLOCK.match(shown or "")
    if not m or len(cid) < 15:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if m.group(3):
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
    try:
        when = datetime.fromtimestamp(int(cid[:10]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    offset = (hour * 60 + minute - when.hour * 60 - when.minute) % (24 * 60)
    offset = offset - 24 * 60 if offset > 12 * 60 else offset
    if offset % 15 or not -12 * 60 <= offset <= 14 * 60:
        return None
    return utc_iso(when)
