"""Merging a fresh fetch of a thread into its archive, so that no comment ever seen is lost.

    merged, changes = merge(old, new, seen_at="2024-05-01T06:00:00Z")   # pure: old and new untouched
    if changes: save_archive(merged, path)

Comments are matched by `id`. What the merge does with each (docs/sync.md says the same):

- **added**: a comment the archive has not seen is put in its page position among its siblings
  (after the nearest earlier sibling on the page that the archive holds; first if there is
  none) and given the next free number: a top-level comment after top-level numbers 1–4 gets
  "5"; a reply under "2" whose replies have numbers up to 2.4 gets "2.5". Numbers of comments
  that are gone upstream stay taken, so a number never changes and is never given twice.
  `first_seen` and `last_seen` are the fetch time.
- **edited**: a comment whose text changed keeps each earlier version in `history`
  ({text, html, seen_at}, oldest first; `seen_at` is the last fetch that saw that version).
- **deleted**: a comment replaced by a "removed" stub gets `deleted: true` and the stub as its
  text; the text it had goes to `history` like an edit.
- **removed**: a comment no longer on the page keeps its place, number and text, and gets
  `removed_upstream_at` (the first fetch that missed it). One that comes back is **restored**:
  `removed_upstream_at` is cleared.
- every comment on the page gets `last_seen` = the fetch time. A comment's place in the tree is
  fixed once seen (a reply does not move if the page re-parents it).

The article, abstract and source are the new fetch's. A snapshot is appended
({fetched_at, http_status, sha256, comments on the page, changed = the comments changed}).
`Changes` is empty when nothing a reader would notice changed: then the caller writes nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from threadkeep.model import Comment, Revision, Snapshot, Thread
from threadkeep.timefmt import now_iso
from threadkeep.tree import flatten, number_comments, walk


def _tree_parents(comments: list[Comment]) -> dict[str, str | None]:
    """id -> parent id, from the tree's shape."""
    return flatten(comments)[1]


__all__ = ["Changes", "merge", "stamp_new"]


@dataclass
class Changes:
    """What a merge changed, as comment ids in page order (article: the post or abstract changed)."""

    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    article: bool = False

    @property
    def comments_changed(self) -> bool:
        return bool(self.added or self.edited or self.deleted or self.removed or self.restored)

    def __bool__(self) -> bool:
        return self.comments_changed or self.article

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "edited": len(self.edited),
            "deleted": len(self.deleted),
            "removed": len(self.removed),
            "restored": len(self.restored),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "added": list(self.added),
            "edited": list(self.edited),
            "deleted": list(self.deleted),
            "removed": list(self.removed),
            "restored": list(self.restored),
            "article": self.article,
        }


def _snapshot(thread: Thread, fetched_at: str, *, changed: bool) -> Snapshot:
    http = thread.source.http
    return Snapshot(
        fetched_at=fetched_at,
        http_status=http.status if http else None,
        sha256=thread.source.sha256,
        comments=sum(1 for c in walk(thread.comments) if c.removed_upstream_at is None),
        changed=changed,
    )


def stamp_new(thread: Thread, seen_at: str | None = None) -> Thread:
    """Make a first fetch an archive that `update` can build on (in place; returns thread):
    first_seen/last_seen on every comment, numbers where missing, the first snapshot."""
    seen_at = seen_at or thread.source.fetched_at or now_iso()
    if any(not c.number for c in walk(thread.comments)):
        number_comments(thread.comments)
    for c in walk(thread.comments):
        c.first_seen = c.first_seen or seen_at
        c.last_seen = c.last_seen or seen_at
    if not thread.snapshots:
        thread.snapshots = [_snapshot(thread, seen_at, changed=True)]
    thread.last_checked = thread.last_checked or seen_at
    return thread


def _article_key(thread: Thread) -> tuple:
    a = thread.article
    return (a.title, a.text, a.published, a.updated, tuple(a.labels), thread.abstract)


def _last_number(number: str) -> int:
    tail = number.rsplit(".", 1)[-1]
    return int(tail) if tail.isdecimal() else 0


