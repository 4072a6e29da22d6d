"""`update` and the merge behind it: comment history, stubs, removals, stable numbers, snapshots, 304.

The seed page is changed step by step with string replacements of its real Blogger markup and
served by the 127.0.0.1 test server; the archive must end up holding every comment ever seen.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive_dicts import walk_dicts
from corpus import SEED_PAGE
from server import Resp
from threadkeep import timefmt
from threadkeep.inputs import thread_from_bytes
from threadkeep.merge import merge, stamp_new
from threadkeep.model import Comment
from threadkeep.pipeline import FetchOptions
from threadkeep.store import load_archive, validation_errors
from threadkeep.sync import SyncOptions, WatchEntry, sync, update_archive
from threadkeep.tree import walk

# the seed thread's comments (number -> id)
C1, C2, C21, C22, C23, C24, C3, C4 = (
    "3221825579658094779",
    "7808713298211968091",
    "7461082282339189841",
    "7134540374162170859",
    "6253892565472141739",
    "3117296944909505097",
    "6910089488565798823",
    "5660973756748925592",
)
NEW_TOP = "1111111111111111111"
NEW_REPLY = "2222222222222222222"
STUB = "This comment has been removed by the author."
EDITED_3 = "Shame for people who discover, too late, that they were not 'responders' after all."
PATH = "/2016/09/researchspeak-interferon-vs-alemtuzumab.html"


# ------------------------------------------------------------------- the seed page, step by step


def seed_html() -> str:
    return SEED_PAGE.read_text("utf-8")


def li(html: str, cid: str) -> str:
    """The <li> of a comment without replies (its own markup, up to its closing tag)."""
    m = re.search(rf'<li class="comment" id="c{cid}">.*?</li>\n', html, flags=re.S)
    assert m, cid
    return m.group(0)


def content_of(html: str, cid: str) -> str:
    m = re.search(rf'(<li class="comment" id="c{cid}">.*?<p class="comment-content">)(.*?)(</p>)', html, flags=re.S)
    assert m, cid
    return m.group(2)


def set_content(html: str, cid: str, new: str) -> str:
    old = content_of(html, cid)
    start = html.index(f'<li class="comment" id="c{cid}">')
    at = html.index(f'<p class="comment-content">{old}</p>', start)
    return (
        html[:at]
        + f'<p class="comment-content">{new}</p>'
        + html[at + len(old) + len('<p class="comment-content"></p>') :]
    )


def clone(html: str, cid: str, new_id: str, text: str) -> str:
    item = li(html, cid).replace(cid, new_id)
    return set_content(item, new_id, text)


def set_count(html: str, n: int) -> str:
    out, k = re.subn(r"<h4>\d+ comments:</h4>", f"<h4>{n} comments:</h4>", html)
    assert k == 1
    return out


def step2(html: str) -> str:
    """A new top-level comment (after 4), a new reply under 2 (after 2.4), comment 3 edited."""
    top = clone(html, C3, NEW_TOP, "A new top-level comment, posted later.")
    html = html.replace('</ol><div id="top-continue"', top + '</ol><div id="top-continue"', 1)
    reply = clone(html, C24, NEW_REPLY, "A late reply under comment two.")
    anchor = f'</div><div id="c{C2}-continue"'
    assert html.count(anchor) == 1
    html = html.replace(anchor, reply + anchor)
    html = set_content(html, C3, EDITED_3)
    return set_count(html, 10)


def step3(html: str) -> str:
    """Comment 2.3 replaced by Blogger's "removed" stub; comment 4 gone from the page."""
    html = set_content(html, C23, f'<span class="deleted-comment">{STUB}</span>')
    html, n = re.subn(rf'<li class="comment" id="c{C4}">.*?</li>\n', "", html, flags=re.S)
    assert n == 1
    return set_count(html, 9)


STEPS = [seed_html, lambda: step2(seed_html()), lambda: step3(step2(seed_html()))]


