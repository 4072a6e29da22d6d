"""Blogger (blogspot.com and custom domains): the page (page.py), the post's comment feed that
completes a thread the page does not hold whole (feed.py), the "Back up content" export
(export.py), and whole blogs: the posts feed and the blog-wide comment feed (discover.py)."""

from __future__ import annotations

import json
from typing import Any

from threadkeep.errors import InputError
from threadkeep.html.page import Page
from threadkeep.model import Article, Source, Thread
from threadkeep.sites.base import Case, Completion, Extraction, Site
from threadkeep.sites.blogger.discover import BloggerBlog, blog_base
from threadkeep.sites.blogger.export import parse_atom_export
from threadkeep.sites.blogger.feed import feed_tree, feed_url, merge_page_and_feed, next_start_index, parse_feed_page
from threadkeep.sites.blogger.page import BloggerPage
from threadkeep.tree import number_comments, walk

_ATOM_NS = b"http://www.w3.org/2005/Atom"
_SEED = "https://multiple-sclerosis-research.blogspot.com/2016/09/researchspeak-interferon-vs-alemtuzumab.html"


class BloggerSite(BloggerPage, Site):
    name = "blogger"
    description = "Blogger (threaded and classic layouts, the comment feed, saved feeds and exports)"
    CASES = (
        Case(
            "seed/multiple-sclerosis-research.blogspot.com_2016-09_researchspeak-interferon-vs-alemtuzumab.html",
            url=_SEED,
            comments=8,
            top_level=4,
            max_depth=2,
            title="ResearchSpeak: Interferon vs. Alemtuzumab",
            facts={  # ../shared/seed/README.md
                "2.3": {"text_start": "Graves disease."},
                "2.4": {"author": "James"},
            },
        ),
        Case(
            "corpus/blogger-threaded/johnhcochrane.blogspot.com_2020-12_free-market-vaccines.html",
            comments=71,
            top_level=35,
            max_depth=2,
        ),
        Case("corpus/blogger-threaded/luxuryhaven.co_2019-05_hyatt.html", comments=24, top_level=24, max_depth=1),
        Case(
            "corpus/blogger-threaded/abookshelffullofsunshine.blogspot.com_2013-10_interview.html",
            comments=2,
            top_level=1,
            max_depth=2,
        ),
        Case("corpus/blogger-threaded/plentylife.blogspot.com_2017-05_pamela-reif.html", comments=1, top_level=1),
        Case(
            "corpus/blogger-flat/cleaneval-en57_syriacomment_2005-04_news-round-up.html",
            comments=22,
            top_level=22,
            max_depth=1,
        ),
        Case(
            "corpus/blogger-flat/cleaneval-finalrun129_observantlittle.blogspot.com_2005-06.html",
            comments=3,
            top_level=3,
            max_depth=1,
        ),
        Case("corpus/blogger-feed/200ok-weblog-test.blogspot.com_blogger-export.xml", comments=6),
        Case("seed/multiple-sclerosis-research.blogspot.com_feeds_comments.json", url=_SEED, comments=8, top_level=4),
        Case(  # corpus2 gold: the script's items list (ids, parents, epoch milliseconds)
            "corpus2/pages/thefischbowl.blogspot.com_2012-10_backwards.html",
            comments=10,
            top_level=5,
            max_depth=2,
            facts={"1.1": {"author": "Brandt Schneider", "text_start": "Who decides what we really, really need to"}},
        ),
        Case(
            "corpus2/pages/imperfecthomemaking.com_2012-10_savourtheseason-maple-pecan-pumpkin-pie.html",
            comments=15,
            top_level=9,
            max_depth=2,
            facts={"1.2": {"author": "Beth :: Our Front Porch View", "text_start": "We always put a slice of bread"}},
        ),
        Case(  # classic 2005 template: li#cID > div.comment-body + p.comment-data (corpus2 gold)
            "corpus2/pages/aseigo.blogspot.com_2004-11_start-up-times.html",
            comments=15,
            top_level=15,
            max_depth=1,
            facts={
                "3": {"author": "Aaron J. Seigo", "text_start": "@Illissius\nplease re-read the blog entry."},
                "12": {"deleted": True},
            },
        ),
        Case("corpus/other/NEGATIVE_infoproc.blogspot.com_2022-05_postol.html", comments=0),
        Case("corpus/other/NEGATIVE_readability_blogger_source.html", comments=0),
    )

    def complete(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Read the post's comment feed when the page does not hold the whole thread (or when asked)."""
        if not ctx.reads_more(extraction):
            return
        if not extraction.post_id:
            ctx.note(f"{page.url}: the page does not give its post id; comments from the page only")
            return
        pages = []
        start: int | None = 1
        total = None
        seen: set[str] = set()
        while start is not None and len(pages) < ctx.max_pages:
            fp = parse_feed_page(ctx.json(feed_url(page.url, extraction.post_id, start_index=start)))
            pages.append(fp)
            total = fp.total if fp.total is not None else total
            ctx.progress("feed", sum(len(p.comments) for p in pages), total)
            start = next_start_index(fp, requested=start, seen=seen)
            seen.update(c.id for c in fp.comments)
        extraction.comments = merge_page_and_feed(extraction.comments, feed_tree(pages))
        extraction.complete = True

    def blog(self, page: Page, ctx: Completion) -> BloggerBlog | None:
        """A Blogger blog: its posts feed and its blog-wide comment feed, on the blog's host."""
        if not self.matches(page):
            return None
        base = blog_base(page)
        return BloggerBlog(base) if base else None

    def from_saved(self, raw: bytes, data: Any, url: str | None) -> Thread | None:
        """A comment feed saved as JSON (?alt=json), or one post of a "Back up content" export."""
        if data is None:
            head = raw[:4096]
            if raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") and b"<feed" in head and _ATOM_NS in head:
                return _thread_from_export(raw, url)
            return None
        feed = data.get("feed") if isinstance(data, dict) else None
        if isinstance(feed, dict) and "blogger.com" in json.dumps(feed.get("generator", "")):
            comments = feed_tree([parse_feed_page(data)])
            number_comments(comments)
            title = (feed.get("title") or {}).get("$t")
            return Thread(source=Source(platform=self.name), article=Article(title=title, url=url), comments=comments)
        return None


def _thread_from_export(raw: bytes, url: str | None) -> Thread:
    """One post of a Blogger export: the one at `url`, else the most discussed."""
    posts = parse_atom_export(raw)
    if not posts:
        raise InputError("a Blogger export with no posts")
    chosen = next((p for p in posts if url and p.url == url), None)
    if chosen is None:
        chosen = max(posts, key=lambda p: sum(1 for _ in walk(p.comments)))
    number_comments(chosen.comments)
    return Thread(
        source=Source(platform="blogger"),
        article=Article(title=chosen.title, author=chosen.author, published=chosen.published, url=chosen.url),
        comments=chosen.comments,
    )


__all__ = ["BloggerSite"]
