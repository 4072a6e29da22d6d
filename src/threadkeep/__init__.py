"""threadkeep: keep a faithful, durable copy of a blog discussion thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/threadkeep/threadkeep"

if TYPE_CHECKING:
    from threadkeep.model import Thread

__all__ = ["__version__", "extract"]


def extract(html: str | bytes, url: str | None = None) -> Thread:
    """Extract a thread (article, abstract, comment tree) from a page's HTML. No network."""
    # Importing the subpackage `threadkeep.extract` rebinds this name to the subpackage, which is
    # callable with the same signature (see threadkeep/extract/__init__.py), so both spellings work.
    from threadkeep.extract import extract as _extract

    return _extract(html, url)
