"""Placeholder while the Blogger extractor is written."""

from __future__ import annotations

from threadkeep.extract.base import Extractor, Page


class BloggerExtractor(Extractor):
    name = "blogger"

    def matches(self, page: Page) -> bool:
        return False
