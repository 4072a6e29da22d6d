# ruff: noqa: E501  (markup and JSON in the platforms' shapes, one element a line)
"""Generated blogs served by the 127.0.0.1 test server, in the shapes the platforms document.

    blog = BloggerBlog(server, posts=120)      # the seed page as every post's template, its own post id each
    blog = WordPressBlog(server, posts=40)     # REST posts and comments, wp-sitemap.xml, /feed/, /comments/feed/
    blog = RssBlog(server, posts=20)           # a front page, an RSS 2.0 feed with slash:comments, schema.org pages
    blog.add_comment(i, "text")                # a new comment on post i, everywhere the platform shows it
    blog.post_paths()                          # the post pages' paths, for counting the requests to them

Blogger (developers.google.com/blogger/docs/2.0/reference and the feeds' JSON mapping):
`/feeds/posts/default?alt=json` (newest first, `start-index`/`max-results`, at most 25 entries a
page here, `published-min`, `openSearch$totalResults`, `thr$total`), `/feeds/POSTID/comments/default`
and the blog-wide `/feeds/comments/default` (`orderby=updated` with `updated-min`: ignored without
it, as the reference guide says). WordPress (developer.wordpress.org/rest-api): `/wp-json/wp/v2/posts`
and `/comments` with `per_page` (at most 100), `page` (past the last: 400
`rest_post_invalid_page_number`), `after`, `X-WP-Total`/`X-WP-TotalPages`, `_fields`; core's
`wp-sitemap.xml` index (posts, pages, categories, users); RSS 2.0 `/feed/` with `slash:comments` and
the blog-wide `/comments/feed/` (the 10 newest comments). Every page has an ETag and answers 304 to
If-None-Match.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

from corpus import REPO
from server import Resp
from test_update import C2, C3, content_of, seed_html, set_count

SEED_BASE = "https://multiple-sclerosis-research.blogspot.com"
SEED_PATH = "/2016/09/researchspeak-interferon-vs-alemtuzumab.html"
SEED_POST_ID = "5381529086432390017"
SEED_TITLE = "ResearchSpeak: Interferon vs. Alemtuzumab"
BLOG_ID = "2146735397540547215"
WP_TEMPLATE = REPO / "tests" / "pages" / "wordpress-html5.html"
START = datetime(2016, 1, 4, 9, 0, tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_when(value: str) -> datetime:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def query_of(req) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(req.path).query, keep_blank_values=True).items()}


def page_resp(req, body: str, ctype: str = "text/html; charset=utf-8") -> Resp:
    """200 with an ETag, or 304 when the client already has it."""
    etag = '"' + hashlib.sha1(body.encode("utf-8")).hexdigest()[:16] + '"'
    if req.headers.get("If-None-Match") == etag:
        return Resp(304, b"", {"ETag": etag})
    return Resp(200, body, {"Content-Type": ctype, "ETag": etag})


def json_resp(data, headers: dict[str, str] | None = None, status: int = 200) -> Resp:
    return Resp(status, json.dumps(data), {"Content-Type": "application/json; charset=UTF-8", **(headers or {})})


@dataclass
class Comment:
    id: str
    author: str
    text: str
    published: datetime
    parent: str | None = None


@dataclass
class Post:
    index: int
    id: str
    path: str
    title: str
    published: datetime
    comments: list[Comment] = field(default_factory=list)


# ------------------------------------------------------------------------------------- Blogger


def _seed_comments() -> list[Comment]:
    """The seed page's eight comments, read from its markup: id, author, text, time, parent."""
    html = seed_html()
    out = []
    for m in re.finditer(r'<li class="comment" id="c(\d+)">', html):
        cid = m.group(1)
        head = html[m.end() : m.end() + 3000]
        author = re.sub(r"<[^>]+>", "", re.search(r'<cite class="user">(.*?)</cite>', head).group(1))
        ms = int(re.search(r"showComment=(\d+)", head).group(1))
        text = re.sub(r"<[^>]+>", " ", content_of(html, cid))
        out.append(Comment(cid, author, html_lib.unescape(text), datetime.fromtimestamp(ms / 1000, UTC)))
    replies_of_2 = [c.id for c in out[2:6]]  # 2.1-2.4, nested in comment 2 on the page
    for c in out:
        if c.id in replies_of_2:
            c.parent = C2
    return out


