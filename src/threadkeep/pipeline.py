"""Bytes or a URL in, a Thread out: choose the site, extract, let the site complete, finish.

    extract(html, url)                 a page's text or bytes, offline
    archive_url(url, options)          from the web, through a polite Fetcher
    fetch_thread(fetcher, url, opts)   one thread through a fetcher (live, or a WARC replay)

The pipeline names no platform: the registry (threadkeep.sites) says which site reads a URL
from its API or claims a page; the site extracts and completes; `finish` then does what is the
same for every site: it finds the embedded abstract in the post body and takes it out of the
article, sanitises the body, and numbers the comments.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from threadkeep.abstract import find_abstract, find_post_identifiers
from threadkeep.html.page import Page
from threadkeep.html.text import content
from threadkeep.model import HttpInfo, Source, Thread
from threadkeep.sites import Completion, Extraction, recognise, site_for_url, site_named
from threadkeep.timefmt import now_iso
from threadkeep.tree import number_comments


@dataclass
class FetchOptions:
    """How a thread is fetched: where comments come from, politeness, limits, API keys, callbacks."""

    comments: str = "auto"  # "auto" (feed/API when the page is incomplete), "page", "feed"
    warc_path: Path | None = None
    respect_robots: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    request_timeout: float = 300.0  # one request, connect to last byte (robots.txt included)
    max_time: float | None = 1800.0  # one thread: every request, retry and wait of it
    min_delay: float = 1.0
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 4
    api_keys: dict[str, str] = field(default_factory=dict)  # site name -> API key ("disqus")
    api_bases: dict[str, str] = field(default_factory=dict)  # site name -> API address (tests)
    on_event: Callable[[object], None] | None = None
    on_progress: Callable[[str, int, int | None], None] | None = None  # (what, done, total)
    max_feed_pages: int = 1000

    def fetch_config(self):
        from threadkeep.net.fetch import FetchConfig

        return FetchConfig(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            total_timeout=self.request_timeout,
            min_delay=self.min_delay,
            max_bytes=self.max_bytes,
            retries=self.retries,
            respect_robots=self.respect_robots,
        )


class NotModified(Exception):
    """The server answered 304: the archive is up to date."""

    def __init__(self, response) -> None:
        super().__init__("not modified")
        self.response = response


# ------------------------------------------------------------------------------- offline


def extract_page(page: Page) -> Thread:
    """A parsed page's thread (no network)."""
    site, extraction = recognise(page)
    declare(site, extraction, page)
    return finish(extraction, page)


def declare(site, extraction: Extraction, page: Page) -> None:
    """The count the page declares, when the site's extraction did not say it."""
    if extraction.declared is None:
        extraction.declared = site.declared_count(page)


def extract(html: str | bytes, url: str | None = None) -> Thread:
    """Extract a thread from a page's HTML (text or bytes). No network."""
    return extract_page(Page.from_bytes(html, url) if isinstance(html, bytes) else Page(html, url))


def finish(extraction: Extraction, page: Page) -> Thread:
    """The site-independent half: abstract, sanitised article body, numbering."""
    article = extraction.article
    abstract = None
    if extraction.body is not None:
        body = copy.deepcopy(extraction.body)
        found = find_abstract(body)
        if found is not None:
            article.identifiers = find_post_identifiers(body, found)
            abstract = found.abstract
            for el in found.elements:
                if el.getparent() is not None:
                    el.drop_tree()
            article.html, article.text = content(body)
        else:  # the body's text is read once, for the article and for its identifiers
            article.html, article.text = content(body)
            article.identifiers = find_post_identifiers(body, text=article.text if article.html else None)
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
        declared=extraction.declared,
    )


# ------------------------------------------------------------------------------- from the web


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def archive_url(url: str, options: FetchOptions | None = None, *, fetcher=None) -> Thread:
    """Fetch a thread from the web: the page, then whatever completes its comments."""
    from threadkeep.capture.warc import WarcRecorder
    from threadkeep.net.fetch import Fetcher

    options = options or FetchOptions()
    if fetcher is not None:
        return fetch_thread(fetcher, url, options)
    recorder = WarcRecorder(options.warc_path) if options.warc_path else None
    try:
        with (
            Fetcher(options.fetch_config(), on_event=options.on_event, recorder=recorder) as f,
            f.time_limit(options.max_time),
        ):
            thread = fetch_thread(f, url, options)
    except BaseException:
        if recorder is not None:
            recorder.abort()
        raise
    if recorder is not None:
        recorder.close()
    return thread


def fetch_thread(
    fetcher, url: str, options: FetchOptions, *, etag: str | None = None, last_modified: str | None = None
) -> Thread:
    """One thread through a fetcher (live, or a replay of a WARC). Raises NotModified on 304."""
    from threadkeep.net.http import check_url

    check_url(url, url)  # a FetchError for "http://[::1/x" before any site looks at it
    ctx = Completion(fetcher, options)
    api_site = site_for_url(url)
    if api_site is not None:
        thread = api_site.archive_url(url, ctx)
        thread.source.url = url
        thread.source.fetched_at = thread.source.fetched_at or now_iso()
        return thread
    resp = fetcher.get(url, accept="html", etag=etag, last_modified=last_modified)
    if resp.not_modified:
        raise NotModified(resp)
    page = Page.from_bytes(resp.content, resp.final_url, resp.content_type)
    site, extraction = recognise(page)
    declare(site, extraction, page)
    site.complete(extraction, page, ctx)
    if extraction.external_comments is not None:
        host = site_named(extraction.external_comments.service)
        if host is not None:
            host.complete_embedded(extraction, page, ctx)
    thread = finish(extraction, page)
    thread.source = Source(
        url=url,
        final_url=resp.final_url,
        fetched_at=resp.fetched_at,
        platform=extraction.platform,
        http=HttpInfo(resp.status, resp.etag, resp.last_modified, resp.content_type),
        sha256=resp.sha256,
    )
    return thread
