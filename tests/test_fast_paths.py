"""Walks that stand in for page-wide XPath queries give the queries' answers, on every real page.

libxml2 answers `//*[...]` on a big page slowly (10-20 ms a query on a 2 MB Reddit thread); the
readers walk the page once instead (docs/performance.md). Each walk is compared here with the
query it replaces, written out as the plain way, on every page of the shared corpora."""

from __future__ import annotations

import pytest

from corpus import SHARED, needs_corpus
from threadkeep.html.page import Page
from threadkeep.sites.reddit import _page_parts


def _pages():
    for folder in ("corpus", "corpus2/pages", "abstracts", "seed"):
        yield from sorted((SHARED / folder).rglob("*.htm*"))


def _first(found):
    return found[0] if found else None


def _reddit_by_queries(page: Page):
    blocks = page.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " Comment ")][contains(@class, "t1_")]'
    )
    more = page.xpath('//*[self::p or self::span or self::button or self::div][contains(text(), "more repl")]')
    post = _first(page.xpath('//*[@data-testid="post-container" or @data-test-id="post-content"]'))
    body = _first(
        page.xpath('//*[@data-test-id="post-content"]//*[@data-click-id="text"]')
        or page.xpath('//*[@data-testid="post-container"]//*[@data-click-id="text"]')
    )
    return blocks, more, post, body


@needs_corpus
def test_reddit_walk_finds_what_the_queries_find_on_every_shared_page():
    compared = with_blocks = 0
    for path in _pages():
        page = Page.from_bytes(path.read_bytes(), None)
        blocks, more, post, body = _reddit_by_queries(page)
        parts = _page_parts(page)
        # "more repl" in the first text node (XPath) vs the leading text (the walk): the reader
        # matches the leading text only, so the walk may hold fewer, never others
        assert parts.blocks == blocks, path.name
        assert all(el in more for el in parts.more), path.name
        assert [el for el in more if el.text and "more repl" in el.text] == parts.more, path.name
        assert parts.post is post and parts.body is body, path.name
        compared += 1
        with_blocks += bool(blocks)
    assert compared > 100 and with_blocks >= 2


def test_reddit_walk_on_a_small_page():
    html = """<html><body>
      <div data-testid="post-container" class="t3_x"><h1>T</h1>
        <div data-test-id="post-content"><div data-click-id="text"><p>post</p></div></div></div>
      <div class="Comment  t1_a\tother">a<span>level 1</span></div>
      <div class="Comments t1_b">not a comment (no Comment token)</div>
      <div class="Comment">no t1_ id</div>
      <p>3 more replies</p><span><b>x</b>2 more replies</span>
    </body></html>"""
    page = Page.from_bytes(html.encode(), None)
    parts = _page_parts(page)
    blocks, more, post, body = _reddit_by_queries(page)
    assert [el.get("class") for el in parts.blocks] == ["Comment  t1_a\tother"] == [b.get("class") for b in blocks]
    assert [el.text for el in parts.more] == ["3 more replies"]
    assert len(more) == 2  # the query also takes the span whose first text node follows <b>
    assert parts.post is post and post.get("data-testid") == "post-container"
    assert parts.body is body and body.get("data-click-id") == "text"


@needs_corpus
@pytest.mark.parametrize("rel", ["canonical", "https://api.w.org/"])
def test_links_by_rel_are_the_query_answers_on_every_shared_page(rel):
    for path in _pages():
        page = Page.from_bytes(path.read_bytes(), None)
        assert page.links(rel) == page.xpath(f'//link[@rel="{rel}"][@href]/@href'), path.name


@needs_corpus
def test_page_wide_css_answers_as_the_query_on_every_shared_page(monkeypatch):
    """Every page-wide selector the sites ask while extracting every shared page: the answer
    with the look at the page's text first is the query's own."""
    from threadkeep.html.select import select
    from threadkeep.pipeline import extract_page

    asked = []
    fast_css = Page.css

    def checked(self, selector, root=None):
        got = fast_css(self, selector, root)
        if root is None:
            assert got == select(self.tree, selector), selector
            asked.append((selector, bool(got)))
        return got

    monkeypatch.setattr(Page, "css", checked)
    for path in _pages():
        extract_page(Page.from_bytes(path.read_bytes(), None))
    answered_empty = {s for s, found in asked if not found}
    assert len({s for s, _ in asked}) >= 20 and len(answered_empty) >= 10


@pytest.mark.parametrize(
    "selector, html, found",
    [
        (".entry-title", '<h1 class="entry-title">T</h1>', 1),
        (".entry-title", '<h1 class="title">T</h1><p>entry-title in text</p>', 0),  # the look says maybe
        ("#comments h2", '<div id="comments"><h2>2</h2></div>', 1),
        ("#comments h2", '<div id="comments"><h3>2</h3></div>', 0),  # no h2 at all
        ("time[datetime]", "<p>no time</p>", 0),
        ("a:not(.x), .y", '<b class="y"></b>', 1),
        (".a > b.c, td.title a", '<table><tr><td class="title"><a>x</a></td></tr></table>', 1),
        ("li:has(.q)", "<ul><li><span class=q></span></li></ul>", 1),
    ],
)
def test_page_wide_css_on_small_pages(selector, html, found):
    from threadkeep.html.select import select

    page = Page.from_bytes(f"<html><body>{html}</body></html>".encode(), None)
    assert len(page.css(selector)) == found == len(select(page.tree, selector))
