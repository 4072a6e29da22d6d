"""`threadkeep discover BLOG_URL`: every post of a generated Blogger, WordPress and RSS blog on the
127.0.0.1 test server (tests/blogs.py, in the platforms' documented shapes), newest first; the
fallbacks (no REST API: wp-sitemap.xml, then the feed; Atom paging; a sitemap given directly);
--json, --since, --limit; politeness (robots.txt) and bad input."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys

import pytest

from blogs import BloggerBlog, RssBlog, WordPressBlog
from server import Resp

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*EXE, *args], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"}
    )


def newest_first(blog) -> list[str]:
    return [blog.url(p) for p in sorted(blog.posts, key=lambda p: p.published, reverse=True)]


def test_blogger_every_post_newest_first_from_the_paged_posts_feed(server):
    blog = BloggerBlog(server, posts=120)
    r = run("discover", server.url("/"), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == newest_first(blog)
    feed = [q for q in server.requests if q.path.startswith("/feeds/posts/default")]
    assert len(feed) == 5  # 25 a page: 25, 50, 75, 100, 120
    assert {p.path for p in blog.posts}.isdisjoint(q.path for q in server.requests)  # no post page asked for


def test_blogger_json_since_and_limit(server):
    blog = BloggerBlog(server, posts=120)
    r = run("discover", server.url("/"), "--delay", "0", "--json", "--limit", "3")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    newest = sorted(blog.posts, key=lambda p: p.published, reverse=True)[:3]
    assert lines == [
        {"url": blog.url(p), "title": p.title, "published": p.published.strftime("%Y-%m-%dT%H:%M:%SZ"), "comments": 8}
        for p in newest
    ]
    since = blog.posts[100].published.strftime("%Y-%m-%d")
    r = run("discover", server.url("/"), "--delay", "0", "--since", since)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == newest_first(blog)[:20]  # posts 100..119
    assert all(
        "published-min=" in q.path
        for q in server.requests
        if q.path.startswith("/feeds/posts/default?") and since in q.path
    )


def test_wordpress_from_the_rest_api_with_its_paging_headers(server):
    blog = WordPressBlog(server, posts=40)
    r = run("discover", server.url("/"), "--delay", "0", "--json")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["url"] for x in lines] == newest_first(blog)
    assert lines[0]["title"] == "WordPress post 39 & crumbs" and "comments" not in lines[0]  # REST posts give no count
    assert [q.path.split("?")[0] for q in server.requests if "wp-json" in q.path] == ["/wp-json/wp/v2/posts"]


def test_wordpress_without_rest_reads_wp_sitemap_posts_only(server):
    blog = WordPressBlog(server, posts=40, rest=False)
    r = run("discover", server.url("/"), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == newest_first(blog)  # by lastmod; no /about/, category or author page
    asked = {q.path for q in server.requests}
    assert "/wp-sitemap-posts-post-1.xml" in asked and "/wp-sitemap-users-1.xml" not in asked


def test_wordpress_without_rest_or_sitemaps_pages_the_feed(server):
    blog = WordPressBlog(server, posts=40, rest=False)
    server.route("/wp-sitemap.xml", status=404)
    server.route("/sitemap.xml", status=404)
    r = run("discover", server.url("/"), "--delay", "0", "--json")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["url"] for x in lines] == newest_first(blog)
    assert {x["comments"] for x in lines} == {3}  # slash:comments


def test_rss_blog_from_the_feed_link_with_counts(server):
    blog = RssBlog(server, posts=20)
    r = run("discover", server.url("/"), "--delay", "0", "--json")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["url"] for x in lines] == newest_first(blog)
    assert lines[-1] == {
        "url": blog.url(blog.posts[0]),
        "title": "Field notes 0",
        "published": "2022-03-01T12:00:00Z",
        "comments": 2,
    }


def test_atom_paging_and_a_gzipped_sitemap_given_directly(server):
    server.route("/robots.txt", status=404)
    base = server.base_url

    def atom(n: int) -> str:
        entries = "".join(
            f'<entry><title>P{i}</title><id>urn:p{i}</id><link rel="alternate" href="{base}/p/{i}"/>'
            f"<published>2024-01-{30 - i:02d}T00:00:00Z</published><thr:total>{i}</thr:total></entry>"
            for i in range(3 * n, 3 * n + 3)
        )
        nxt = f'<link rel="next" href="{base}/atom?page={n + 1}"/>' if n < 2 else ""
        return (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">'
            f"<title>A</title>{nxt}{entries}</feed>"
        )

    server.route(
        "/atom", lambda req: Resp(200, atom(int(req.query.get("page", "0"))), {"Content-Type": "application/atom+xml"})
    )
    server.route(
        "/",
        f'<html><head><link rel="alternate" type="application/atom+xml" href="{base}/atom"></head><body></body></html>',
    )
    r = run("discover", server.url("/"), "--delay", "0", "--json")
    assert r.returncode == 0, r.stderr
    assert [(json.loads(x)["url"], json.loads(x)["comments"]) for x in r.stdout.splitlines()] == [
        (f"{base}/p/{i}", i) for i in range(9)
    ]
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/a</loc><lastmod>2024-01-01</lastmod></url><url><loc>{base}/b</loc><lastmod>2024-02-01</lastmod></url></urlset>"
    )
    server.route("/sitemap.xml.gz", Resp(200, gzip.compress(urlset.encode()), {"Content-Type": "application/x-gzip"}))
    r = run("discover", server.url("/sitemap.xml.gz"), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"{base}/b", f"{base}/a"]


def test_robots_txt_is_honoured_and_bad_input_is_one_line(server):
    BloggerBlog(server, posts=30)
    server.route("/robots.txt", "User-agent: *\nDisallow: /feeds/\n", headers={"Content-Type": "text/plain"})
    r = run("discover", server.url("/"), "--delay", "0")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "blocked by robots.txt" in r.stderr
    assert not [q for q in server.requests if q.path.startswith("/feeds/")]
    r = run("discover", server.url("/"), "--since", "last tuesday-ish")
    assert r.returncode == 2 and r.stderr.startswith("threadkeep: error: --since: not a date")
    r = run("discover", "ftp://example.invalid/")
    assert r.returncode == 2 and "not an http(s) URL" in r.stderr and r.stderr.count("\n") == 1
    server.route("/empty", "<html><head><title>x</title></head><body><p>nothing</p></body></html>")
    r = run("discover", server.url("/empty"), "--delay", "0")
    assert r.returncode == 1 and "no posts found" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.parametrize("delay", ["0.05"])
def test_the_delay_spaces_every_request_of_a_discovery(server, delay):
    BloggerBlog(server, posts=60)
    r = run("discover", server.url("/"), "--delay", delay)
    assert r.returncode == 0, r.stderr
    times = [q.time for q in server.requests]
    assert len(times) == 5  # robots.txt, the front page, three feed pages
    assert min(b - a for a, b in itertools.pairwise(times)) >= float(delay) * 0.9
