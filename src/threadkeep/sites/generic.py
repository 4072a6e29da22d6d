"""The generic site, last in the registry: any page no other site claims.

It always yields the article (title, author, date, body by the usual markers or the densest
text block). Comments: when a comment service is embedded (Disqus: its comments are not in the
page), `external_comments` says so and there are none; otherwise the generic comment finder
(threadkeep.finder) looks for repeated comment blocks, after the comments the page marks with
schema.org `Comment` markup (threadkeep.html.schemaorg), which are taken as they are marked.
It is conservative: no comments is better than wrong ones.

The article helpers here (`generic_metadata`, `article_body`, `fill_metadata`) are what other
sites use for what their own markup leaves out.
"""

from __future__ import annotations

from threadkeep.dates import parse_date
from threadkeep.discover.feeds import feed_links
from threadkeep.discover.general import FeedBlog
from threadkeep.finder import locate_comments
from threadkeep.finder.build import without_comments
from threadkeep.html.page import Page
from threadkeep.html.schemaorg import schema_comments
from threadkeep.html.text import first_text, make_author, text_of
from threadkeep.model import Article
from threadkeep.sites.base import Case, Completion, Extraction, Site

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
    for href in page.links("canonical"):
        return href
    return page.meta("og:url")


def fill_metadata(article: Article, page: Page) -> None:
    """What a site left empty of the article, from the page's metadata."""
    meta = generic_metadata(page)
    article.title = article.title or meta.title
    if not article.author.name:
        article.author = meta.author
    article.published = article.published or meta.published
    article.updated = article.updated or meta.updated
    article.url = article.url or meta.url


class GenericSite(Site):
    name = "generic"
    description = "any other page: the article by the usual markers, the generic comment finder"
    CASES = (  # shapes from ../shared/corpus2/MANIFEST.tsv and its gold files
        Case("corpus2/pages/bbc.co.uk_news_magazine-22025328_class-calculator.html", comments=5, max_depth=1),
        Case("corpus2/pages/NEGATIVE_markcarey.com_dvd-store-24-season-three.html", comments=0),
    )

    def recognise(self, page: Page) -> Extraction:
        article, body = generic_article(page)
        extraction = Extraction(platform=self.name, article=article, body=body)
        embedded = self.embedded_comments(page)
        if embedded is not None:
            extraction.external_comments = embedded
            return extraction
        comments, elements = schema_comments(page)  # the page's own word for its comments
        if not comments:
            comments, elements = locate_comments(page, exclude=body)
        extraction.comments = comments
        if comments and body is not None:
            extraction.body = without_comments(body, elements)
        return extraction

    extract = recognise

    def blog(self, page: Page, ctx: Completion) -> FeedBlog:
        """Any other blog: its feeds (the page's <link rel="alternate">), then /sitemap.xml."""
        return FeedBlog(page.url or "", feed_links(page))


class ReaderSite(Site):
    """A site whose page reader recognises and extracts in one step (`read(page)` returns an
    Extraction or None): the article fields its markup leaves out come from the page's metadata."""

    @staticmethod
    def read(page: Page) -> Extraction | None:
        raise NotImplementedError

    def recognise(self, page: Page) -> Extraction | None:
        found = type(self).read(page)
        if found is not None:
            fill_metadata(found.article, page)
        return found
