"""Placeholder: the WordPress extractor is being written (issue 5)."""

from __future__ import annotations

from threadkeep.extract.base import Extractor, Page


class WordPressExtractor(Extractor):
    name = "wordpress"

    def matches(self, page: Page) -> bool:
        return False