class BloggerBlog:
    PAGE = 25  # entries per page of the posts feed

    def __init__(self, server, posts: int = 120) -> None:
        self.server = server
        self.base = server.base_url
        self.seed = seed_html()
        seed_comments = _seed_comments()
        self.posts: list[Post] = []
        for i in range(posts):
            when = START + timedelta(days=i)
            pid = str(int(SEED_POST_ID) + 1000 * (i + 1))
            post = Post(i, pid, f"/{when:%Y/%m}/post-{i:03d}.html", f"Blogger post {i}: a discussion", when)
            for c in seed_comments:
                post.comments.append(
                    Comment(str(int(c.id) + i + 1), c.author, c.text, c.published + timedelta(days=i), None)
                )
            ids = {c.id: n.id for c, n in zip(seed_comments, post.comments, strict=True)}
            for c, n in zip(seed_comments, post.comments, strict=True):
                n.parent = ids.get(c.parent) if c.parent else None
            self.posts.append(post)
        self.extra: dict[int, list[Comment]] = {}
        self.next_id = 9000000000000000000
        s = server
        s.route("/robots.txt", status=404)
        s.route("/", lambda req: page_resp(req, self.front()))
        for p in self.posts:
            s.route(p.path, lambda req, p=p: page_resp(req, self.page(p)))
        s.route("/feeds/posts/default", self.posts_feed)
        s.route("/feeds/comments/default", self.comments_feed)
        s.route(re.compile(r"^/feeds/\d+/comments/default"), self.post_comments_feed)

    def url(self, post: Post) -> str:
        return self.base + post.path

    def post_paths(self) -> set[str]:
        return {p.path for p in self.posts}

    def add_comment(self, index: int, text: str, when: datetime | None = None) -> str:
        self.next_id += 1
        post = self.posts[index]
        c = Comment(str(self.next_id), "Anonymous", text, when or datetime.now(UTC))
        post.comments.append(c)
        self.extra.setdefault(index, []).append(c)
        return c.id

    def page(self, post: Post) -> str:
        html = self.seed
        seed_comments = _seed_comments()
        first = len(seed_comments)
        for c, n in zip(seed_comments, post.comments[:first], strict=True):
            html = html.replace(c.id, n.id)
        html = html.replace(SEED_BASE + SEED_PATH, self.url(post)).replace(SEED_BASE, self.base)
        html = html.replace(SEED_POST_ID, post.id).replace(SEED_TITLE, html_lib.escape(post.title))
        if len(post.comments) > first:
            template = re.search(
                rf'<li class="comment" id="c{int(C3) + post.index + 1}">.*?</li>\n', html, flags=re.S
            ).group(0)
            added = ""
            for c in post.comments[first:]:
                item = template.replace(str(int(C3) + post.index + 1), c.id)
                item = re.sub(r"showComment=\d+", f"showComment={int(c.published.timestamp() * 1000)}", item)
                item = re.sub(
                    r'(<p class="comment-content">).*?(</p>)',
                    lambda m, c=c: m.group(1) + html_lib.escape(c.text) + m.group(2),
                    item,
                    count=1,
                    flags=re.S,
                )
                added += item
            html = html.replace('</ol><div id="top-continue"', added + '</ol><div id="top-continue"', 1)
            html = set_count(html, len(post.comments))
        return html

    def front(self) -> str:
        return self.page(self.posts[-1]).replace(
            f"<link href='{self.url(self.posts[-1])}' rel='canonical'/>", f"<link href='{self.base}/' rel='canonical'/>"
        )

    # -- feeds
    def _entry_post(self, p: Post) -> dict:
        url = self.url(p)
        return {
            "id": {"$t": f"tag:blogger.com,1999:blog-{BLOG_ID}.post-{p.id}"},
            "published": {"$t": iso(p.published)},
            "updated": {"$t": iso(max([p.published] + [c.published for c in p.comments[8:]]))},
            "title": {"type": "text", "$t": p.title},
            "content": {"type": "html", "$t": "<p>A post.</p>"},
            "link": [
                {
                    "rel": "replies",
                    "type": "application/atom+xml",
                    "href": f"{self.base}/feeds/{p.id}/comments/default",
                },
                {
                    "rel": "replies",
                    "type": "text/html",
                    "href": url + "#comment-form",
                    "title": f"{len(p.comments)} Comments",
                },
                {
                    "rel": "self",
                    "type": "application/atom+xml",
                    "href": f"https://www.blogger.com/feeds/{BLOG_ID}/posts/default/{p.id}",
                },
                {"rel": "alternate", "type": "text/html", "href": url, "title": p.title},
            ],
            "author": [{"name": {"$t": "Prof G"}, "uri": {"$t": "https://www.blogger.com/profile/1"}}],
            "thr$total": {"$t": str(len(p.comments))},
        }

    def _feed(self, entries: list[dict], total: int, start: int, per: int, title: str) -> dict:
        return {
            "version": "1.0",
            "encoding": "UTF-8",
            "feed": {
                "xmlns": "http://www.w3.org/2005/Atom",
                "xmlns$openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
                "xmlns$thr": "http://purl.org/syndication/thread/1.0",
                "id": {"$t": f"tag:blogger.com,1999:blog-{BLOG_ID}"},
                "title": {"type": "text", "$t": title},
                "generator": {"version": "7.00", "uri": "http://www.blogger.com", "$t": "Blogger"},
                "openSearch$totalResults": {"$t": str(total)},
                "openSearch$startIndex": {"$t": str(start)},
                "openSearch$itemsPerPage": {"$t": str(per)},
                **({"entry": entries} if entries else {}),
            },
        }

    @staticmethod
    def _paging(q: dict[str, str], cap: int) -> tuple[int, int]:
        start = max(1, int(q.get("start-index", "1") or 1))
        per = min(cap, max(1, int(q.get("max-results", str(cap)) or cap)))
        return start, per

    def posts_feed(self, req) -> Resp:
        q = query_of(req)
        if q.get("alt") != "json":
            return Resp(400, "this test blog serves alt=json", {"Content-Type": "text/plain"})
        posts = sorted(self.posts, key=lambda p: p.published, reverse=True)
        if q.get("published-min"):
            since = parse_when(q["published-min"])
            posts = [p for p in posts if p.published >= since]
        start, per = self._paging(q, self.PAGE)
        chosen = posts[start - 1 : start - 1 + per]
        return json_resp(self._feed([self._entry_post(p) for p in chosen], len(posts), start, per, "Test blog"))

    def _entry_comment(self, post: Post, c: Comment) -> dict:
        url = self.url(post)
        ms = int(c.published.timestamp() * 1000)
        links = [
            {"rel": "alternate", "type": "text/html", "href": f"{url}?showComment={ms}#c{c.id}"},
            {
                "rel": "self",
                "type": "application/atom+xml",
                "href": f"{self.base}/feeds/{post.id}/comments/default/{c.id}",
            },
        ]
        if c.parent:
            links.append(
                {
                    "rel": "related",
                    "type": "application/atom+xml",
                    "href": f"{self.base}/feeds/{post.id}/comments/default/{c.parent}",
                }
            )
        return {
            "id": {"$t": f"tag:blogger.com,1999:blog-{BLOG_ID}.post-{c.id}"},
            "published": {"$t": iso(c.published)},
            "updated": {"$t": iso(c.published)},
            "title": {"type": "text", "$t": c.text[:40]},
            "content": {"type": "html", "$t": html_lib.escape(c.text)},
            "link": links,
            "author": [{"name": {"$t": c.author}}],
            "thr$in-reply-to": {
                "xmlns$thr": "http://purl.org/syndication/thread/1.0",
                "href": url,
                "ref": f"tag:blogger.com,1999:blog-{BLOG_ID}.post-{post.id}",
                "source": f"https://www.blogger.com/feeds/{BLOG_ID}/posts/default/{post.id}",
                "type": "text/html",
            },
        }

    def _comments(self, q: dict[str, str], pairs: list[tuple[Post, Comment]]) -> Resp:
        if q.get("alt") != "json":
            return Resp(400, "this test blog serves alt=json", {"Content-Type": "text/plain"})
        if q.get("orderby") == "updated" and q.get("updated-min"):
            since = parse_when(q["updated-min"])
            pairs = [(p, c) for p, c in pairs if c.published >= since]
        pairs = sorted(pairs, key=lambda pc: pc[1].published, reverse=True)
        start, per = self._paging(q, 500)
        chosen = pairs[start - 1 : start - 1 + per]
        entries = [self._entry_comment(p, c) for p, c in chosen]
        return json_resp(self._feed(entries, len(pairs), start, per, "Comments"))

    def comments_feed(self, req) -> Resp:
        return self._comments(query_of(req), [(p, c) for p in self.posts for c in p.comments])

    def post_comments_feed(self, req) -> Resp:
        pid = urlsplit(req.path).path.split("/")[2]
        post = next((p for p in self.posts if p.id == pid), None)
        if post is None:
            return Resp(404, "no such post", {"Content-Type": "text/plain"})
        return self._comments(query_of(req), [(post, c) for c in post.comments])


