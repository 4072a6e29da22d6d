"""Helpers for tests that read archives as plain JSON data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk_dicts(comments: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every comment dict of an archive's comment tree (any order), without recursion."""
    stack = list(comments)
    while stack:
        c = stack.pop()
        yield c
        stack.extend(c["replies"])