def merge(old: Thread, new: Thread, seen_at: str, *, replay: bool = False) -> tuple[Thread, Changes]:
    """The archive `old` brought up to date with the fetch `new` (seen at `seen_at`); see the module doc.

    With `replay` (`reextract`: `new` is the newest capture read again by today's extractors, not a
    new fetch), a changed text replaces the old one without becoming history, comments the
    re-extraction misses stay as they were, and no snapshot or time is added.

    Pure: neither argument is modified."""
    old = copy.deepcopy(old)
    stamp_new(old, old.source.fetched_at or seen_at)  # an archive written before update existed
    changes = Changes(article=_article_key(old) != _article_key(new))

    merged = old.comments
    by_id: dict[str, Comment] = {c.id: c for c in walk(merged)}
    new_parents = _tree_parents(new.comments)
    # siblings on the new page, to place a new comment after its nearest earlier sibling
    new_siblings: dict[str | None, list[str]] = {}
    page_index: dict[str, int] = {}
    for c in walk(new.comments):
        order = new_siblings.setdefault(new_parents[c.id], [])
        page_index.setdefault(c.id, len(order))
        order.append(c.id)
    on_page: set[str] = set()

    for n in walk(new.comments):  # pre-order: a parent is merged before its replies
        if n.id in on_page:
            continue  # the same id twice on one page: keep the first
        on_page.add(n.id)
        m = by_id.get(n.id)
        if m is None:
            parent = by_id.get(new_parents[n.id] or "")
            siblings = parent.replies if parent is not None else merged
            m = Comment(
                id=n.id,
                text=n.text,
                html=n.html,
                author=copy.deepcopy(n.author),
                published=n.published,
                permalink=n.permalink,
                deleted=n.deleted,
                kind=n.kind,
                number=_next_number(parent, siblings),
                parent_id=parent.id if parent is not None else None,
                depth=parent.depth + 1 if parent is not None else 1,
                first_seen=seen_at,
                last_seen=seen_at,
            )
            order = new_siblings[new_parents[n.id]]
            siblings.insert(_position(n.id, order, page_index, siblings, by_id), m)
            by_id[n.id] = m
            changes.added.append(n.id)
            continue
        if replay:
            m.text, m.html, m.deleted = n.text, n.html, n.deleted or m.deleted
        elif m.removed_upstream_at is not None:
            m.removed_upstream_at = None
            changes.restored.append(n.id)
        if replay:
            pass
        elif n.deleted and not m.deleted:
            m.history.append(Revision(m.text, m.html, m.last_seen))
            m.text, m.html, m.deleted = n.text, n.html, True
            changes.deleted.append(n.id)
        elif n.text != m.text:
            m.history.append(Revision(m.text, m.html, m.last_seen))
            m.text, m.html, m.deleted = n.text, n.html, n.deleted
            changes.edited.append(n.id)
        # best-effort fields: take what the page now says, never lose what it said before
        if n.author.name or n.author.url:
            m.author = copy.deepcopy(n.author)
        m.published = n.published or m.published
        m.permalink = n.permalink or m.permalink
        m.kind = n.kind or m.kind
        if not replay:
            m.last_seen = seen_at

    for c in walk(merged):
        if replay:
            break
        if c.id not in on_page and c.removed_upstream_at is None:
            c.removed_upstream_at = seen_at
            changes.removed.append(c.id)

    result = Thread(
        source=copy.deepcopy(new.source),
        article=copy.deepcopy(new.article),
        abstract=copy.deepcopy(new.abstract),
        comments=merged,
        generator=new.generator,
        external_comments=copy.deepcopy(new.external_comments),
        not_archived=new.not_archived,
        declared=new.declared,
        last_checked=old.last_checked if replay else seen_at,
        snapshots=old.snapshots,
    )
    if replay:
        return result, changes
    snap = _snapshot(new, seen_at, changed=changes.comments_changed)
    result.snapshots.append(snap)
    return result, changes


def _next_number(parent: Comment | None, siblings: list[Comment]) -> str:
    top = max((_last_number(c.number) for c in siblings), default=0) + 1
    return f"{parent.number}.{top}" if parent is not None else str(top)


def _position(cid: str, page_order: list[str], page_index: dict[str, int], siblings: list[Comment], by_id) -> int:
    """Where among `siblings` a new comment goes: after its nearest earlier sibling on the page."""
    for sid in reversed(page_order[: page_index[cid]]):
        held = by_id.get(sid)
        if held is None:
            continue
        if siblings and siblings[-1] is held:  # the usual case: new comments come last
            return len(siblings)
        for i, c in enumerate(siblings):
            if c is held:
                return i + 1
    return 0