# ----------------------------------------------------------------------------------- WordPress

WP_SEED_URL = "https://crumbnotes.example/2023/11/sourdough-at-altitude/"


class WordPressBlog:
    def __init__(self, server, posts: int = 40, *, rest: bool = True) -> None:
        self.server = server
        self.base = server.base_url
        self.rest = rest
        self.template = WP_TEMPLATE.read_text("utf-8")
        self.posts: list[Post] = []
        for i in range(posts):
            when = datetime(2023, 1, 2, 8, 0, tzinfo=UTC) + timedelta(days=3 * i)
            pid = str(500 + i)
            post = Post(i, pid, f"/{when:%Y/%m}/wp-post-{i:02d}/", f"WordPress post {i} &amp; crumbs", when)
            first = int(pid) * 100
            post.comments = [
                Comment(str(first + 1), "Pavel", "Does the same hold for rye?", when + timedelta(hours=1)),
                Comment(str(first + 2), "Ines", "Rye needs even less time.", when + timedelta(hours=2), str(first + 1)),
                Comment(str(first + 3), "Tomasz", "Baked this in Zakopane.", when + timedelta(hours=30)),
            ]
            self.posts.append(post)
        self.next_id = 900000
        s = server
        s.route("/robots.txt", status=404)
        s.route("/", lambda req: page_resp(req, self.front()))
        for p in self.posts:
            s.route(p.path, lambda req, p=p: page_resp(req, self.page(p)))
        s.route("/wp-json/wp/v2/posts", self.rest_posts)
        s.route("/wp-json/wp/v2/comments", self.rest_comments)
        s.route("/wp-sitemap.xml", lambda req: page_resp(req, self.sitemap_index(), "application/xml"))
        s.route("/wp-sitemap-posts-post-1.xml", lambda req: page_resp(req, self.sitemap_posts(), "application/xml"))
        s.route("/wp-sitemap-posts-page-1.xml", lambda req: page_resp(req, self.sitemap_pages(), "application/xml"))
        s.route(
            "/wp-sitemap-taxonomies-category-1.xml",
            lambda req: page_resp(req, self.sitemap_other("category/news/"), "application/xml"),
        )
        s.route(
            "/wp-sitemap-users-1.xml", lambda req: page_resp(req, self.sitemap_other("author/ines/"), "application/xml")
        )
        s.route("/feed/", self.feed_page)
        s.route(
            "/comments/feed/", lambda req: page_resp(req, self.comment_feed(), "application/rss+xml; charset=UTF-8")
        )

    def url(self, post: Post) -> str:
        return self.base + post.path

    def post_paths(self) -> set[str]:
        return {p.path for p in self.posts}

    def add_comment(self, index: int, text: str, when: datetime | None = None) -> str:
        self.next_id += 1
        c = Comment(str(self.next_id), "Marta", text, when or datetime.now(UTC))
        self.posts[index].comments.append(c)
        return c.id

    def page(self, post: Post) -> str:
        html = self.template.replace(WP_SEED_URL, self.url(post)).replace("https://crumbnotes.example", self.base)
        html = html.replace("412", post.id).replace("Sourdough at altitude", post.title)
        first = int(post.id) * 100
        for k in (1, 2, 3):
            html = html.replace(f"comment-{20 + k}", f"comment-{first + k}").replace(
                f"replytocom={20 + k}", f"replytocom={first + k}"
            )
        extra = ""
        for c in post.comments[3:]:
            extra += (
                f'<li id="comment-{c.id}" class="comment even depth-1">\n<article id="div-comment-{c.id}" class="comment-body">\n'
                f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{c.author}</b> <span class="says">says:</span></div>\n'
                f'<div class="comment-metadata"><a href="{self.url(post)}#comment-{c.id}"><time datetime="{c.published.isoformat()}">'
                f"{c.published:%B %d, %Y}</time></a></div></footer>\n"
                f'<div class="comment-content"><p>{html_lib.escape(c.text)}</p></div>\n</article>\n</li>\n'
            )
        html = html.replace("</ol>\n</div>\n</body>", extra + "</ol>\n</div>\n</body>")
        return html.replace("3 thoughts on", f"{len(post.comments)} thoughts on")

    def front(self) -> str:
        items = "".join(f'<li><a href="{self.url(p)}">{p.title}</a></li>' for p in reversed(self.posts[-10:]))
        return (
            '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">'
            '<meta name="generator" content="WordPress 6.4.2"><title>Crumb Notes</title>'
            f'<link rel="alternate" type="application/rss+xml" title="Crumb Notes &raquo; Feed" href="{self.base}/feed/">'
            f'<link rel="alternate" type="application/rss+xml" title="Crumb Notes &raquo; Comments Feed" href="{self.base}/comments/feed/">'
            f'<link rel="https://api.w.org/" href="{self.base}/wp-json/">'
            f'</head><body class="home blog"><ul>{items}</ul></body></html>'
        )

    # -- REST
    def _off(self) -> Resp:
        return json_resp(
            {"code": "rest_no_route", "message": "No route was found", "data": {"status": 404}}, status=404
        )

    def _listing(self, q: dict[str, str], items: list[dict], total_key: str) -> Resp:
        per = int(q.get("per_page", "10"))
        if not 1 <= per <= 100:
            return json_resp({"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page"}, status=400)
        page = int(q.get("page", "1"))
        total = len(items)
        pages = max(1, -(-total // per))
        if page > pages:
            return json_resp(
                {
                    "code": total_key,
                    "message": "The page number requested is larger than the number of pages available.",
                },
                status=400,
            )
        chosen = items[(page - 1) * per : page * per]
        if q.get("_fields"):
            keep = set(q["_fields"].split(","))
            chosen = [{k: v for k, v in item.items() if k in keep} for item in chosen]
        return json_resp(chosen, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})

    def rest_posts(self, req) -> Resp:
        if not self.rest:
            return self._off()
        q = query_of(req)
        posts = sorted(self.posts, key=lambda p: p.published, reverse=q.get("order", "desc") == "desc")
        if q.get("after"):
            posts = [p for p in posts if p.published > parse_when(q["after"])]
        items = [
            {
                "id": int(p.id),
                "date": p.published.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_gmt": p.published.strftime("%Y-%m-%dT%H:%M:%S"),
                "modified_gmt": p.published.strftime("%Y-%m-%dT%H:%M:%S"),
                "slug": p.path.strip("/").rsplit("/", 1)[-1],
                "status": "publish",
                "type": "post",
                "link": self.url(p),
                "title": {"rendered": p.title},
                "comment_status": "open",
            }
            for p in posts
        ]
        return self._listing(q, items, "rest_post_invalid_page_number")

    def rest_comments(self, req) -> Resp:
        if not self.rest:
            return self._off()
        q = query_of(req)
        pairs = [(p, c) for p in self.posts for c in p.comments]
        if q.get("post"):
            pairs = [(p, c) for p, c in pairs if p.id == q["post"]]
        if q.get("after"):
            pairs = [(p, c) for p, c in pairs if c.published > parse_when(q["after"])]
        pairs.sort(key=lambda pc: pc[1].published, reverse=q.get("order", "desc") == "desc")
        items = [
            {
                "id": int(c.id),
                "post": int(p.id),
                "parent": int(c.parent or 0),
                "author_name": c.author,
                "author_url": "",
                "date": c.published.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_gmt": c.published.strftime("%Y-%m-%dT%H:%M:%S"),
                "content": {"rendered": f"<p>{html_lib.escape(c.text)}</p>\n"},
                "link": f"{self.url(p)}#comment-{c.id}",
                "status": "approved",
                "type": "comment",
            }
            for p, c in pairs
        ]
        return self._listing(q, items, "rest_comment_invalid_page_number")

    # -- sitemaps and feeds
    def sitemap_index(self) -> str:
        subs = ["posts-post-1", "posts-page-1", "taxonomies-category-1", "users-1"]
        body = "".join(f"<sitemap><loc>{self.base}/wp-sitemap-{s}.xml</loc></sitemap>" for s in subs)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{self.base}/wp-sitemap-index.xsl" ?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>\n'
        )

    def _urlset(self, urls: list[tuple[str, datetime | None]]) -> str:
        body = "".join(
            f"<url><loc>{u}</loc>{f'<lastmod>{w.isoformat()}</lastmod>' if w else ''}</url>" for u, w in urls
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
        )

    def sitemap_posts(self) -> str:
        return self._urlset([(self.url(p), p.published) for p in self.posts])

    def sitemap_pages(self) -> str:
        return self._urlset([(self.base + "/about/", None)])

    def sitemap_other(self, path: str) -> str:
        return self._urlset([(self.base + "/" + path, None)])

    def feed_page(self, req) -> Resp:
        """/feed/?paged=N: ten posts a page, 404 past the last (as WordPress answers)."""
        n = int(query_of(req).get("paged", "1") or 1)
        if n > 1 and (n - 1) * 10 >= len(self.posts):
            return Resp(404, "<html><body>Page not found</body></html>", {"Content-Type": "text/html"})
        return page_resp(req, self.feed(n), "application/rss+xml; charset=UTF-8")

    def feed(self, n: int = 1) -> str:
        items = ""
        for p in sorted(self.posts, key=lambda p: p.published, reverse=True)[10 * (n - 1) : 10 * n]:
            items += (
                f"<item><title>{p.title}</title><link>{self.url(p)}</link>"
                f"<comments>{self.url(p)}#respond</comments><dc:creator><![CDATA[Ines]]></dc:creator>"
                f"<pubDate>{format_datetime(p.published, usegmt=True)}</pubDate>"
                f'<guid isPermaLink="false">{self.base}/?p={p.id}</guid><description><![CDATA[A post.]]></description>'
                f"<wfw:commentRss>{self.url(p)}feed/</wfw:commentRss><slash:comments>{len(p.comments)}</slash:comments></item>\n"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
            f"<channel><title>Crumb Notes</title><link>{self.base}</link><description>Bread</description>\n{items}</channel></rss>\n"
        )

    def comment_feed(self) -> str:
        pairs = sorted(((p, c) for p in self.posts for c in p.comments), key=lambda pc: pc[1].published, reverse=True)
        items = ""
        for p, c in pairs[:10]:
            items += (
                f"<item><title>Comment on {p.title} by {c.author}</title><link>{self.url(p)}#comment-{c.id}</link>"
                f"<dc:creator><![CDATA[{c.author}]]></dc:creator><pubDate>{format_datetime(c.published, usegmt=True)}</pubDate>"
                f'<guid isPermaLink="false">{self.base}/?p={p.id}#comment-{c.id}</guid>'
                f"<description><![CDATA[{c.text}]]></description></item>\n"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>Comments for Crumb Notes</title><link>{self.base}</link>\n{items}</channel></rss>\n"
        )


