"""The generic extractor: any page no platform extractor claims.

It always yields the article (title, author, date, body by the usual markers or the densest
text block). Comments, in this order:

1. sites whose markup is fixed are recognised by content and read by small dedicated
   recognisers (forums.py: Hacker News, Reddit, vBulletin, MyBB, phpBB; comments_finder.py:
   Substack, Movable Type); the Extraction then names that platform;
2. a Disqus thread (its comments are not in the page) sets `external_comments` and no comments;
3. otherwise the generic comment finder (comments_finder.find_comments) looks for repeated
   comment blocks; it is conservative: no comments is better than wrong ones.
"""

from __future__ import annotations

from threadkeep.extract.base import (
    Extraction,
    Extractor,
    Page,
    disqus_embed,
    first_text,
    make_author,
    parse_date,
    text_of,
)
from threadkeep.extract.comments_finder import (
    locate_comments,
    recognise_movabletype,
    recognise_substack,
    without_comments,
)
from threadkeep.extract.forums import RECOGNISERS as FORUM_RECOGNISERS
from threadkeep.model import Article

# Where the post body usually is, most specific first (selectors are data, tried in order).
BODY_SELECTORS = (
    "[itemprop~=articleBody]",
    ".post-body",
    ".entry-content",
    ".post-content",
    ".article-content",
    ".article-body",
    "article .content",
    "article",
    "[role=main]",
    "main",
    "#content",
    ".content",
)
TITLE_SELECTORS = (".entry-title", ".post-title", "article h1", "h1")
AUTHOR_META = ("author", "article:author", "dc.creator", "twitter:creator")
DATE_META = ("article:published_time", "datePublished", "dc.date", "date", "pubdate")
UPDATED_META = ("article:modified_time", "dateModified", "og:updated_time")


def page_title(page: Page) -> str | None:
    title = page.meta("og:title", "twitter:title") or first_text(page, *TITLE_SELECTORS)
    if not title:
        t = page.tree.find(".//title")
        title = text_of(t) or None
    return title


def densest_block(page: Page):
    """The element holding the most paragraph text, for pages with no body markers."""
    best, best_score = None, 0
    for el in page.tree.iter("div", "td", "section", "article", "main"):
        score = sum(len(p.text_content()) for p in el.findall("p"))
        if score > best_score:
            best, best_score = el, score
    return best


def article_body(page: Page):
    for sel in BODY_SELECTORS:
        for el in page.css(sel):
            if len(text_of(el)) >= 40:
                return el
    block = densest_block(page)
    return block if block is not None else page.tree.find(".//body")


def generic_metadata(page: Page) -> Article:
    """The article's title, author, dates and URL from the page's metadata (no body)."""
    published = None
    for el in page.css("time[datetime]")[:1]:
        published = parse_date(el.get("datetime"))
    return Article(
        title=page_title(page),
        author=make_author(page.meta(*AUTHOR_META)),
        published=parse_date(page.meta(*DATE_META)) or published,
        updated=parse_date(page.meta(*UPDATED_META)),
        url=page.absolute(_canonical(page)) or page.url,
    )


def generic_article(page: Page) -> tuple[Article, object]:
    return generic_metadata(page), article_body(page)


def _canonical(page: Page) -> str | None:
    for el in page.xpath('//link[@rel="canonical"][@href]'):
        return el.get("href")
    return page.meta("og:url")


class GenericExtractor(Extractor):
    name = "generic"

    def matches(self, page: Page) -> bool:
        return True

    def extract(self, page: Page) -> Extraction:
        for recognise in RECOGNISERS:
            found = recognise(page)
            if found is not None:
                _fill_metadata(found.article, generic_metadata(page))
                return found
        article, body = generic_article(page)
        extraction = Extraction(platform=self.name, article=article, body=body)
        disqus = disqus_embed(page)
        if disqus is not None:
            extraction.external_comments = disqus
            return extraction
        comments, elements = locate_comments(page, exclude=body)
        extraction.comments = comments
        if comments and body is not None:
            extraction.body = without_comments(body, elements)
        return extraction


# Dedicated recognisers, tried in order before the generic finder (each is cheap to try).
RECOGNISERS = (*FORUM_RECOGNISERS, recognise_substack, recognise_movabletype)


def _fill_metadata(article: Article, meta: Article) -> None:
    """What a recogniser left empty, from the page's metadata."""
    article.title = article.title or meta.title
    if not article.author.name:
        article.author = meta.author
    article.published = article.published or meta.published
    article.updated = article.updated or meta.updated
    article.url = article.url or meta.url
