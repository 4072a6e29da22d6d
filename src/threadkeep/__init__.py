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
    from threadkeep.extract import extract as _extract

    # Importing the subpackage `threadkeep.extract` rebinds this module's `extract` attribute to
    # the subpackage; put the function back so that `threadkeep.extract(...)` keeps working.
    globals()["extract"] = _public_extract
    return _extract(html, url)


_public_extract = extract
