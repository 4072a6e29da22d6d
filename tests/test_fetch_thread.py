"""`threadkeep fetch URL` end to end against the 127.0.0.1 server: feed completion, WARC, reextract."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive_dicts import walk_dicts
from corpus import SEED_FEED, SEED_PAGE, require
from server import Resp
from threadkeep.pipeline import FetchOptions, archive_url
from threadkeep.tree import walk

POST_ID = "5381529086432390017"
FEED_PATH = f"/feeds/{POST_ID}/comments/default"
LAST_TOP = "5660973756748925592"
NUMBERS = ["1", "2", "2.1", "2.2", "2.3", "2.4", "3", "4"]


def truncated_page() -> str:
    """The seed page as Blogger serves a long thread: the last comment not rendered, Load more showing."""
    html = SEED_PAGE.read_text("utf-8")
    html, n = re.subn(
        rf'<li class="comment" id="c{LAST_TOP}">.*?</li>\n(?=</ol><div id="top-continue")', "", html, flags=re.S
    )
    assert n == 1
    return html.replace('class="loadmore hidden"', 'class="loadmore"')


def feed_pages(per_page: int):
    """A handler serving the seed feed the way Blogger pages it, capped at per_page entries."""
    require()
    feed = json.loads(SEED_FEED.read_text("utf-8"))
    entries = feed["feed"]["entry"]

    def handler(req):
        q = req.query
        start = int(q.get("start-index", "1"))
        asked = int(q.get("max-results", "25"))
        chunk = entries[start - 1 : start - 1 + min(asked, per_page)]
        page = json.loads(json.dumps(feed))
        page["feed"]["entry"] = chunk
        page["feed"]["openSearch$startIndex"] = {"$t": str(start)}
        page["feed"]["openSearch$itemsPerPage"] = {"$t": str(len(chunk))}
        return Resp(200, json.dumps(page), headers={"Content-Type": "application/json; charset=UTF-8"})

    return handler


@pytest.fixture
def blog(server):
    server.route("/robots.txt", status=404)
    server.route("/2016/09/researchspeak-interferon-vs-alemtuzumab.html", truncated_page())
    server.route(FEED_PATH, feed_pages(5))
    return server


def fast(**kw) -> FetchOptions:
    return FetchOptions(min_delay=0, retries=1, **kw)


def test_load_more_page_is_completed_from_the_paged_feed(blog):
    url = blog.url("/2016/09/researchspeak-interferon-vs-alemtuzumab.html")
    thread = archive_url(url, fast())
    assert [c.number for c in walk(thread.comments)] == NUMBERS
    by_number = {c.number: c for c in walk(thread.comments)}
    assert by_number["4"].id == LAST_TOP and by_number["4"].text.startswith("I'm only 8 months post-alemtuzumab")
    assert by_number["2.3"].text.startswith("Graves disease.") and by_number["2.4"].author.name == "James"
    assert by_number["4"].published == "2016-09-05T19:55:00Z"
    feed_requests = blog.requests_to(FEED_PATH)
    assert len(feed_requests) >= 2  # 8 entries, at most 5 a page
    assert thread.source.http.status == 200 and thread.source.platform == "blogger"


def test_feed_fields_match_the_full_page(blog, server):
    full = archive_url(blog.url("/2016/09/researchspeak-interferon-vs-alemtuzumab.html"), fast(comments="page"))
    assert len(list(walk(full.comments))) == 7  # the page alone misses one
    completed = archive_url(blog.url("/2016/09/researchspeak-interferon-vs-alemtuzumab.html"), fast())
    server.route("/full.html", SEED_PAGE.read_text("utf-8"))
    whole = archive_url(server.url("/full.html"), fast())
    strip = lambda c: (c.number, c.id, c.parent_id, c.author.name, c.author.url, c.published, c.text, c.deleted)  # noqa: E731
    assert [strip(c) for c in walk(completed.comments)] == [strip(c) for c in walk(whole.comments)]


def test_comments_page_mode_does_not_read_the_feed(blog):
    archive_url(blog.url("/2016/09/researchspeak-interferon-vs-alemtuzumab.html"), fast(comments="page"))
    assert blog.requests_to(FEED_PATH) == []


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "threadkeep", *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100"},
    )


def test_fetch_url_writes_archive_and_warc_and_reextract_reproduces_it(blog, tmp_path):
    url = blog.url("/2016/09/researchspeak-interferon-vs-alemtuzumab.html")
    out = tmp_path / "archive.json"
    r = run_cli("fetch", url, "-o", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    warc = tmp_path / "archive.warc.gz"
    assert warc.exists()
    records = []
    with warc.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            records.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI")))
    page_records = [t for t, u in records if u == url]
    assert sorted(page_records) == ["request", "response"]
    feed_uris = {u for t, u in records if u and FEED_PATH in u}
    assert len(feed_uris) >= 2
    for u in feed_uris:
        assert ("request", u) in records and ("response", u) in records

    first = json.loads(out.read_text("utf-8"))
    assert first["stats"]["comments"] == 8
    blog.close()  # the network is gone: reextract must not need it
    again = tmp_path / "again.json"
    r = run_cli("reextract", str(out), "-o", str(again))
    assert r.returncode == 0, r.stderr
    second = json.loads(again.read_text("utf-8"))
    for d in (first, second):
        d["source"].pop("fetched_at")
        d.pop("last_checked", None)
        for c in walk_dicts(d["comments"]):
            c.pop("first_seen", None)
            c.pop("last_seen", None)
        d.pop("snapshots", None)
    assert first == second


def test_fetch_404_is_one_line_exit_1(server):
    server.route("/robots.txt", status=404)
    r = run_cli("fetch", server.url("/missing.html"), "--delay", "0")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "HTTP 404" in err and server.url("/missing.html") in err
