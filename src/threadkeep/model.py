"""The archive: a thread's article, embedded abstract and comment tree.

Dataclasses with `to_dict()` / `from_dict()` that give exactly the archive format of
docs/archive-format.md (schema version 1). Dates are kept as ISO 8601 strings, as in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from threadkeep.tree import walk

SCHEMA_VERSION = 1


@dataclass(slots=True)
class Author:
    name: str | None = None
    url: str | None = None
    is_post_author: bool = False

    def to_dict(self, *, with_flag: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "url": self.url}
        if with_flag:
            d["is_post_author"] = self.is_post_author
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Author:
        d = d or {}
        return cls(d.get("name"), d.get("url"), bool(d.get("is_post_author", False)))


@dataclass
class HttpInfo:
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "content_type": self.content_type,
        }


@dataclass
class Source:
    url: str | None = None
    final_url: str | None = None
    fetched_at: str | None = None
    platform: str = "generic"
    http: HttpInfo | None = None
    sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "fetched_at": self.fetched_at,
            "platform": self.platform,
            "http": self.http.to_dict() if self.http else None,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        http = d.get("http")
        return cls(
            url=d.get("url"),
            final_url=d.get("final_url"),
            fetched_at=d.get("fetched_at"),
            platform=d.get("platform") or "generic",
            http=HttpInfo(**http) if http else None,
            sha256=d.get("sha256"),
        )


@dataclass
class Article:
    title: str | None = None
    author: Author = field(default_factory=Author)
    published: str | None = None
    updated: str | None = None
    labels: list[str] = field(default_factory=list)
    url: str | None = None
    html: str = ""
    text: str = ""
    # What the post names (DOI, PMID, PMCID, trial ids), abstract or not; written only when it names any.
    identifiers: Identifiers | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "title": self.title,
            "author": self.author.to_dict(with_flag=False),
            "published": self.published,
            "updated": self.updated,
            "labels": list(self.labels),
            "url": self.url,
            "html": self.html,
            "text": self.text,
        }
        if self.identifiers is not None and not self.identifiers.is_empty():
            d["identifiers"] = self.identifiers.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(
            title=d.get("title"),
            author=Author.from_dict(d.get("author")),
            published=d.get("published"),
            updated=d.get("updated"),
            labels=list(d.get("labels") or []),
            url=d.get("url"),
            html=d.get("html") or "",
            text=d.get("text") or "",
            identifiers=Identifiers.from_dict(d.get("identifiers")),
        )


@dataclass
class Citation:
    text: str = ""
    authors: list[str] = field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "authors": list(self.authors),
            "title": self.title,
            "journal": self.journal,
            "date": self.date,
        }


@dataclass
class Identifiers:
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    trials: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"doi": self.doi, "pmid": self.pmid, "pmcid": self.pmcid, "trials": list(self.trials)}

    def is_empty(self) -> bool:
        return not (self.doi or self.pmid or self.pmcid or self.trials)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Identifiers | None:
        if not d:
            return None
        return cls(d.get("doi"), d.get("pmid"), d.get("pmcid"), list(d.get("trials") or []))


@dataclass
class AbstractSection:
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text}


@dataclass
class Abstract:
    citation: Citation | None = None
    identifiers: Identifiers = field(default_factory=Identifiers)
    sections: list[AbstractSection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "citation": self.citation.to_dict() if self.citation else None,
            "identifiers": self.identifiers.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Abstract | None:
        if d is None:
            return None
        cit = d.get("citation")
        ids = d.get("identifiers") or {}
        return cls(
            citation=Citation(**cit) if cit else None,
            identifiers=Identifiers(**ids),
            sections=[AbstractSection(s["label"], s["text"]) for s in d.get("sections") or []],
        )


@dataclass
class Revision:
    """An earlier version of a comment's text, kept when the text changed upstream."""

    text: str
    html: str
    seen_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "html": self.html, "seen_at": self.seen_at}