class Clock:
    """Fetch times one minute apart per step, so that each snapshot has its own time."""

    def __init__(self) -> None:
        self.minute = 0

    def __call__(self) -> datetime:
        return datetime(2024, 5, 1, 6, self.minute, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(timefmt, "clock", c)
    return c


def fast() -> FetchOptions:
    return FetchOptions(min_delay=0, retries=0)


def by_id(thread) -> dict[str, Comment]:
    return {c.id: c for c in walk(thread.comments)}


# ------------------------------------------------------------------- the scenario (done-when)


@pytest.fixture
def three_syncs(server, clock, tmp_path):
    """Three syncs of one thread whose page changes between them; copies of the archive after each."""
    server.route("/robots.txt", status=404)
    url = server.url(PATH)
    out = tmp_path / "archives"
    copies = []
    for i, page in enumerate(STEPS):
        clock.minute = i
        server.route(PATH, page())
        report = sync([WatchEntry(url)], out, SyncOptions(fast()))
        assert report.exit_code == 0, report.results[0].error
        (archive,) = out.glob("*.json")
        copies.append(tmp_path / f"after-{i + 1}.json")
        copies[-1].write_bytes(archive.read_bytes())
    return archive, copies


def test_three_syncs_keep_every_comment_with_its_history(three_syncs):
    archive, _ = three_syncs
    assert validation_errors(json.loads(archive.read_text("utf-8"))) == []
    t = load_archive(archive)
    s1, s2, s3 = "2024-05-01T06:00:00Z", "2024-05-01T06:01:00Z", "2024-05-01T06:02:00Z"
    numbers = [(c.number, c.id) for c in walk(t.comments)]
    assert numbers == [
        ("1", C1),
        ("2", C2),
        ("2.1", C21),
        ("2.2", C22),
        ("2.3", C23),
        ("2.4", C24),
        ("2.5", NEW_REPLY),
        ("3", C3),
        ("4", C4),
        ("5", NEW_TOP),
    ]
    c = by_id(t)
    # added in the second sync
    assert (c[NEW_TOP].first_seen, c[NEW_TOP].last_seen) == (s2, s3)
    assert c[NEW_REPLY].parent_id == C2 and c[NEW_REPLY].depth == 2
    assert c[NEW_TOP].text == "A new top-level comment, posted later." and c[NEW_TOP].history == []
    # edited in the second sync: the first version kept, seen last at the first sync
    assert c[C3].text == EDITED_3
    assert [(h.text[:30], h.seen_at) for h in c[C3].history] == [("Shame for people who discover ", s1)]
    assert c[C3].history[0].html.startswith("Shame for people") and not c[C3].deleted
    # replaced by a stub in the third: deleted, the text it had in history
    assert c[C23].deleted and c[C23].text == STUB
    assert [(h.text[:16], h.seen_at) for h in c[C23].history] == [("Graves disease. ", s2)]
    assert c[C23].removed_upstream_at is None and c[C23].last_seen == s3
    # gone in the third: kept in place with its text
    assert c[C4].removed_upstream_at == s3 and c[C4].last_seen == s2
    assert c[C4].text.startswith("I'm only 8 months post-alemtuzumab") and not c[C4].deleted
    # everyone else: seen at every sync, never changed
    for cid in (C1, C2, C21, C22, C24):
        assert (c[cid].first_seen, c[cid].last_seen, c[cid].history) == (s1, s3, [])
        assert c[cid].removed_upstream_at is None and not c[cid].deleted
    assert [(s.fetched_at, s.http_status, s.comments, s.changed) for s in t.snapshots] == [
        (s1, 200, 8, True),
        (s2, 200, 10, True),
        (s3, 200, 9, True),
    ]
    assert len({s.sha256 for s in t.snapshots}) == 3 and t.last_checked == s3
    assert t.stats()["comments"] == 10 and t.stats()["deleted"] == 1


def test_the_warc_keeps_every_capture_and_reextract_reads_the_last(three_syncs, server):
    from threadkeep.capture.replay import reextract, warc_path
    from threadkeep.capture.warc import read_responses

    archive, _ = three_syncs
    pages = [r for r in read_responses(warc_path(archive)) if r.url.endswith(PATH)]
    assert len(pages) == 3
    assert [NEW_TOP.encode() in p.body for p in pages] == [False, True, True]
    server.close()  # reextract needs no network
    again = reextract(archive, fast())
    # the newest capture read again, with everything the archive learned kept: the comment removed
    # upstream (C4) keeps its place, numbers, history and first/last seen are unchanged
    assert [c.id for c in walk(again.comments)] == [C1, C2, C21, C22, C23, C24, NEW_REPLY, C3, C4, NEW_TOP]
    kept = load_archive(archive)
    fields = lambda t: [  # noqa: E731
        (c.id, c.number, c.first_seen, c.last_seen, c.removed_upstream_at, c.deleted, [r.text for r in c.history])
        for c in walk(t.comments)
    ]
    assert fields(again) == fields(kept)
    assert again.snapshots == kept.snapshots and again.last_checked == kept.last_checked


def test_diff_cli_reports_exactly_the_changes(three_syncs):
    archive, (first, second, third) = three_syncs
    since = run_cli("diff", str(archive), "--since", "2024-05-01T06:00:00Z", "--json")
    assert since.returncode == 0, since.stderr
    d = json.loads(since.stdout)
    got = {k: sorted(e["id"] for e in d[k]) for k in ("added", "edited", "deleted", "removed", "restored")}
    expected = {
        "added": sorted([NEW_TOP, NEW_REPLY]),
        "edited": [C3],
        "deleted": [C23],
        "removed": [C4],
        "restored": [],
    }
    assert got == expected
    assert d["edited"][0]["old_text"].startswith("Shame for people who discover that")
    assert d["edited"][0]["diff"][:6] == [
        ["=", "Shame for people who "],
        ["-", "discover"],
        ["+", "discover, too late,"],
        ["=", " that they were not "],
        ["-", "actually "],
        ["=", "'responders' after "],
    ]
    files = run_cli("diff", str(first), str(third), "--json")
    f = json.loads(files.stdout)
    assert {k: sorted(e["id"] for e in f[k]) for k in expected} == expected
    last = json.loads(run_cli("diff", str(archive), "--since", "2024-05-01T06:01:30Z", "--json").stdout)
    assert last["counts"] == {"added": 0, "edited": 0, "deleted": 1, "removed": 1, "restored": 0}
    step = json.loads(run_cli("diff", str(first), str(second), "--json").stdout)
    assert step["counts"] == {"added": 2, "edited": 1, "deleted": 0, "removed": 0, "restored": 0}
    view = run_cli("diff", str(first), str(third))
    out = " ".join(view.stdout.decode().split())
    assert view.returncode == 0 and "2 added, 1 edited, 1 deleted, 1 removed" in out
    assert "+ 5" in out and "~ 3" in out and "x 2.3" in out and "- 4" in out


# ------------------------------------------------------------------- merge: a pure function


def thread_of(html: str, when: str):
    t = thread_from_bytes(html.encode("utf-8"), "http://127.0.0.1/post.html", name="page")
    t.source.fetched_at = when
    return t


def test_merge_is_pure_and_a_no_change_merge_changes_nothing():
    old = stamp_new(thread_of(seed_html(), "2024-01-01T00:00:00Z"))
    new = thread_of(seed_html(), "2024-01-02T00:00:00Z")
    before_old, before_new = copy.deepcopy(old), copy.deepcopy(new)
    merged, changes = merge(old, new, "2024-01-02T00:00:00Z")
    assert old == before_old and new == before_new
    assert not changes and changes.counts() == dict.fromkeys(("added", "edited", "deleted", "removed", "restored"), 0)
    assert [c.number for c in walk(merged.comments)] == [c.number for c in walk(old.comments)]
    assert all(c.last_seen == "2024-01-02T00:00:00Z" for c in walk(merged.comments))


def test_numbers_never_collide_with_comments_gone_upstream():
    old = stamp_new(thread_of(seed_html(), "2024-01-01T00:00:00Z"))
    # 2.4 and 4 disappear; a new reply under 2 and a new top-level comment appear
    html = seed_html()
    html = html.replace(li(html, C24), "").replace(li(html, C4), "")
    html = html.replace(
        f'</div><div id="c{C2}-continue"', clone(seed_html(), C24, NEW_REPLY, "x") + f'</div><div id="c{C2}-continue"'
    )
    html = html.replace(
        '</ol><div id="top-continue"', clone(seed_html(), C3, NEW_TOP, "y") + '</ol><div id="top-continue"'
    )
    merged, changes = merge(old, thread_of(set_count(html, 8), "t2"), "2024-01-02T00:00:00Z")
    c = by_id(merged)
    assert c[NEW_REPLY].number == "2.5" and c[NEW_TOP].number == "5"
    assert c[C24].number == "2.4" and c[C4].number == "4" and c[C4].removed_upstream_at == "2024-01-02T00:00:00Z"
    assert changes.added == [NEW_REPLY, NEW_TOP] and sorted(changes.removed) == sorted([C24, C4])
    numbers = [x.number for x in walk(merged.comments)]
    assert len(numbers) == len(set(numbers))


def test_a_new_comment_takes_its_page_position_and_the_next_free_number():
    old = stamp_new(thread_of(seed_html(), "2024-01-01T00:00:00Z"))
    html = seed_html()
    early = clone(html, C3, NEW_TOP, "approved late, dated early")
    html = html.replace(li(html, C3), early + li(html, C3))  # on the page between 2 and 3
    merged, _ = merge(old, thread_of(set_count(html, 9), "t"), "2024-01-02T00:00:00Z")
    assert [(c.number, c.id) for c in merged.comments] == [("1", C1), ("2", C2), ("5", NEW_TOP), ("3", C3), ("4", C4)]


def test_a_comment_that_comes_back_is_restored_and_a_stub_keeps_the_author():
    old = stamp_new(thread_of(seed_html(), "2024-01-01T00:00:00Z"))
    html = seed_html()
    gone = html.replace(li(html, C4), "")
    mid, ch = merge(old, thread_of(set_count(gone, 7), "t"), "2024-01-02T00:00:00Z")
    assert ch.removed == [C4]
    back, ch2 = merge(mid, thread_of(html, "t"), "2024-01-03T00:00:00Z")
    assert ch2.restored == [C4] and by_id(back)[C4].removed_upstream_at is None
    stub = set_content(html, C22, f'<span class="deleted-comment">{STUB}</span>')
    james = '<a href="https://www.blogger.com/profile/07391825562348817302" rel="nofollow">James</a>'
    at = stub.index(f'<li class="comment" id="c{C22}">')
    stub = stub[:at] + stub[at:].replace(f'<cite class="user">{james}</cite>', "", 1)
    after, ch3 = merge(back, thread_of(stub, "t"), "2024-01-04T00:00:00Z")
    c = by_id(after)[C22]
    assert ch3.deleted == [C22] and c.deleted and c.history[0].text.startswith("Any secondary autoimmunity")
    assert c.author.name == "James"  # the stub shows no author: what we knew is kept


def test_an_archive_from_before_update_gets_its_first_snapshot():
    old = thread_of(seed_html(), "2024-01-01T00:00:00Z")
    assert old.snapshots == [] and all(c.first_seen is None for c in walk(old.comments))
    merged, _ = merge(old, thread_of(seed_html(), "t"), "2024-01-02T00:00:00Z")
    assert [s.fetched_at for s in merged.snapshots] == ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]
    assert merged.snapshots[1].changed is False
    assert {c.first_seen for c in walk(merged.comments)} == {"2024-01-01T00:00:00Z"}


