"""Blogger (blogspot.com and custom domains): the post, and its comments in both layouts.

- threaded (2012 on): `div.comment-thread.toplevel-thread > ol#top-ra > li.comment#cID`,
  replies in `div.comment-replies ol li.comment`;
- flat (classic templates): `dl#comments-block` with `dt.comment-poster#cID`,
  `dd.comment-body`, `dd.comment-timestamp`.

A comment's time comes from its permalink's `showComment=` epoch milliseconds (exact, UTC)
when present, else from the displayed text (only when that text names a date).
Only the main Blog widget's comment region is read: widgets that list comments of other posts
(sidebars, "recent comments") are never taken for this thread's.
"""

from __future__ import annotations

import re

from threadkeep.dates import parse_date
from threadkeep.html.page import Page
from threadkeep.html.text import content, first, make_author, same_name, squash, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import Extraction
from threadkeep.sites.blogger.classic import classic_comments, is_classic
from threadkeep.sites.blogger.script import holder_comments
from threadkeep.sites.generic import generic_article
from threadkeep.timefmt import epoch_ms_to_iso
from threadkeep.tree import walk

REMOVED_STUBS = (
    "this comment has been removed by the author",
    "this comment has been removed by a blog administrator",
    "this post has been removed by the author",
    "this post has been removed by a blog administrator",
    "dieser kommentar wurde vom autor entfernt",
    "dieser kommentar wurde von einem blog-administrator entfernt",
)
_SHOW_COMMENT = re.compile(r"[?&]showComment=(\d{10,16})")
_FEED_POST_ID = re.compile(r"/feeds/(\d+)/comments/")
_COUNT = re.compile(r"(\d[\d,.]*)\s+\S+")
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

# Selectors are data, tried in order (first match wins).
POST_SELECTORS = (".post-outer .post", ".post.hentry", ".post", "article.post-outer-container", ".blog-posts")
TITLE_SELECTORS = (".post-title", ".entry-title", "h3.post-title", "h1.post-title")
BODY_SELECTORS = (".post-body", ".entry-content", ".post-entry")
AUTHOR_SELECTORS = (".post-author .fn [itemprop=name]", ".post-author .fn", ".post-author a", ".post-author")
LABEL_SELECTORS = (".post-labels a[rel=tag]", ".post-labels a", ".labels a[rel=tag]")
_SAID = re.compile(r"\s*(said|sagte|a dit|dijo|ha detto|disse)\s*[.…:]*\s*$", re.IGNORECASE)
_SIDEBAR = 'ancestor::*[contains(@class, "sidebar") or contains(@class, "widget-content")]'
GENERATOR = re.compile(r"blogger", re.IGNORECASE)


def _has_class(name: str) -> str:
    return _CLASS.format(name)


def is_removed(text: str) -> bool:
    if len(text) > 200:  # the stubs are one short sentence
        return False
    t = squash(text).casefold()
    return any(t.startswith(stub) for stub in REMOVED_STUBS)


