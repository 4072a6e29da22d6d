"""Turning a page into a Thread: the ordered registry of extractors and the shared pipeline.

Platform extractors are tried in order; the first whose `matches()` accepts the page wins, and
the generic one, last, takes every other page. The pipeline then does what is the same for
every platform: it finds the embedded abstract in the post body and takes it out of the
article, sanitizes the body, and numbers the comments.
"""

from __future__ import annotations

import copy
import sys
import types

from threadkeep.abstract import find_abstract, find_post_identifiers
from threadkeep.extract.base import Extraction, Extractor, Page, content
from threadkeep.extract.blogger import BloggerExtractor
from threadkeep.extract.generic import GenericExtractor
from threadkeep.extract.wordpress import WordPressExtractor
from threadkeep.model import Source, Thread, number_comments

EXTRACTORS: list[Extractor] = [
    BloggerExtractor(),
    WordPressExtractor(),
    GenericExtractor(),  # last: takes every page the others do not claim
]


def choose_extractor(page: Page) -> Extractor:
    for extractor in EXTRACTORS[:-1]:
        if extractor.matches(page):
            return extractor
    return EXTRACTORS[-1]


def run_extractor(page: Page) -> Extraction:
    return choose_extractor(page).extract(page)


def finish(extraction: Extraction, page: Page) -> Thread:
    """The platform-independent half: abstract, sanitized article body, numbering."""
    article = extraction.article
    abstract = None
    if extraction.body is not None:
        body = copy.deepcopy(extraction.body)
        found = find_abstract(body)
        article.identifiers = find_post_identifiers(body, found)
        if found is not None:
            abstract = found.abstract
            for el in found.elements:
                parent = el.getparent()
                if parent is not None:
                    el.drop_tree()
        article.html, article.text = content(body)
    if not article.url:
        article.url = page.url
    number_comments(extraction.comments)
    return Thread(
        source=Source(url=page.url, final_url=page.url, platform=extraction.platform),
        article=article,
        abstract=abstract,
        comments=extraction.comments,
        external_comments=extraction.external_comments,
        not_archived=extraction.not_archived,
    )


def extract_page(page: Page) -> Thread:
    return finish(run_extractor(page), page)


def extract(html: str | bytes, url: str | None = None) -> Thread:
    """Extract a thread from a page's HTML (text or bytes). No network."""
    return extract_page(Page.from_bytes(html, url) if isinstance(html, bytes) else Page(html, url))


class _CallableModule(types.ModuleType):
    """`threadkeep.extract` is both this subpackage and the public function: importing the
    subpackage rebinds the package attribute to the module, so the module is callable too."""

    def __call__(self, html: str | bytes, url: str | None = None) -> Thread:
        return extract(html, url)


sys.modules[__name__].__class__ = _CallableModule
