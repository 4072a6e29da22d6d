"""`threadkeep sync` of whole blogs (issue 16's "done when"): a Blogger blog of 120 posts, a
WordPress blog of 40 and an RSS blog of 20 on three 127.0.0.x hosts (tests/blogs.py). The first run
archives all 180 threads; a second with nothing changed asks each host at most 10 times and
rewrites no archive; after one new comment on a Blogger and a WordPress post the next run fetches
those two post pages and no other; `--full-every 0` re-checks every thread with conditional GETs.
Then the watch list's forms (`blog URL`, `[[blog]]` with name and since, `--blog`), the comment
RSS when WordPress's REST API is off, a blog that cannot be read, and DIR/index.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blogs import BloggerBlog, RssBlog, WordPressBlog
from threadkeep.paths import archive_stem, blog_folder
from threadkeep.store import load_archive
from threadkeep.sync import STATE_NAME

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=timeout, env=env)


def files_state(directory: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in directory.rglob("*"):
        if p.name.endswith((".json", ".warc.gz")) and not p.name.startswith(".") and p.name != "index.json":
            st = p.stat()
            out[str(p.relative_to(directory))] = (st.st_mtime_ns, st.st_ino)
    return out


def archive_of(directory: Path, blog, post) -> Path:
    return directory / blog_folder(blog.base + "/") / f"{archive_stem(blog.url(post))}.json"


@pytest.fixture
def three_blogs(make_server, tmp_path):
    a, b, c = make_server("127.0.0.1"), make_server("127.0.0.2"), make_server("127.0.0.3")
    blogs = BloggerBlog(a, posts=120), WordPressBlog(b, posts=40), RssBlog(c, posts=20)
    watch = tmp_path / "watch.txt"
    watch.write_text("".join(f"blog {s.url('/')}   # a whole blog\n" for s in (a, b, c)), "utf-8")
    return blogs, (a, b, c), watch, tmp_path / "archive"


def requests_since(servers, marks) -> list[list]:
    return [srv.requests[n:] for srv, n in zip(servers, marks, strict=True)]


def test_three_blogs_first_run_then_proportional_runs(three_blogs):
    blogs, servers, watch, out = three_blogs
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines == [
        f"{servers[0].netloc}: 120 posts, 120 new archives, 0 threads changed, 0 new comments",
        f"{servers[1].netloc}: 40 posts, 40 new archives, 0 threads changed, 0 new comments",
        f"{servers[2].netloc}: 20 posts, 20 new archives, 0 threads changed, 0 new comments",
    ]
    expected = {0: 8, 1: 3, 2: 2}  # the comments each generated post has
    for k, blog in enumerate(blogs):
        for post in blog.posts:
            t = load_archive(archive_of(out, blog, post))  # loads and validates against the schema
            assert t.source.url == blog.url(post) and t.article.title == html_title(post.title)
            assert t.stats()["comments"] == expected[k]
    index = json.loads((out / "index.json").read_text("utf-8"))["threads"]
    assert len(index) == 180 and {e["url"] for e in index} == {b.url(p) for b in blogs for p in b.posts}
    first = next(e for e in index if e["url"] == blogs[2].url(blogs[2].posts[0]))
    assert (first["title"], first["comments"], first["blog"]) == ("Field notes 0", 2, blog_folder(blogs[2].base))
    assert first["first_seen"] == first["last_seen"]

    # nothing changed: at most 10 requests a host, no archive rewritten
    before, marks = files_state(out), [len(s.requests) for s in servers]
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"{servers[0].netloc}: 120 posts, 0 threads changed, 0 new comments"
    asked = requests_since(servers, marks)
    assert [len(x) for x in asked] <= [10, 10, 10] and max(len(x) for x in asked) <= 10
    for blog, reqs in zip(blogs, asked, strict=True):
        assert blog.post_paths().isdisjoint(q.path for q in reqs)  # no post page at all
    assert files_state(out) == before

    # one new comment on a Blogger post and on a WordPress post: those two pages, no other
    bid = blogs[0].add_comment(57, "A late comment on post 57, after the first runs.")
    wid = blogs[1].add_comment(12, "Marta's late comment on post 12.")
    marks = [len(s.requests) for s in servers]
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == [
        f"{servers[0].netloc}: 120 posts, 1 thread changed, 1 new comment",
        f"{servers[1].netloc}: 40 posts, 1 thread changed, 1 new comment",
    ]
    asked = requests_since(servers, marks)
    pages = [
        sorted(q.path for q in reqs if q.path in blog.post_paths()) for blog, reqs in zip(blogs, asked, strict=True)
    ]
    assert pages == [[blogs[0].posts[57].path], [blogs[1].posts[12].path], []]
    assert max(len(x) for x in asked) <= 10
    b57 = load_archive(archive_of(out, blogs[0], blogs[0].posts[57]))
    assert {c.id: c.text for c in b57.all_comments()}[bid] == "A late comment on post 57, after the first runs."
    w12 = load_archive(archive_of(out, blogs[1], blogs[1].posts[12]))
    assert {c.id: c.text for c in w12.all_comments()}[wid] == "Marta's late comment on post 12."
    changed = {k for k, v in files_state(out).items() if before.get(k) != v}
    assert {Path(k).name for k in changed} == {
        f"{archive_stem(blogs[0].url(blogs[0].posts[57]))}.json",
        f"{archive_stem(blogs[0].url(blogs[0].posts[57]))}.warc.gz",
        f"{archive_stem(blogs[1].url(blogs[1].posts[12]))}.json",
        f"{archive_stem(blogs[1].url(blogs[1].posts[12]))}.warc.gz",
    }

    # --full-every 0: every thread re-checked, with its ETag, answered 304
    before, marks = files_state(out), [len(s.requests) for s in servers]
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0", "--full-every", "0", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [b["full"] for b in report["blogs"]] == [True, True, True]
    assert [b["totals"]["checked"] for b in report["blogs"]] == [120, 40, 20]
    for blog, reqs in zip(blogs, requests_since(servers, marks), strict=True):
        got = [q for q in reqs if q.path in blog.post_paths()]
        assert sorted(q.path for q in got) == sorted(blog.post_paths())
        assert all(q.headers.get("If-None-Match") for q in got)
    assert all(res["not_modified"] for b in report["blogs"] for res in b["results"])
    assert files_state(out) == before


def html_title(title: str) -> str:
    return title.replace("&amp;", "&")


def test_wordpress_without_rest_api_uses_the_comment_rss(make_server, tmp_path):
    srv = make_server("127.0.0.1")
    blog = WordPressBlog(srv, posts=12, rest=False)
    out = tmp_path / "d"
    r = run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)["blogs"][0]
    assert report["listed_from"] == "wp-sitemap.xml" and report["totals"]["new"] == 12
    cid = blog.add_comment(4, "Found through the comment feed.")
    mark = len(srv.requests)
    r = run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{srv.netloc}: 12 posts, 1 thread changed, 1 new comment\n"
    asked = [q.path for q in srv.requests[mark:]]
    assert "/comments/feed/" in asked
    assert [p for p in asked if p in blog.post_paths()] == [blog.posts[4].path]
    t = load_archive(archive_of(out, blog, blog.posts[4]))
    assert cid in {c.id for c in t.all_comments()}


def test_comment_rss_that_may_have_missed_some_checks_every_thread(make_server, tmp_path):
    srv = make_server("127.0.0.1")
    blog = WordPressBlog(srv, posts=12, rest=False)
    out = tmp_path / "d"
    assert run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0").returncode == 0
    for i in range(11):  # more new comments than the feed's ten: the oldest is newer than the last run
        blog.add_comment(i, f"comment {i}")
    mark = len(srv.requests)
    r = run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{srv.netloc}: 12 posts, 11 threads changed, 11 new comments\n"
    assert {q.path for q in srv.requests[mark:]} >= blog.post_paths()


def test_toml_blog_with_name_and_since_and_a_blog_that_fails(make_server, tmp_path):
    a, b = make_server("127.0.0.1"), make_server("127.0.0.2")
    blog = RssBlog(a, posts=20)
    b.route("/robots.txt", status=404)
    b.route("/", status=404)
    since = blog.posts[15].published.date().isoformat()
    watch = tmp_path / "watch.toml"
    watch.write_text(
        f'[[blog]]\nurl = "{a.url("/")}"\nname = "field notes"\nsince = {since}\n\n[[blog]]\nurl = "{b.url("/")}"\n',
        "utf-8",
    )
    out = tmp_path / "d"
    r = run("sync", str(watch), "--dir", str(out), "--delay", "0")
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == "field notes: 5 posts, 5 new archives, 0 threads changed, 0 new comments"
    assert "HTTP 404" in r.stderr and r.stderr.count("\n") == 1
    made = sorted(p.name for p in (out / "field_notes").glob("*.json"))
    assert made == sorted(f"{archive_stem(blog.url(p))}.json" for p in blog.posts[15:])
    state = json.loads((out / STATE_NAME).read_text("utf-8"))
    assert set(state["blogs"]) == {a.url("/")}  # the failed blog learned nothing to keep
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[[blog]]\nurl = "{a.url("/")}"\nsince = "soon"\n', "utf-8")
    r = run("sync", str(bad), "--dir", str(out))
    assert r.returncode == 2 and "since must be a date" in r.stderr
    r = run("sync", "--dir", str(out))
    assert r.returncode == 2 and "sync needs a WATCHLIST, or --blog URL" in r.stderr


def test_a_run_killed_before_it_saved_its_state_is_completed_by_the_next(make_server, tmp_path):
    """Archives written but no state: the next run knows no post, lists the blog in full, checks
    every thread (304 for those archived) and archives the rest."""
    srv = make_server("127.0.0.1")
    blog = BloggerBlog(srv, posts=30)
    out = tmp_path / "d"
    assert run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0").returncode == 0
    (out / STATE_NAME).unlink()
    (out / "index.json").unlink()
    for post in blog.posts[:10]:
        archive_of(out, blog, post).unlink()
    r = run("sync", "--blog", srv.url("/"), "--dir", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{srv.netloc}: 30 posts, 10 new archives, 0 threads changed, 0 new comments\n"
    assert len(json.loads((out / "index.json").read_text("utf-8"))["threads"]) == 30
