"""Exporters: pure functions from a Thread to text (JSON, Markdown) or a rich renderable (tree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from threadkeep.model import Thread


def _json(thread: Thread, **_: Any) -> str:
    from threadkeep.export.json import to_json

    return to_json(thread)


def _markdown(thread: Thread, **_: Any) -> str:
    from threadkeep.export.markdown import to_markdown

    return to_markdown(thread)


def _tree(thread: Thread, **options: Any):
    from threadkeep.export.tree import to_tree

    return to_tree(thread, **options)


EXPORTERS: dict[str, Callable[..., Any]] = {"json": _json, "md": _markdown, "tree": _tree}