# ------------------------------------------------------------------------------------- RSS


class RssBlog:
    def __init__(self, server, posts: int = 20) -> None:
        self.server = server
        self.base = server.base_url
        self.posts: list[Post] = []
        for i in range(posts):
            when = datetime(2022, 3, 1, 12, 0, tzinfo=UTC) + timedelta(days=7 * i)
            post = Post(i, str(i), f"/posts/{i:02d}-notes.html", f"Field notes {i}", when)
            post.comments = [
                Comment(f"{i}-1", "Ana", f"First thoughts on notes {i}: the weather held.", when + timedelta(hours=3)),
                Comment(f"{i}-2", "Bo", "A reply: it rained here.", when + timedelta(hours=5), f"{i}-1"),
            ]
            self.posts.append(post)
        s = server
        s.route("/robots.txt", status=404)
        s.route("/", lambda req: page_resp(req, self.front()))
        s.route("/feed.xml", lambda req: page_resp(req, self.feed(), "application/rss+xml"))
        for p in self.posts:
            s.route(p.path, lambda req, p=p: page_resp(req, self.page(p)))

    def url(self, post: Post) -> str:
        return self.base + post.path

    def post_paths(self) -> set[str]:
        return {p.path for p in self.posts}

    def add_comment(self, index: int, text: str, when: datetime | None = None) -> str:
        post = self.posts[index]
        c = Comment(f"{index}-{len(post.comments) + 1}", "Cy", text, when or datetime.now(UTC))
        post.comments.append(c)
        return c.id

    def front(self) -> str:
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Field notes</title>'
            '<link rel="alternate" type="application/rss+xml" title="Field notes" href="/feed.xml">'
            f"</head><body><h1>Field notes</h1><p>{len(self.posts)} posts.</p></body></html>"
        )

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{p.title}</title><link>{self.url(p)}</link><guid>{self.url(p)}</guid>"
            f"<pubDate>{format_datetime(p.published, usegmt=True)}</pubDate>"
            f"<slash:comments>{len(p.comments)}</slash:comments></item>\n"
            for p in sorted(self.posts, key=lambda p: p.published, reverse=True)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
            f"<channel><title>Field notes</title><link>{self.base}/</link><description>notes</description>\n{items}</channel></rss>\n"
        )

    def _comment(self, c: Comment, inner: str = "") -> str:
        return (
            f'<div class="c" id="comment-{c.id}" itemprop="comment" itemscope itemtype="https://schema.org/Comment">'
            f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{c.author}</span></span> '
            f'<time itemprop="dateCreated" datetime="{c.published.isoformat()}">{c.published:%d %B %Y}</time>'
            f'<div itemprop="text"><p>{html_lib.escape(c.text)}</p></div>{inner}</div>'
        )

    def page(self, post: Post) -> str:
        def tree(parent: str | None) -> str:
            return "".join(self._comment(c, tree(c.id)) for c in post.comments if c.parent == parent)

        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{post.title}</title>'
            f'<link rel="canonical" href="{self.url(post)}"></head><body>'
            f'<article itemscope itemtype="https://schema.org/BlogPosting"><h1 itemprop="headline">{post.title}</h1>'
            f'<time itemprop="datePublished" datetime="{post.published.isoformat()}">{post.published:%d %B %Y}</time>'
            '<div itemprop="articleBody"><p>The path along the river was dry for most of the week, and the birds'
            " came back to the reeds by Thursday.</p></div></article>"
            f'<section id="comments"><h2>{len(post.comments)} comments</h2>{tree(None)}</section></body></html>'
        )
