"""Stable ids for comments the page gives none (a hash of author, time and text)."""

from __future__ import annotations

import hashlib
from collections import Counter


def content_id(author: str | None, published: str | None, text: str) -> str:
    """A stable id for a comment the page gives none: a hash of its author, time and text."""
    return "h-" + hashlib.sha1(f"{author or ''}\x1f{published or ''}\x1f{text}".encode()).hexdigest()[:12]


class CommentIds:
    """Stable comment ids: the page's own id when it has one, else a hash of author, time and text.

    Two comments identical in author, time and text get the same hash plus a running suffix.
    """

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def make(self, own_id: str | None, author: str | None, published: str | None, text: str) -> str:
        if own_id:
            own_id = own_id.strip()
        if own_id and own_id not in self._seen:
            self._seen[own_id] += 1
            return own_id
        key = content_id(author, published, text)
        n = self._seen[key]
        self._seen[key] += 1
        return key if n == 0 else f"{key}-{n}"