class BloggerPage:
    """Reading one Blogger page (BloggerSite adds completing it from the comment feed)."""

    name = "blogger"

    def matches(self, page: Page) -> bool:
        if page.host.endswith(".blogspot.com") or page.host == "blogger.com":
            return True
        gen = page.meta("generator")
        if gen:
            # Blogger always names itself; a page whose generator names another platform
            # (WordPress, vBulletin, …) is not Blogger's, and needs no page-wide scan to say so.
            return bool(GENERATOR.search(gen))
        # Blogger's feeds and style sheets in the <head> (small: a walk, not a page-wide query)
        head = page.tree.find("head")
        if head is not None:
            for el in head.iter("link"):
                href = el.get("href") or ""
                if "blogger.com/feeds/" in href or "blogger.com/static/" in href:
                    return True
        # Blogger's comment markup (templates whose <head> is gone: saved or re-served pages),
        # by id (a table lookup in libxml2, not a scan).
        marker = page.by_id("top-ra")
        if marker is not None and marker.tag == "ol":
            return marker.xpath(f"ancestor::div[{_has_class('comment-thread')}]") != []
        marker = page.by_id("comments")
        if marker is not None and marker.tag == "div" and is_classic(marker):
            return True
        marker = page.by_id("comments-block")
        return (
            marker is not None
            and marker.tag == "dl"
            and bool(page.xpath('//a[contains(@href, "blogger.com/")] | //script[contains(@src, "blogger.com/")]'))
        )

    def extract(self, page: Page) -> Extraction:
        article, body = self.article(page)
        region = self.comment_region(page)
        comments: list[Comment] = []
        if region is not None:
            comments = self.threaded_comments(page, region) or self.flat_comments(page, region)
            if not comments and region.get("id") == "comments" and is_classic(region):
                comments = classic_comments(page, region)
        holder = page.by_id("comment-holder") if not comments else None
        if holder is not None and not holder.xpath(_SIDEBAR):
            comments = holder_comments(page, holder)
        for c in walk(comments):
            c.author.is_post_author = c.author.is_post_author or (
                same_name(c.author.name, article.author.name)
                and c.author.url == article.author.url
                and c.author.url is not None
            )
        extraction = Extraction(
            platform=self.name,
            article=article,
            body=body,
            comments=comments,
            post_id=self.post_id(page),
            external_comments=self.embedded_comments(page) if not comments else None,
        )
        extraction.complete = self.is_complete(page, region, comments)
        return extraction

    # ---------------------------------------------------------------- article

    def article(self, page: Page) -> tuple[Article, object]:
        post = page.first_with_class("post", "div", "article")  # near the top: a walk beats a query
        if post is None:
            for sel in POST_SELECTORS:
                post = first(page.css(sel))
                if post is not None:
                    break
        if post is None:
            return generic_article(page)
        title = next((text_of(el) for sel in TITLE_SELECTORS for el in page.css(sel, post) if text_of(el)), None)
        body = next((el for sel in BODY_SELECTORS for el in page.css(sel, post)), None)
        author_el = next((el for sel in AUTHOR_SELECTORS for el in page.css(sel, post)), None)
        author_name = (
            re.sub(
                r"^(posted|geschrieben|publié|publicado)\s+(by|von|par|por)\s+",
                "",
                text_of(author_el),
                flags=re.IGNORECASE,
            )
            if author_el is not None
            else ""
        )
        author_url = None
        if author_el is not None:
            link = first(author_el.xpath('ancestor-or-self::*[contains(@class, "post-author")]//a[@href]'))
            author_url = page.absolute(link.get("href")) if link is not None else None
        labels: list[str] = []
        for sel in LABEL_SELECTORS:
            labels = [text_of(a) for a in page.css(sel, post) if text_of(a)]
            if labels:
                break
        published = None
        for el in post.xpath(
            './/*[@itemprop="datePublished"] | .//abbr[contains(@class, "published")]'
            ' | .//time[contains(@class, "published")]'
        ):
            published = parse_date(el.get("title") or el.get("datetime") or el.get("content"))
            if published:
                break
        updated = None
        for el in post.xpath('.//*[@itemprop="dateModified"] | .//abbr[contains(@class, "updated")]'):
            updated = parse_date(el.get("title") or el.get("datetime") or el.get("content"))
            if updated:
                break
        url = None
        link = first(post.xpath('.//a[contains(@class, "timestamp-link")][@href]'))
        if link is not None:
            url = page.absolute(link.get("href"))
        article = Article(
            title=title,
            author=make_author(author_name, author_url),
            published=published,
            updated=updated,
            labels=labels,
            url=url,
        )
        if body is None or not (title and author_name and published and url):
            # what the post's own markup does not give, from the page's metadata (a few more scans)
            fallback, fallback_body = generic_article(page)
            article.title = article.title or fallback.title
            article.author.name = article.author.name or fallback.author.name
            article.published = article.published or fallback.published
            article.updated = article.updated or fallback.updated
            article.url = article.url or fallback.url
            body = body if body is not None else fallback_body
        return article, body

    # ---------------------------------------------------------------- comments

    def comment_region(self, page: Page):
        """The main Blog widget's comments container (never a sidebar widget)."""
        for find in (
            lambda: page.by_id("comments"),
            lambda: page.first_with_class("comments", "div"),
            lambda: page.by_id("comment-holder"),
            lambda: next(iter(page.xpath('//dl[@id="comments-block"]/..')), None),
        ):
            el = find()
            if el is not None and not el.xpath(_SIDEBAR):
                return el
        for el in page.xpath('//*[@id="comments"] | //dl[@id="comments-block"]/..'):
            if not el.xpath(_SIDEBAR):
                return el
        return None

    def threaded_comments(self, page: Page, region) -> list[Comment]:
        # The whole document, not only the region: libxml2 (like old browsers) re-parents some
        # re-serialized threads outside their container. Nesting comes from the nearest enclosing
        # comment, so misplaced top-level comments stay top-level. One pass over the <li>s and
        # their ancestors in Python: XPath node sets of thousands of elements are slow in lxml.
        by_element: dict[object, Comment] = {}
        roots: list[Comment] = []
        # element -> (its nearest enclosing comment, whether it is inside a sidebar widget), so
        # that each <li> walks up only to the first ancestor already seen.
        seen: dict[object, tuple[Comment | None, bool]] = {}
        for li in page.tree.iter("li"):  # document order: parents come before their replies
            cid = li.get("id") or ""
            if not (cid[:1] == "c" and cid[1:].isdecimal() and "comment" in (li.get("class") or "").split()):
                continue
            parent, in_sidebar = _enclosing(li, by_element, seen)
            if in_sidebar:
                continue
            comment = self.threaded_comment(page, li)
            (parent.replies if parent is not None else roots).append(comment)
            by_element[li] = comment
        return roots

    def threaded_comment(self, page: Page, li) -> Comment:
        block = _child_with_class(li, "comment-block")
        if block is None:
            block = li
        header = _child_with_class(block, "comment-header")
        scope = header if header is not None else block
        cite = permalink_el = None
        is_post_author = False
        for el in scope.iter():  # the header is small: one walk finds what XPath would
            tag = el.tag
            if tag == "cite" and cite is None:
                cite = el
            elif tag == "a" and permalink_el is None and el.get("href") and _inside_class(el, "datetime", scope):
                permalink_el = el
            cls = el.get("class") if isinstance(tag, str) else None
            if cls and "blog-author" in cls.split():
                is_post_author = True
        name = text_of(cite) if cite is not None else None
        link = next((a for a in cite.iter("a") if a.get("href")), None) if cite is not None else None
        permalink = page.absolute(permalink_el.get("href")) if permalink_el is not None else None
        body = _child_with_class(block, "comment-content")
        if body is None:
            body = first(block.xpath(f".//*[{_has_class('comment-content')}]"))
        html, text = content(body)
        deleted = body is not None and (
            is_removed(text) or any("deleted-comment" in (el.get("class") or "") for el in body.iter("span", "div"))
        )
        return Comment(
            id=li.get("id")[1:],
            text=text,
            html=html,
            author=make_author(
                name or ("Anonymous" if not deleted else None),
                page.absolute(link.get("href")) if link is not None else None,
                is_post_author=is_post_author,
            ),
            published=self.comment_time(permalink, text_of(permalink_el) if permalink_el is not None else None),
            permalink=permalink,
            deleted=deleted,
        )

    def flat_comments(self, page: Page, region) -> list[Comment]:
        comments = []
        for dt in region.xpath('.//dl[@id="comments-block"]/dt[starts-with(@id, "c")]'):
            cid = dt.get("id")[1:]
            if not cid.isdecimal():
                continue
            body = first(dt.xpath('following-sibling::dd[contains(@class, "comment-body")][1]'))
            stamp = first(
                dt.xpath(
                    'following-sibling::*[1][self::dd][contains(@class, "comment-footer") or '
                    'contains(@class, "comment-timestamp")]'
                )
            )
            if stamp is None and body is not None:
                stamp = first(
                    body.xpath(
                        'following-sibling::*[1][self::dd][contains(@class, "comment-footer") or '
                        'contains(@class, "comment-timestamp")]'
                    )
                )
            links = dt.xpath(".//a[@href][normalize-space()]")
            permalink_el = next((a for a in links if _is_permalink(a.get("href"), cid)), None)
            if permalink_el is None and stamp is not None:
                permalink_el = next((a for a in stamp.xpath(".//a[@href]") if _is_permalink(a.get("href"), cid)), None)
            author_link = next((a for a in links if a is not permalink_el), None)
            if author_link is not None:
                name = text_of(author_link)
            elif permalink_el is not None and permalink_el in links:  # "At <date>, NAME said..."
                name = squash(permalink_el.tail or "").lstrip(",").strip()
            else:
                name = text_of(dt)
            name = _SAID.sub("", name)
            html, text = content(body)
            deleted = is_removed(text) or (body is not None and bool(body.xpath('.//*[contains(@class, "deleted")]')))
            permalink = page.absolute(permalink_el.get("href")) if permalink_el is not None else None
            comments.append(
                Comment(
                    id=cid,
                    text=text,
                    html=html,
                    author=make_author(
                        name or ("Anonymous" if not deleted else None),
                        page.absolute(author_link.get("href")) if author_link is not None else None,
                        is_post_author=bool(dt.xpath('.//*[contains(@class, "blog-author")]')),
                    ),
                    published=self.comment_time(permalink, text_of(permalink_el) if permalink_el is not None else None),
                    permalink=permalink,
                    deleted=deleted,
                )
            )
        return comments

    @staticmethod
    def comment_time(permalink: str | None, shown: str | None) -> str | None:
        m = _SHOW_COMMENT.search(permalink or "")
        if m:
            return epoch_ms_to_iso(m.group(1))
        # The displayed text only when it names a date (a bare "12:42 PM" would invent one).
        if shown and re.search(r"\b\d{4}\b", shown):
            return parse_date(shown)
        return None

    # ---------------------------------------------------------------- completeness

    def post_id(self, page: Page) -> str | None:
        value = page.meta("postId")
        if value and value.isdecimal():
            return value
        for value in page.xpath("//*[@data-post-id]/@data-post-id"):
            if value.strip().isdecimal():
                return value.strip()
        for href in page.xpath(
            '//link[contains(@href, "/comments/default")]/@href | //a[contains(@href, "/comments/default")]/@href'
        ):
            m = _FEED_POST_ID.search(href)
            if m:
                return m.group(1)
        return None

    def is_complete(self, page: Page, region, comments: list[Comment]) -> bool:
        """False when the page shows that it does not hold the whole thread: "Load more" not
        hidden, a heading count ("8 comments:") above the comments found, comment pages."""
        if region is None:
            return True
        shown = None
        headings = 0
        for el in region.iter("div", "a", "h2", "h3", "h4"):  # one walk for every signal
            tag = el.tag
            if tag == "a":
                if "commentPage=" in (el.get("href") or ""):
                    return False
            elif tag == "div":
                cls = (el.get("class") or "").split()
                if "loadmore" in cls and "hidden" not in cls and "loaded" not in cls:  # "loaded": all shown
                    return False
            elif headings < 3:
                headings += 1
                m = _COUNT.match(text_of(el))
                if m and shown is None:
                    shown = int(re.sub(r"[,.]", "", m.group(1)) or 0)
        return shown is None or shown <= sum(1 for _ in walk(comments))


