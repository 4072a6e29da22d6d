"""The canonical archive format: JSON, UTF-8, stable key order."""

from __future__ import annotations

from threadkeep.model import Thread
from threadkeep.store import archive_json


def to_json(thread: Thread) -> str:
    return archive_json(thread)
