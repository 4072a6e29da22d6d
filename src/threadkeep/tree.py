"""Comment trees: the one place for walking, building, flattening, cycle breaking, merging two
sources of the same thread, and numbering. Everything is iterative (explicit stacks): a hostile
page or API response may nest thousands deep, and none of this may recurse per level.

    walk(comments)                     every comment in reading order
    build_tree(flat, parents)          a tree from a flat list and a parent map
    nest_by_depth([(c, depth), ...])   a tree from display order and indentation
    flatten(comments)                  (flat list, parent map) from a tree's shape
    merge_sources(a, b, order=...)     one tree of two sources of one thread (page + feed/API)
    number_comments(comments)          1, 2, 2.1 ... with parent_id and depth
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from threadkeep.model import Comment

MAX_DEPTH = 100  # the deepest level kept; deeper replies are kept, in order, one level above


def walk(comments: list[Comment]) -> Iterator[Comment]:
    """Every comment of a tree in reading order (depth first, pre-order), without recursion."""
    stack = list(reversed(comments))
    while stack:
        c = stack.pop()
        yield c
        stack.extend(reversed(c.replies))


def build_tree(flat: list[Comment], parents: dict[str, str | None]) -> list[Comment]:
    """Nest comments given in display order by their parent ids (a parent not present: top level).

    The caller breaks cycles first (break_cycles) when the parents come from outside."""
    by_id = {c.id: c for c in flat}
    roots: list[Comment] = []
    for c in flat:
        pid = parents.get(c.id)
        parent = by_id.get(pid) if pid else None
        if parent is not None and parent is not c:
            parent.replies.append(c)
        else:
            roots.append(c)
    return roots


def count_replies(c: Comment) -> int:
    """How many replies a comment has, at every depth below it."""
    n, stack = 0, list(c.replies)
    while stack:
        r = stack.pop()
        n += 1
        stack.extend(r.replies)
    return n


def nest_by_depth(items: Iterable[tuple[Comment, int]]) -> list[Comment]:
    """Nest comments given in display order with their depth (0 = top level), with a stack.

    A comment deeper than its predecessor allows is attached to the nearest shallower one."""
    roots: list[Comment] = []
    stack: list[tuple[int, Comment]] = []
    for comment, depth in items:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            stack[-1][1].replies.append(comment)
        else:
            roots.append(comment)
        stack.append((depth, comment))
    return roots


def flatten(comments: list[Comment]) -> tuple[list[Comment], dict[str, str | None]]:
    """The comments of a tree (or a flat list) in reading order, and each one's parent id: from
    the tree's shape, else (a flat list) from the comment's own parent_id. A duplicate id keeps
    the parent of its first occurrence."""
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    stack: list[tuple[Comment, str | None]] = [(c, c.parent_id) for c in reversed(comments)]
    while stack:
        c, parent = stack.pop()
        flat.append(c)
        parents.setdefault(c.id, parent)
        stack.extend((r, c.id) for r in reversed(c.replies))
    return flat, parents


def break_cycles(parents: dict[str, str | None]) -> None:
    """Where following parents would loop (bad data must not hang), the comment where the loop is
    first met, in the map's order, becomes top level. A parent that is the comment itself too.

    Linear: each chain is followed once; a chain that runs into one already checked stops there."""
    done: set[str] = set()
    for start in list(parents):
        on_path: list[str] = []
        seen: set[str] = set()
        cur: str | None = start
        while cur is not None and cur not in done:
            if cur in seen:
                parents[cur] = None
                break
            on_path.append(cur)
            seen.add(cur)
            cur = parents.get(cur)
        done.update(on_path)


def instant(value: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (naive read as UTC); None when unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt).timestamp()


def by_time(siblings: list[Comment]) -> list[Comment]:
    """Siblings by published time, stable for ties; an undated comment stays after the one it followed."""
    keyed = [(instant(c.published), i, c) for i, c in enumerate(siblings)]
    dated = [k for k in keyed if k[0] is not None]
    if len(dated) == len(keyed):
        return [c for _, _, c in sorted(keyed, key=lambda k: (k[0], k[1]))]
    if not dated:
        return list(siblings)
    result = [c for _, _, c in sorted(dated, key=lambda k: (k[0], k[1]))]
    for t, i, c in keyed:
        if t is None:
            pos = 0 if i == 0 else next(j for j, x in enumerate(result) if x is siblings[i - 1]) + 1
            result.insert(pos, c)
    return result


def _interleave(siblings: list[Comment], from_first: set[str]) -> list[Comment]:
    """The first source's siblings in their order, the second's placed among them by date
    (after the last one not newer), undated ones at the end."""
    first = [c for c in siblings if c.id in from_first]
    new = sorted((c for c in siblings if c.id not in from_first), key=_sort_key)
    out: list[Comment] = []
    i = 0
    for p in first:
        pk = _sort_key(p)
        while i < len(new) and new[i].published and pk[0] == 0 and _sort_key(new[i]) < pk:
            out.append(new[i])
            i += 1
        out.append(p)
    out.extend(new[i:])
    return out


def _sort_key(c: Comment) -> tuple[int, float]:
    t = instant(c.published)
    return (1, 0.0) if t is None else (0, t)


def copy_comment(c: Comment) -> Comment:
    """A copy of one comment without its replies (author and history copied too)."""
    return replace(c, author=replace(c.author), replies=[], history=list(c.history))


def fill_gaps(first: Comment, second: Comment) -> Comment:
    """A copy of `first` with what it lacks taken from `second` (the same comment from elsewhere)."""
    merged = copy_comment(first)
    if not merged.text and not merged.html:
        merged.text, merged.html = second.text, second.html
    merged.author.name = merged.author.name or second.author.name
    merged.author.url = merged.author.url or second.author.url
    merged.author.is_post_author = merged.author.is_post_author or second.author.is_post_author
    merged.published = merged.published or second.published
    merged.permalink = merged.permalink or second.permalink
    if merged.kind == "comment":
        merged.kind = second.kind
    return merged


def merge_sources(
    first: list[Comment], second: list[Comment], *, order: Literal["first", "time"] = "first"
) -> list[Comment]:
    """One tree of every comment once (by id) from two sources of one thread (the page, and a feed,
    an API or another comment page): `first`'s fields win, `second` fills what it lacks and adds
    the comments it alone has. A comment's parent is the first source's, else the second's.

    order="first": the first source's order is kept and the second's comments go among their
    siblings by date; order="time": every sibling list by time (as Blogger shows threads).
    Neither input is changed."""
    first_flat, first_parents = flatten(first)
    second_flat, second_parents = flatten(second)
    seconds: dict[str, Comment] = {}
    for c in second_flat:
        seconds.setdefault(c.id, c)
    merged: dict[str, Comment] = {}
    for c in first_flat:
        if c.id not in merged:
            other = seconds.get(c.id)
            merged[c.id] = fill_gaps(c, other) if other is not None else copy_comment(c)
    from_first = set(merged)
    for c in second_flat:
        if c.id not in merged:
            merged[c.id] = copy_comment(c)
    parents: dict[str, str | None] = {}
    for cid in merged:
        parent = first_parents.get(cid) if cid in from_first else None
        if parent is None:
            parent = second_parents.get(cid)
        parents[cid] = parent if parent in merged and parent != cid else None
    break_cycles(parents)
    roots = build_tree(list(merged.values()), parents)
    if order == "time":
        return sort_by_time(roots)
    stack = [roots]
    while stack:
        siblings = stack.pop()
        if any(c.id not in from_first for c in siblings) and any(c.id in from_first for c in siblings):
            siblings[:] = _interleave(siblings, from_first)
        stack.extend(c.replies for c in siblings if c.replies)
    return roots


def sort_by_time(roots: list[Comment]) -> list[Comment]:
    """The tree with every sibling list ordered by time (see by_time); returns the new top level."""
    roots = by_time(roots)
    stack = [roots]
    while stack:
        for c in stack.pop():
            if c.replies:
                c.replies = by_time(c.replies)
                stack.append(c.replies)
    return roots


def cap_depth(comments: list[Comment], max_depth: int = MAX_DEPTH) -> None:
    """Flatten what is nested deeper than max_depth into the replies of the ancestor one level up.

    No real discussion nests a hundred levels, but a hostile page or API response can nest
    thousands, and an archive must stay readable (JSON libraries and validators recurse per level).
    Every comment is kept, in reading order."""
    stack = [(c, 1) for c in comments]
    while stack:
        c, depth = stack.pop()
        if depth >= max_depth - 1:
            if any(r.replies for r in c.replies):
                c.replies = list(walk(c.replies))
                for r in c.replies:
                    r.replies = []
            continue
        stack.extend((r, depth + 1) for r in c.replies)


def number_comments(comments: list[Comment]) -> None:
    """Give every comment its reader's number (1, 2, 2.1, …), parent_id and depth, by position.

    Nesting deeper than MAX_DEPTH is flattened first (see cap_depth)."""
    cap_depth(comments)
    stack: list[tuple[list[Comment], str, str | None, int]] = [(comments, "", None, 1)]
    while stack:
        siblings, prefix, parent_id, depth = stack.pop()
        for i, c in enumerate(siblings, start=1):
            c.number = f"{prefix}{i}"
            c.parent_id = parent_id
            c.depth = depth
            if c.replies:
                stack.append((c.replies, f"{c.number}.", c.id, depth + 1))