def _enclosing(li, comments: dict, seen: dict) -> tuple[Comment | None, bool]:
    """The comment enclosing `li` and whether `li` sits in a sidebar widget, memoised in `seen`."""
    path = []
    result: tuple[Comment | None, bool] = (None, False)
    for ancestor in li.iterancestors():
        if ancestor in comments:
            result = (comments[ancestor], False)
            break
        if ancestor in seen:
            result = seen[ancestor]
            break
        cls = ancestor.get("class")
        if cls and ("sidebar" in cls or "widget-content" in cls):
            result = (None, True)
            break
        path.append(ancestor)
    for el in path:
        seen[el] = result
    return result


def _child_with_class(element, name: str):
    """The first child element of `element` whose class list holds `name`."""
    for child in element.iterchildren("*"):
        cls = child.get("class")
        if cls and name in cls.split():
            return child
    return None


def _inside_class(element, name: str, stop) -> bool:
    """Whether an ancestor of `element`, up to and including `stop`, has class `name`."""
    for ancestor in element.iterancestors():
        cls = ancestor.get("class")
        if cls and name in cls.split():
            return True
        if ancestor is stop:
            return False
    return False


def _is_permalink(href: str | None, cid: str) -> bool:
    return bool(href) and (f"#c{cid}" in href or "showComment=" in href)
