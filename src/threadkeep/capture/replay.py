"""Rebuilding an archive from its raw capture: `reextract` runs the same pipeline that made the
archive against a WARC replay instead of the network, with today's sites."""

from __future__ import annotations

import hashlib
from pathlib import Path

from threadkeep.errors import InputError
from threadkeep.model import Thread
from threadkeep.pipeline import FetchOptions, fetch_thread
from threadkeep.timefmt import instant_iso, now_iso


def warc_path(archive_path: str | Path) -> Path:
    """Where the raw capture of an archive lives: archive.json -> archive.warc.gz."""
    p = Path(archive_path)
    stem = p.name[: -len(".json")] if p.name.endswith(".json") else p.name
    return p.with_name(stem + ".warc.gz")


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
        from threadkeep.net.fetch import Response

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
            fetched_at=instant_iso(captured.date) or now_iso(),
            sha256=hashlib.sha256(captured.body).hexdigest(),
        )


def reextract(archive_path: str | Path, options: FetchOptions | None = None) -> Thread:
    """Rebuild an archive from its WARC capture with the current extractors; no network."""
    from threadkeep.capture.warc import read_responses
    from threadkeep.store import load_archive

    old = load_archive(archive_path)
    capture = warc_path(archive_path)
    if not capture.exists():
        raise InputError(f"{archive_path}: no raw capture beside it ({capture.name}); it cannot be re-extracted")
    if not old.source.url:
        raise InputError(f"{archive_path}: the archive does not record its source URL")
    options = options or FetchOptions()
    options.api_keys = {}  # replay only what was captured
    rebuilt = fetch_thread(ReplayFetcher(read_responses(capture)), old.source.url, options)
    # Keep what the archive learned over time: numbers, first and last seen, history, comments
    # removed upstream, snapshots.
    from threadkeep.merge import merge

    thread, _changes = merge(old, rebuilt, rebuilt.source.fetched_at or now_iso(), replay=True)
    return thread
