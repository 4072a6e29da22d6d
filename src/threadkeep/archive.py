"""Archiving a thread: glue between the fetcher, the extractors and the platform APIs.

`archive_file` works offline on a saved page; `archive_url` fetches the page (and, where the
page does not hold the whole thread, the platform's comment feed or API) through a Fetcher.
Both return a Thread whose `source` says where it came from.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from threadkeep.errors import InputError
from threadkeep.extract import extract_page, finish, run_extractor
from threadkeep.extract.base import Extraction, Page
from threadkeep.model import Article, HttpInfo, Source, Thread, walk

MAX_FILE_BYTES = 256 * 1024 * 1024


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_source(path: str) -> bytes:
    """The bytes of a saved page: a file, or standard input for '-'."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    from threadkeep.store import read_file

    return read_file(path, "a page", limit=MAX_FILE_BYTES)


_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|a|script|meta|title|table|span|article|section|ul|ol|li|br|text|h[1-6])[\s>/]",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether text has HTML markup in its first 256 KB (plain text and binary data have none)."""
    return _HTML_TAG.search(text, 0, 256 * 1024) is not None


def thread_from_bytes(raw: bytes, url: str | None, *, name: str) -> Thread:
    """Extract a thread from a page's bytes (already read); no network."""
    if not raw.strip():
        raise InputError(f"{name}: not HTML (the file is empty)")
    if b"\x00" in raw[:1024] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: not HTML (binary data)")
    head = raw[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        thread = thread_from_json(raw, url, name=name)
    elif head.startswith(b"<?xml") and b"<feed" in raw[:4096] and b"http://www.w3.org/2005/Atom" in raw[:4096]:
        thread = thread_from_atom_export(raw, url, name=name)
    else:
        page = Page.from_bytes(raw, url)
        if not looks_like_html(page.html):
            raise InputError(f"{name}: not HTML (no markup found)")
        thread = extract_page(page)
    thread.source = Source(
        url=url,
        final_url=url,
        fetched_at=now_iso(),
        platform=thread.source.platform,
        http=None,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    return thread


def thread_from_json(raw: bytes, url: str | None, *, name: str) -> Thread:
    """A saved API response: a Discourse topic, a Hacker News item, a Reddit thread, a Blogger feed."""
    import json

    from threadkeep.adapters.discourse import thread_from_discourse_topic
    from threadkeep.adapters.hn import thread_from_hn_item
    from threadkeep.adapters.reddit import thread_from_reddit_listing

    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{name}: not HTML, and not valid JSON ({type(exc).__name__})") from None
    if isinstance(data, dict) and "post_stream" in data:
        return thread_from_discourse_topic(data, base_url=url, url=url, first_post_as_article=False)
    if isinstance(data, dict) and "children" in data and "type" in data:
        return thread_from_hn_item(data, url=url)
    if isinstance(data, list) and data and all(isinstance(x, dict) and x.get("kind") == "Listing" for x in data):
        return thread_from_reddit_listing(data, url=url)
    if (
        isinstance(data, dict)
        and isinstance(data.get("feed"), dict)
        and "blogger.com" in json.dumps(data["feed"].get("generator", ""))
    ):
        return thread_from_blogger_feed(data, url)
    raise InputError(f"{name}: JSON, but not a response threadkeep knows (Discourse, Hacker News, Reddit, Blogger)")


def thread_from_blogger_feed(data: dict, url: str | None) -> Thread:
    """A Blogger comment feed saved as JSON (?alt=json): the comment tree, no article body."""
    from threadkeep.extract.blogger_feed import feed_tree, parse_feed_page
    from threadkeep.model import number_comments

    comments = feed_tree([parse_feed_page(data)])
    number_comments(comments)
    title = (data["feed"].get("title") or {}).get("$t")
    return Thread(source=Source(platform="blogger"), article=Article(title=title, url=url), comments=comments)


def thread_from_atom_export(raw: bytes, url: str | None, *, name: str) -> Thread:
    """One post of a Blogger "Back up content" export: the one at `url`, else the most discussed."""
    from threadkeep.extract.blogger_feed import parse_atom_export
    from threadkeep.model import number_comments

    posts = parse_atom_export(raw)
    if not posts:
        raise InputError(f"{name}: a Blogger export with no posts")
    chosen = next((p for p in posts if url and p.url == url), None)
    if chosen is None:
        chosen = max(posts, key=lambda p: sum(1 for _ in walk(p.comments)))
    number_comments(chosen.comments)
    return Thread(
        source=Source(platform="blogger"),
        article=Article(title=chosen.title, author=chosen.author, published=chosen.published, url=chosen.url),
        comments=chosen.comments,
    )


def archive_file(path: str, url: str | None = None) -> Thread:
    """Archive a saved page (a file or '-' for stdin); `url` records where it came from."""
    raw = read_source(path)
    return thread_from_bytes(raw, url, name="stdin" if path == "-" else path)


# ------------------------------------------------------------------------------- from the web


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def warc_path(archive_path: str | Path) -> Path:
    """Where the raw capture of an archive lives: archive.json -> archive.warc.gz."""
    p = Path(archive_path)
    stem = p.name[: -len(".json")] if p.name.endswith(".json") else p.name
    return p.with_name(stem + ".warc.gz")


@dataclass
class FetchOptions:
    comments: str = "auto"  # "auto" (feed/API when the page is incomplete), "page", "feed"
    warc_path: Path | None = None
    respect_robots: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    min_delay: float = 1.0
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 4
    disqus_key: str | None = None
    disqus_api_base: str | None = None  # the Disqus API's address (tests point it at a local server)
    on_event: Callable[[object], None] | None = None
    on_progress: Callable[[str, int, int | None], None] | None = None  # (what, done, total)
    max_feed_pages: int = 1000

    def reads_more(self, extraction: Extraction) -> bool:
        """Whether to look past the page for comments: always with "feed", never with "page",
        and with "auto" when the page shows that it does not hold the whole thread."""
        return self.comments == "feed" or (self.comments == "auto" and not extraction.complete)

    def fetch_config(self):
        from threadkeep.fetch import FetchConfig

        return FetchConfig(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
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


def archive_url(url: str, options: FetchOptions | None = None, *, fetcher=None) -> Thread:
    """Fetch a thread from the web: the page, then whatever completes its comments."""
    from threadkeep.fetch import Fetcher
    from threadkeep.warc import WarcRecorder

    options = options or FetchOptions()
    if fetcher is not None:
        return fetch_thread(fetcher, url, options)
    recorder = WarcRecorder(options.warc_path) if options.warc_path else None
    try:
        with Fetcher(options.fetch_config(), on_event=options.on_event, recorder=recorder) as f:
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
    from threadkeep.adapters import adapter_for_url

    adapter = adapter_for_url(url)
    if adapter is not None:
        thread = adapter.archive(url, lambda u: fetcher.get(u, accept="json").json(), api_key=options.disqus_key)
        thread.source.url = url
        thread.source.fetched_at = thread.source.fetched_at or now_iso()
        return thread
    resp = fetcher.get(url, accept="html", etag=etag, last_modified=last_modified)
    if resp.not_modified:
        raise NotModified(resp)
    page = Page.from_bytes(resp.content, resp.final_url, resp.content_type)
    extraction = run_extractor(page)
    if extraction.platform == "blogger":
        complete_from_blogger_feed(extraction, page, fetcher, options)
    elif extraction.platform == "wordpress":
        complete_wordpress(extraction, page, fetcher, options)
    if extraction.external_comments is not None and extraction.external_comments.service == "disqus":
        complete_from_disqus(extraction, page, fetcher, options)
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


def _progress(options: FetchOptions, what: str, done: int, total: int | None) -> None:
    if options.on_progress is not None:
        options.on_progress(what, done, total)


def _note(options: FetchOptions, message: str) -> None:
    if options.on_event is not None:
        options.on_event(message)


def complete_from_blogger_feed(extraction: Extraction, page: Page, fetcher, options: FetchOptions) -> None:
    """Read the post's comment feed when the page does not hold the whole thread (or when asked)."""
    from threadkeep.extract.blogger_feed import (
        feed_tree,
        feed_url,
        merge_page_and_feed,
        next_start_index,
        parse_feed_page,
    )

    if not options.reads_more(extraction):
        return
    if not extraction.post_id:
        _note(options, f"{page.url}: the page does not give its post id; comments from the page only")
        return
    pages = []
    start: int | None = 1
    total = None
    seen: set[str] = set()
    while start is not None and len(pages) < options.max_feed_pages:
        data = fetcher.get(feed_url(page.url, extraction.post_id, start_index=start), accept="json").json()
        fp = parse_feed_page(data)
        pages.append(fp)
        total = fp.total if fp.total is not None else total
        _progress(options, "feed", sum(len(p.comments) for p in pages), total)
        start = next_start_index(fp, requested=start, seen=seen)
        seen.update(c.id for c in fp.comments)
    extraction.comments = merge_page_and_feed(extraction.comments, feed_tree(pages))
    extraction.complete = True


def complete_wordpress(extraction: Extraction, page: Page, fetcher, options: FetchOptions) -> None:
    """Follow the comment pages; then the REST API where the thread is still incomplete (or asked)."""
    from threadkeep.errors import FetchError
    from threadkeep.extract.wordpress import (
        WordPressExtractor,
        comment_page_urls,
        comments_from_rest,
        merge_comments,
        rest_api_url,
    )

    if not options.reads_more(extraction):
        return
    comments = extraction.comments
    seen = {page.url}
    queue = [u for u in comment_page_urls(page) if u not in seen]
    while queue and len(seen) < options.max_feed_pages:
        next_url = queue.pop(0)
        if next_url in seen:
            continue
        seen.add(next_url)
        resp = fetcher.get(next_url, accept="html")
        other = Page.from_bytes(resp.content, resp.final_url, resp.content_type)
        comments = merge_comments(comments, WordPressExtractor().extract(other).comments)
        queue.extend(u for u in comment_page_urls(other) if u not in seen)
        _progress(options, "comment pages", len(seen), None)
    if extraction.post_id and (options.comments == "feed" or len(seen) == 1):
        items: list = []
        page_no = 1
        try:
            while page_no <= options.max_feed_pages:
                batch = fetcher.get(rest_api_url(page.url, extraction.post_id, page_no), accept="json").json()
                if not isinstance(batch, list) or not batch:
                    break
                items.extend(batch)
                _progress(options, "REST API", len(items), None)
                if len(batch) < 100:
                    break
                page_no += 1
        except FetchError as exc:
            if not items or exc.status not in (400, 404):
                _note(options, f"WordPress REST API not used: {exc}")
        if items:
            comments = merge_comments(comments, comments_from_rest(items, page.url))
    extraction.comments = comments


def complete_from_disqus(extraction: Extraction, page: Page, fetcher, options: FetchOptions) -> None:
    """With a Disqus API key, archive the comments that the page only embeds."""
    ext = extraction.external_comments
    if not options.disqus_key or not ext.thread_id:
        return
    from threadkeep.adapters.disqus import DisqusAdapter, embed_url

    shortname, _, identifier = ext.thread_id.partition(":")
    thread = DisqusAdapter().archive(
        embed_url(shortname, identifier or None, page.url),
        lambda u: fetcher.get(u, accept="json").json(),
        api_key=options.disqus_key,
        api_base=options.disqus_api_base,
    )
    extraction.comments = thread.comments
    extraction.external_comments = thread.external_comments


# ------------------------------------------------------------------------------- from a WARC


class ReplayFetcher:
    """A Fetcher look-alike that answers from a WARC capture: `reextract` runs with no network.

    It serves the last response recorded for each URL (following recorded redirects), so the
    same code path that made the archive rebuilds it with today's extractors.
    """

    def __init__(self, responses) -> None:
        self._by_url = {}
        for r in responses:
            if r.truncated or r.status >= 500:
                continue  # a body cut short or a failed attempt that was retried
            self._by_url[r.url] = r  # the last good one wins

    def get(self, url: str, *, accept: str = "html", etag=None, last_modified=None):
        import httpx

        from threadkeep.errors import FetchError
        from threadkeep.fetch import Response

        current, hops = url, 0
        while True:
            captured = self._by_url.get(current)
            if captured is None:
                raise FetchError(url, "not in the capture (WARC); run `threadkeep update` to fetch it again")
            location = captured.header("location")
            if captured.status in (301, 302, 303, 307, 308) and location and hops < 10:
                current, hops = str(httpx.URL(current).join(location)), hops + 1
                continue
            break
        if captured.status >= 400:
            raise FetchError(url, f"HTTP {captured.status} (as captured)", status=captured.status)
        return Response(
            url=url,
            final_url=current,
            status=captured.status,
            headers=httpx.Headers(captured.headers),
            raw_headers=list(captured.headers),
            content=captured.body,
            content_type=captured.content_type,
            etag=captured.header("etag"),
            last_modified=captured.header("last-modified"),
            fetched_at=_warc_date(captured.date),
            sha256=hashlib.sha256(captured.body).hexdigest(),
        )


def _warc_date(value: str) -> str:
    """A WARC-Date (may carry microseconds) as the archive writes times: seconds, Z."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return now_iso()
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def reextract(archive_path: str | Path, options: FetchOptions | None = None) -> Thread:
    """Rebuild an archive from its WARC capture with the current extractors; no network."""
    from threadkeep.store import load_archive
    from threadkeep.warc import read_responses

    old = load_archive(archive_path)
    capture = warc_path(archive_path)
    if not capture.exists():
        raise InputError(f"{archive_path}: no raw capture beside it ({capture.name}); it cannot be re-extracted")
    if not old.source.url:
        raise InputError(f"{archive_path}: the archive does not record its source URL")
    options = options or FetchOptions()
    options.disqus_key = None  # replay only what was captured
    rebuilt = fetch_thread(ReplayFetcher(read_responses(capture)), old.source.url, options)
    # Keep what the archive learned over time: numbers, first and last seen, history, comments
    # removed upstream, snapshots.
    from threadkeep.merge import merge

    thread, _changes = merge(old, rebuilt, rebuilt.source.fetched_at or now_iso(), replay=True)
    return thread