@dataclass(slots=True)
class Comment:
    """One comment. Only its place in the tree and its text define it; the rest is best-effort."""

    id: str
    text: str = ""
    html: str = ""
    author: Author = field(default_factory=Author)
    published: str | None = None
    permalink: str | None = None
    deleted: bool = False
    kind: str = "comment"  # "comment", "pingback" or "trackback"
    replies: list[Comment] = field(default_factory=list)
    # filled in by number_comments():
    number: str = ""
    parent_id: str | None = None
    depth: int = 1
    # kept by update/sync (store.py):
    first_seen: str | None = None
    last_seen: str | None = None
    removed_upstream_at: str | None = None
    history: list[Revision] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "parent_id": self.parent_id,
            "depth": self.depth,
            "kind": self.kind,
            "author": self.author.to_dict(),
            "published": self.published,
            "permalink": self.permalink,
            "html": self.html,
            "text": self.text,
            "deleted": self.deleted,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "removed_upstream_at": self.removed_upstream_at,
            "history": [r.to_dict() for r in self.history],
            "replies": [r.to_dict() for r in self.replies],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Comment:
        # Iterative, so that a very deep archive cannot exhaust the stack.
        root = cls._shallow(d)
        stack = [(root, d.get("replies") or [])]
        while stack:
            parent, replies = stack.pop()
            for rd in replies:
                child = cls._shallow(rd)
                parent.replies.append(child)
                stack.append((child, rd.get("replies") or []))
        return root

    @classmethod
    def _shallow(cls, d: dict[str, Any]) -> Comment:
        return cls(
            id=str(d["id"]),
            text=d.get("text") or "",
            html=d.get("html") or "",
            author=Author.from_dict(d.get("author")),
            published=d.get("published"),
            permalink=d.get("permalink"),
            deleted=bool(d.get("deleted", False)),
            kind=d.get("kind") or "comment",
            number=d.get("number") or "",
            parent_id=d.get("parent_id"),
            depth=int(d.get("depth") or 1),
            first_seen=d.get("first_seen"),
            last_seen=d.get("last_seen"),
            removed_upstream_at=d.get("removed_upstream_at"),
            history=[Revision(r["text"], r.get("html") or "", r.get("seen_at")) for r in d.get("history") or []],
        )


@dataclass
class Snapshot:
    fetched_at: str
    http_status: int | None
    sha256: str | None
    comments: int
    changed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "fetched_at": self.fetched_at,
            "http_status": self.http_status,
            "sha256": self.sha256,
            "comments": self.comments,
            "changed": self.changed,
        }


@dataclass
class ExternalComments:
    """Comments that live on another service (Disqus, say) and were not archived from the page."""

    service: str
    archived: bool
    note: str
    thread_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "archived": self.archived, "note": self.note, "thread_id": self.thread_id}


@dataclass
class Thread:
    source: Source = field(default_factory=Source)
    article: Article = field(default_factory=Article)
    abstract: Abstract | None = None
    comments: list[Comment] = field(default_factory=list)
    generator: str = ""
    external_comments: ExternalComments | None = None
    not_archived: int = 0  # comments the platform hid behind "more" stubs and were not archived
    declared: int | None = None  # how many comments the page said the thread has, when it said
    last_checked: str | None = None
    snapshots: list[Snapshot] = field(default_factory=list)

    def all_comments(self) -> Iterator[Comment]:
        return walk(self.comments)

    def stats(self) -> dict[str, int]:
        total = top = deleted = max_depth = 0
        for c in walk(self.comments):
            total += 1
            deleted += c.deleted
            max_depth = max(max_depth, c.depth)
            top += c.depth == 1
        return {"comments": total, "top_level": top, "max_depth": max_depth, "deleted": deleted}

    def shortfall(self) -> int:
        """How many comments fewer than the page declared the archive holds (0: none, or no count)."""
        if self.declared is None:
            return 0
        return max(0, self.declared - sum(1 for _ in walk(self.comments)))

    def _stats_dict(self) -> dict[str, Any]:
        stats: dict[str, Any] = {**self.stats(), "not_archived": self.not_archived}
        if self.declared is not None:
            stats["declared"] = self.declared
        return stats

    def to_dict(self) -> dict[str, Any]:
        from threadkeep._version import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator or f"threadkeep {__version__}",
            "source": self.source.to_dict(),
            "article": self.article.to_dict(),
            "abstract": self.abstract.to_dict() if self.abstract else None,
            "comments": [c.to_dict() for c in self.comments],
            "stats": self._stats_dict(),
            "external_comments": self.external_comments.to_dict() if self.external_comments else None,
            "last_checked": self.last_checked,
            "snapshots": [s.to_dict() for s in self.snapshots],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Thread:
        ext = d.get("external_comments")
        return cls(
            source=Source.from_dict(d.get("source") or {}),
            article=Article.from_dict(d.get("article") or {}),
            abstract=Abstract.from_dict(d.get("abstract")),
            comments=[Comment.from_dict(c) for c in d.get("comments") or []],
            generator=d.get("generator") or "",
            external_comments=ExternalComments(**ext) if ext else None,
            not_archived=int((d.get("stats") or {}).get("not_archived") or 0),
            declared=_count_or_none((d.get("stats") or {}).get("declared")),
            last_checked=d.get("last_checked"),
            snapshots=[Snapshot(**s) for s in d.get("snapshots") or []],
        )


def _count_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
