"""threadkeep: keep a faithful, durable copy of a blog discussion thread."""

from __future__ import annotations

from threadkeep._version import HOMEPAGE, __version__

TYPE_CHECKING = False  # not typing's: importing typing costs a start-up (threadkeep --version)
if TYPE_CHECKING:
    from threadkeep.model import Thread

__all__ = ["HOMEPAGE", "__version__", "extract"]


def extract(html: str | bytes, url: str | None = None) -> Thread:
    """Extract a thread (article, abstract, comment tree) from a page's HTML. No network."""
    from threadkeep.pipeline import extract as _extract

    return _extract(html, url)