# ------------------------------------------------------------------- update: 304 and the CLI


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "threadkeep", *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
    )


def stat(p: Path) -> tuple[int, int]:
    st = p.stat()
    return st.st_mtime_ns, st.st_ino


def test_update_sends_the_stored_etag_and_a_304_writes_nothing(server, tmp_path):
    server.route("/robots.txt", status=404)
    page = seed_html()

    def answer(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return Resp(304, b"", {"ETag": '"v1"'})
        return Resp(200, page, {"ETag": '"v1"', "Last-Modified": "Mon, 05 Sep 2016 06:00:00 GMT"})

    server.route(PATH, answer)
    out = tmp_path / "t.json"
    r = run_cli("fetch", server.url(PATH), "-o", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    first = json.loads(out.read_text("utf-8"))
    assert first["source"]["http"]["etag"] == '"v1"' and len(first["snapshots"]) == 1
    assert all(c["first_seen"] == first["source"]["fetched_at"] for c in walk_dicts(first["comments"]))
    files = {p: stat(p) for p in tmp_path.iterdir() if p.name != ".threadkeep.lock"}  # it notes its holder
    r = run_cli("update", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == f"{out}: unchanged (HTTP 304 Not Modified); nothing written\n"
    assert server.requests_to(PATH)[-1].headers["If-None-Match"] == '"v1"'
    assert server.requests_to(PATH)[-1].headers["If-Modified-Since"] == "Mon, 05 Sep 2016 06:00:00 GMT"
    assert {p: stat(p) for p in tmp_path.iterdir() if p in files} == files


def test_update_cli_merges_and_says_what_changed(server, tmp_path):
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    out = tmp_path / "t.json"
    assert run_cli("fetch", server.url(PATH), "-o", str(out), "--delay", "0").returncode == 0
    unchanged = run_cli("update", str(out), "--delay", "0")
    assert unchanged.stdout.decode() == f"{out}: unchanged; nothing written\n"
    server.route(PATH, step2(seed_html()))
    r = run_cli("update", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == f"{out}: 2 new comments, 1 edited (10 comments)\n"
    server.route(PATH, step3(step2(seed_html())))
    r = run_cli("update", str(out), "--delay", "0", "--json")
    d = json.loads(r.stdout)
    assert d["status"] == "changed" and d["changes"]["deleted"] == [C23] and d["changes"]["removed"] == [C4]
    t = load_archive(out)
    assert len(t.snapshots) == 3 and t.stats()["comments"] == 10
    from threadkeep.capture.warc import read_responses

    assert len([x for x in read_responses(tmp_path / "t.warc.gz") if x.url.endswith(PATH)]) == 3


def test_update_failures_are_one_line(server, tmp_path):
    r = run_cli("update", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1
    local = tmp_path / "local.json"
    assert run_cli("fetch", str(SEED_PAGE), "-o", str(local)).returncode == 0
    r = run_cli("update", str(local))
    assert r.returncode == 2 and "does not record its source URL" in r.stderr.decode()
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    out = tmp_path / "t.json"
    assert run_cli("fetch", server.url(PATH), "-o", str(out), "--delay", "0").returncode == 0
    before = stat(out)
    server.route(PATH, status=410)  # not retried (a 5xx would be, with backoff)
    r = run_cli("update", str(out), "--delay", "0")
    assert r.returncode == 1 and "HTTP 410" in r.stderr.decode() and r.stderr.decode().count("\n") == 1
    assert stat(out) == before


def test_update_api_against_the_server(server, tmp_path, clock):
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    path = tmp_path / "a.json"
    sync([WatchEntry(server.url(PATH))], tmp_path / "d", SyncOptions(fast()))
    (made,) = (tmp_path / "d").glob("*.json")
    path.write_bytes(made.read_bytes())
    clock.minute = 5
    server.route(PATH, step2(seed_html()))
    result = update_archive(path, fast(), keep_warc=False)
    assert result.status == "changed" and result.changes.added == [NEW_REPLY, NEW_TOP]
    assert not (tmp_path / "a.warc.gz").exists()
