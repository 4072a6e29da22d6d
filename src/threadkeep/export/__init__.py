"""Exporters: pure functions from a Thread to text (JSON, Markdown, HTML) or a rich renderable (tree).

The exports of many archives at once (SQLite, the HTML pages of a directory, CSV/JSONL/Parquet
tables) live in export/sqlite.py, export/html.py, export/tables.py; export/batch.py finds and
reads the archives and writes the results for the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from threadkeep.model import Thread


def _json(thread: Thread, **_: Any) -> str:
    from threadkeep.export.json import to_json

    return to_json(thread)


def _markdown(thread: Thread, **options: Any) -> str:
    from threadkeep.export.markdown import to_markdown

    return to_markdown(thread, **options)


def _tree(thread: Thread, **options: Any):
    from threadkeep.export.tree import to_tree

    return to_tree(thread, **options)


def _html(thread: Thread, **_: Any) -> str:
    from threadkeep.export.html import to_html

    return to_html(thread)


EXPORTERS: dict[str, Callable[..., Any]] = {"json": _json, "md": _markdown, "tree": _tree, "html": _html}
