"""Drupal's comment module (Drupal 7 and 8+, any theme built on its templates).

Each comment is an element with the class `comment` that the RDF module marks as a comment
(`typeof="schema:Comment"` in Drupal 8, `typeof="sioc:Post sioct:Comment"` in Drupal 7) or
that carries Drupal's own markers (`js-comment`, `about="/comment/ID"`; in Drupal 6 the
`a#comment-ID` anchor right before it). Threading is by indentation: the replies to a comment sit
in a `div.indented` right after it, so a comment's depth is the number of `div.indented`
around it.

- text: `[property="schema:text"]`, else the comment body field (`.field--name-comment-body`,
  `.field-name-comment-body`), else `.comment__content` / `.content`; the comment's title
  (`schema:name`, a linked heading) and the "Reply" links are not part of it;
- author: the `schema:Person` / `.username` / `.comment__author` that is not inside a
  visually hidden "In reply to … by …" line, else the footer line's text before the date
  ("NAME | Di, 21. April 2020 - 16:40");
- time: `schema:dateCreated` (an instant), else the footer's displayed date;
- the thread's further comment pages (Drupal's pager, `?page=N`) are followed in `complete`.
"""

from __future__ import annotations

import re

from threadkeep.dates import displayed_date, parse_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.select import without
from threadkeep.html.text import content, make_author, text_of
from threadkeep.model import Comment
from threadkeep.sites.base import Case, CommentIds, Completion, Extraction, Site
from threadkeep.sites.generic import generic_article
from threadkeep.tree import nest_by_depth, walk

# Drupal's own traces (schema.org markup alone is any site's: the generic site reads that)
_MARKERS = ("data-comment-user-id", "/comment/reply/", "sioct:Comment", "drupalSettings", "Drupal.settings")
_HIDDEN = {"visually-hidden", "element-invisible", "hidden", "sr-only"}
_BODY_CLASSES = ("field--name-comment-body", "field-name-comment-body", "comment__content", "content")
_AUTHOR_CLASSES = ("comment__author", "username", "comment-author", "author")
_LEAD = re.compile(r"^\s*(?:submitted by|posted by|von|geschrieben von|par|por)\s+", re.IGNORECASE)
_COMMENT_ID = re.compile(r"^comment-\d+$")
_SEP = re.compile(r"\s+(?:\||–|—|on|am|le|el)\s+")


def _classes(el) -> list[str]:
    return (el.get("class") or "").split()


def _is_comment(el) -> bool:
    classes = _classes(el)
    if "comment" not in classes and "js-comment" not in classes:
        return False
    kind = el.get("typeof") or ""
    if "Comment" in kind or (el.get("about") or "").startswith("/comment/") or "js-comment" in classes:
        return True
    # Drupal 6: no RDF; the comment's anchor <a id="comment-ID"> right before it
    previous = el.getprevious()
    return previous is not None and previous.tag == "a" and _COMMENT_ID.match(previous.get("id") or "") is not None


def _visible(el, stop) -> bool:
    for node in (el, *el.iterancestors()):
        if _HIDDEN & set(_classes(node)):
            return False
        if node is stop:
            return True
    return True


def drupal_comments(page: Page) -> list[Comment]:
    ids = CommentIds()
    items = []
    for el in page.tree.iter("article", "div"):
        if not _is_comment(el):
            continue
        if any(_is_comment(a) for a in el.iterancestors("article", "div")):
            continue  # a comment inside a comment's markup (a quoted or preview copy)
        depth = sum(1 for a in el.iterancestors("div") if "indented" in _classes(a))
        comment = _comment(page, el, ids)
        if comment is not None:
            items.append((comment, depth))
    return nest_by_depth(items)


def _comment(page: Page, el, ids: CommentIds) -> Comment | None:
    body = _body(el)
    if body is None:
        return None
    html, text = content(without(body, "ul.links, [property='schema:name'], h3.comment__title, .comment-title"))
    name, url = _author(page, el)
    published = None
    for node in el.iter():
        if node.get("property") == "schema:dateCreated" or node.get("property") == "dc:date dc:created":
            published = parse_date(node.get("content") or node.get("datetime"))
            if published:
                break
    if published is None:
        line = _footer_line(el)
        published = displayed_date(line, languages=page.languages) if line else None
    own = (el.get("id") or "").removeprefix("comment-")
    if not own:
        previous = el.getprevious()
        if previous is not None and previous.tag == "a":
            own = (previous.get("id") or "").removeprefix("comment-")
    if not own and (el.get("about") or "").startswith("/comment/"):
        own = el.get("about").removeprefix("/comment/").split("#")[0]
    about = el.get("about")
    return Comment(
        id=ids.make(own or None, name, published, text),
        text=text,
        html=html,
        author=make_author(name, url),
        published=published,
        permalink=page.absolute(about) if about else None,
    )


