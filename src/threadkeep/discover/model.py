"""What discovery deals in: posts, listings, changes, and the `BlogSource` a site hands back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from threadkeep.dates import parse_date
from threadkeep.timefmt import utc_iso


def utc_instant(value: Any) -> str | None:
    """A date as written by a feed or an API, as a UTC instant (`2016-09-05T08:12:00Z`); a date
    without a zone is taken as UTC. None when it cannot be read."""
    if isinstance(value, datetime):
        return utc_iso(value if value.tzinfo else value.replace(tzinfo=UTC))
    if not isinstance(value, str) or not value.strip():
        return None
    iso = parse_date(value)
    if iso is None:
        return None
    try:
        return utc_iso(datetime.fromisoformat(iso))
    except ValueError:
        return None


def post_url_of(link: str | None) -> str | None:
    """The post a comment's permalink points into: `…/post/#comment-12` and
    `…/post/comment-page-2/#comment-12` -> `…/post/`; Blogger's `?showComment=…#c1` -> the post."""
    if not link:
        return None
    parts = urlsplit(link.strip())
    path = parts.path
    marker = path.rfind("/comment-page-")
    if marker >= 0:
        path = path[: marker + 1]
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith(("showComment=", "replytocom=")))
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


@dataclass
class Post:
    """One post of a blog, as its listing gives it."""

    url: str
    title: str | None = None
    published: str | None = None  # UTC instant
    updated: str | None = None
    comments: int | None = None  # when the source says
    id: str | None = None  # the platform's post id, when the source gives it

    def to_dict(self) -> dict[str, Any]:
        """The `discover --json` line: url, title, published, and comments when known."""
        out: dict[str, Any] = {"url": self.url, "title": self.title, "published": self.published}
        if self.comments is not None:
            out["comments"] = self.comments
        return out


@dataclass
class Listing:
    """A blog's posts, newest first, and where they came from."""

    blog: str  # the URL asked for
    platform: str
    how: str  # "the Blogger posts feed", "the WordPress REST API", "wp-sitemap.xml", ...
    posts: list[Post] = field(default_factory=list)
    complete: bool = True  # False: the listing stopped at the known posts (a later run)
    notes: list[str] = field(default_factory=list)


@dataclass
class Change:
    """A comment the blog says is new or changed since a time."""

    key: str  # the comment's id and stamp: a change already acted on is not acted on again
    post_url: str | None = None
    post_id: str | None = None
    at: str | None = None  # UTC instant of the change, when given


@dataclass
class Changes:
    """What a blog says changed since a time."""

    how: str
    items: list[Change] = field(default_factory=list)
    complete: bool = True  # False: it may not have said everything (a comment feed cut short)


class BlogSource:
    """A blog a site recognised. `pages` yields its posts a page at a time, newest first; `changes`
    says which comments are new since an instant (None: the platform cannot say)."""

    platform: str = ""
    how: str = ""

    def pages(self, ctx, since: str | None = None) -> Iterator[list[Post]]:
        raise NotImplementedError

    def changes(self, ctx, since: str, known: dict[str, Post]) -> Changes | None:
        """The comments new or changed since `since` (UTC instant). `known` maps post URLs to
        the posts of the last run (their ids: a platform may name the post by id only)."""
        return None


def newest_first(posts: list[Post]) -> list[Post]:
    """Posts by publication date, newest first; those without one after, in the order given."""
    dated = sorted((p for p in posts if p.published), key=lambda p: p.published or "", reverse=True)
    return dated + [p for p in posts if not p.published]


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None