def _body(el):
    for node in el.iter():
        if node.get("property") == "schema:text" or node.get("property") == "content:encoded":
            return node
    for cls in _BODY_CLASSES:
        for node in el.iter("div", "section"):
            if cls in _classes(node) and not any(n.get("property") == "schema:name" for n in node.iter()):
                return node
    return None


def _author(page: Page, el) -> tuple[str | None, str | None]:
    for node in el.iter():
        if node is el:
            continue
        person = node.get("typeof") == "schema:Person" or node.get("rel") in ("schema:author", "sioc:has_creator")
        if person and _visible(node, el) and text_of(node):
            link = node if node.tag == "a" else next(node.iter("a"), None)
            return clean_author(text_of(node)), page.absolute(link.get("href")) if link is not None else None
    for cls in _AUTHOR_CLASSES:
        for node in el.iter():
            if cls in _classes(node) and _visible(node, el) and text_of(node):
                link = node if node.tag == "a" else next(node.iter("a"), None)
                name = _LEAD.sub("", text_of(node))
                return clean_author(name), page.absolute(link.get("href")) if link is not None else None
    line = _footer_line(el)
    if not line:
        return None, None
    return clean_author(_SEP.split(_LEAD.sub("", line), maxsplit=1)[0]), None


def _footer_line(el) -> str:
    """The header/footer line that names the author and the date (no title, no hidden parts)."""
    for scope in el.iter("footer", "header"):
        for node in scope.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "span"):
            if _visible(node, el) and "title" not in _classes(node) and text_of(node):
                return text_of(node)
    for node in el.iter():
        if "submitted" in _classes(node):
            return text_of(node)
    return ""


def _next_page(page: Page) -> str | None:
    for a in page.tree.iter("a"):
        if a.get("rel") == "next" or any(c in ("pager__item--next", "pager-next") for c in _classes(a.getparent())):
            href = a.get("href") or ""
            if "page=" in href:
                return page.absolute(href)
    return None


class DrupalSite(Site):
    name = "drupal"
    description = "Drupal comments (Drupal 7 and 8+: RDF-marked comments, threads by indentation, comment pages)"
    CASES = (
        Case(  # corpus2 gold: a reply in div.indented, times from schema:dateCreated
            "corpus2/pages/cicero.de_2020-04_corona-pandemie-wie-die-menschen-sterben.html",
            comments=8,
            top_level=7,
            max_depth=2,
            facts={
                "1": {"author": "Heidemarie Heim", "published": "2020-04-21T14:40:07+00:00"},
                "7.1": {"author": "Heidemarie Heim", "text_start": "Werter Herr Kessler!"},
            },
        ),
    )

    def recognise(self, page: Page) -> Extraction | None:
        html = page.html
        if not any(m in html for m in _MARKERS):
            return None
        generator = (page.meta("generator") or "").lower()
        if generator and "drupal" not in generator:
            return None
        comments = drupal_comments(page)
        if not comments and "drupal" not in generator:
            return None
        article, body = generic_article(page)
        ext = Extraction(platform=self.name, article=article, body=body, comments=comments)
        ext.complete = _next_page(page) is None
        return ext

    def complete(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Follow Drupal's comment pager (`?page=1`, `?page=2`, …) and append each page's comments."""
        if not ctx.reads_more(extraction):
            return
        seen = {c.id for c in walk(extraction.comments)}
        url, visited = _next_page(page), {page.url}
        while url and url not in visited and len(visited) <= ctx.max_pages:
            visited.add(url)
            more = ctx.page(url)
            new = [c for c in drupal_comments(more) if c.id not in seen]
            seen.update(c.id for c in walk(new))
            extraction.comments.extend(new)
            ctx.progress("comment pages", len(visited), None)
            url = _next_page(more)
        extraction.complete = url is None
