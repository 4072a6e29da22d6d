"""Forum thread pages whose markup is fixed: vBulletin, MyBB, phpBB.

Forum threads are flat: every post shown on the page is a comment, the opening post included
(it is comment 1, as the corpus counts posts). The article takes the thread's title and, when
the page shows the thread's first post, that post's author, date and body too, so the opening
post appears both as the article and as comment 1. On a later page of a thread the article has
the title only. A thread of several pages is marked incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadkeep.dates import displayed_date, find_date, parse_date
from threadkeep.html.page import Page
from threadkeep.html.select import select, without, xselect
from threadkeep.html.text import content, first, make_author, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import Case, CommentIds, Completion, Extraction
from threadkeep.sites.generic import ReaderSite

# ---------------------------------------------------------------------- forums

_PAGE_OF = re.compile(r"\b(?:page|seite)\s+(\d+)\s+(?:of|von)\s+(\d+)", re.IGNORECASE)
_RESULTS_OF = re.compile(r"results?\s+\d+\s+to\s+\d+\s+of\s+([\d,.]+)", re.IGNORECASE)


@dataclass
class ForumPost:
    """One post as a forum page shows it: the comment, its message element, its number there."""

    comment: Comment
    body: object
    number: str | None


def _forum_extraction(page: Page, platform: str, posts: list[ForumPost], title: str | None) -> Extraction:
    """Posts as a flat thread with its article."""
    ext = Extraction(platform=platform, comments=[p.comment for p in posts])
    ext.article = Article(title=title)
    if posts:
        opening, message, number = posts[0].comment, posts[0].body, posts[0].number
        if number in (None, "1"):
            ext.article.author = make_author(opening.author.name, opening.author.url)
            ext.article.published = opening.published
            ext.body = message
    return ext


def _pages(page: Page, ext: Extraction, selector: str) -> None:
    """Mark a thread of several pages incomplete (and count what the other pages hold, if shown)."""
    for el in page.css(selector):
        m = _PAGE_OF.search(text_of(el))
        if m and int(m.group(2)) > 1:
            ext.complete = False
            break
    for el in page.xpath("//a[@title]"):
        m = _RESULTS_OF.search(el.get("title") or "")
        if m:
            total = int(re.sub(r"\D", "", m.group(1)))
            ext.complete = False
            ext.not_archived = max(0, total - len(ext.comments))
            break


def recognise_vbulletin(page: Page) -> Extraction | None:
    """vBulletin 3/4 thread pages: one post_message_N element per post."""
    if "post_message_" not in page.html:  # a C-speed look at the text first: the query below scans every element
        return None
    messages = page.xpath('//*[starts-with(@id, "post_message_")]')
    if not messages:
        return None
    ids = CommentIds()
    posts: list[ForumPost] = []
    by_id = {el.get("id"): el for el in page.tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for message in messages:
        pid = message.get("id")[len("post_message_") :]
        box = by_id.get(f"post{pid}") if pid.isdecimal() else None
        if box is None and pid.isdecimal():
            box = by_id.get(f"post_{pid}")
        if box is None:
            box = next(message.iterancestors("table", "li"), message.getparent())
        user = first(select(box, "a.bigusername, .username, a.username"))
        name = text_of(user) or None
        if name is None:
            menu = by_id.get(f"postmenu_{pid}")
            name = text_of(menu) or None
        stamp = first(select(box, "span.date, .postdate, td.thead"))
        published = find_date(text_of(stamp)) if stamp is not None else None
        count = first(xselect(box, './/a[starts-with(@id, "postcount")]'))
        number = text_of(count) or None
        number = number.lstrip("#") if number else None
        posts.append(_post(page, ids, pid, name, user, published, count, message, number))
    title = _thread_title(page, (".threadtitle", "h1.threadtitle", "#pagetitle h1"))
    if not title:  # vBulletin 3: "THREAD TITLE - SITE NAME"
        title = text_of(page.tree.find(".//title")).rsplit(" - ", 1)[0] or None
    ext = _forum_extraction(page, "vbulletin", posts, title)
    _pages(page, ext, "div.pagenav td.vbmenu_control, .pagination span, .threadpagenav")
    return ext


def _post(page: Page, ids, pid: str, name, user, published, link, body, number) -> ForumPost:
    """One forum post: its comment, its body element, its number on the page."""
    html, text = content(body)
    comment = Comment(
        id=ids.make(pid, name, published, text),
        text=text,
        html=html,
        author=make_author(name, page.absolute(user.get("href")) if user is not None else None),
        published=published,
        permalink=page.absolute(link.get("href")) if link is not None else None,
    )
    return ForumPost(comment, body, number)


def recognise_mybb(page: Page) -> Extraction | None:
    """MyBB thread pages: div.post[id=post_N] with .post_author and .post_body."""
    if "post_body" not in page.html:  # a C-speed look at the text first: the query below scans every element
        return None
    boxes = page.xpath('//div[starts-with(@id, "post_")][.//div[contains(@class, "post_body")]]')
    boxes = [b for b in boxes if b.get("id")[5:].isdecimal()]
    if not boxes:
        return None
    ids = CommentIds()
    posts: list[ForumPost] = []
    for box in boxes:
        user = first(
            select(box, ".author_information a[href*='member.php'], .post_author a[href*='member.php']")
            or select(box, ".author_information strong a, .author_information a")
        )
        users = [a for a in select(box, ".author_information a, .post_author a") if text_of(a)]
        if user is not None and not text_of(user) and users:
            user = users[0]
        name = text_of(user) or None
        stamp = first(select(box, ".post_date"))
        published = None
        if stamp is not None:
            # "Gestern, 06:58" with the day in a title: <span title="27.04.2020">Gestern</span>
            titled = first(select(stamp, "span[title]"))
            if titled is not None:
                clock = re.search(r"\d{1,2}:\d{2}", text_of(stamp))
                published = find_date(f"{titled.get('title')}, {clock.group(0)}" if clock else titled.get("title"))
            published = published or find_date(text_of(stamp))
        body = first(select(box, ".post_body"))
        link = first(select(box, ".post_head a[href*='pid=']"))
        number = text_of(link).lstrip("#") or None if link is not None else None
        posts.append(_post(page, ids, box.get("id")[len("post_") :], name, user, published, link, body, number))
    title = _thread_title(page, (".thead strong", "td.thead strong", "div.thead"))
    ext = _forum_extraction(page, "mybb", posts, title)
    if page.css(".pagination a.pagination_page, .pagination .pagination_page"):
        ext.complete = False
    return ext


def recognise_phpbb(page: Page) -> Extraction | None:
    """phpBB 3 topic pages: div.post[id=pN] with .postbody .content and .postprofile."""
    if "postbody" not in page.html:  # a C-speed look at the text first: the query below scans every element
        return None
    boxes = page.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " post ")][starts-with(@id, "p")]'
        '[.//div[contains(@class, "postbody")]]'
    )
    boxes = [b for b in boxes if b.get("id")[1:].isdecimal()]
    if not boxes:
        return None
    ids = CommentIds()
    posts: list[ForumPost] = []
    for box in boxes:
        user = first(select(box, ".postprofile a.username, .postprofile a.username-coloured, p.author a.username"))
        name = text_of(user) or None
        if name is None:
            strong = first(select(box, "p.author strong, .postprofile dt strong"))
            name = text_of(strong) or None
        author_line = first(select(box, "p.author"))
        published = None
        if author_line is not None:
            stamp = first(select(author_line, "time[datetime]"))
            published = parse_date(stamp.get("datetime")) if stamp is not None else None
            published = published or find_date(text_of(author_line))
        body = first(select(box, ".postbody .content, .content"))
        link = first(select(box, "p.author a[href*='#p'], h3 a[href*='#p']"))
        posts.append(_post(page, ids, box.get("id")[1:], name, user, published, link, body, None))
    title = _thread_title(page, ("h2.topic-title a", "h2.topic-title", "#page-body h2 a", "#page-body h2"))
    ext = _forum_extraction(page, "phpbb", posts, title)
    if _phpbb_later_page(page):
        ext.article.author = make_author(None)
        ext.article.published = None
        ext.body = None
    if page.css(".pagination li a.button, .pagination .page-jump, .pagination ul li:not(.active) a"):
        ext.complete = False
    return ext


def recognise_phpbb2(page: Page) -> Extraction | None:
    """phpBB 2 topic pages (subSilver and the templates built on it): one table row per post,
    `span.name` (an `a name=ID` anchor and the name in `b`) in the first cell, and in the
    second `span.postdetails` ("Posted: Wed Feb 02, 2005 10:08 pm  Post subject: …") and the
    message cell (`span.postbody`: the message, quotes between its spans, the signature)."""
    if 'class="postbody"' not in page.html or 'class="name"' not in page.html:
        return None
    ids = CommentIds()
    posts: list[tuple[Comment, object, str | None]] = []
    for span in page.tree.iter("span"):
        if span.get("class") != "name":
            continue
        anchor = next((a for a in span.iter("a") if (a.get("name") or "").isdecimal()), None)
        cell = span.getparent()
        row = cell.getparent() if cell is not None else None
        if anchor is None or row is None or row.tag != "tr":
            continue
        message = next((td for td in row.iterchildren("td") if td is not cell), None)
        if message is None:
            continue
        details = next((s for s in message.iter("span") if s.get("class") == "postdetails"), None)
        postbody = next((s for s in message.iter("span") if s.get("class") == "postbody"), None)
        if postbody is None:
            continue
        body = postbody.getparent()
        body = without(body, "span.gensmall") if body.tag == "td" else postbody
        line = text_of(details) if details is not None else ""
        when = re.search(r":\s*(.*?)(?:\s+Post subject:|$)", line)
        published = displayed_date(when.group(1), languages=page.languages) if when else None
        name_el = next(span.iter("b"), None)
        name = text_of(name_el if name_el is not None else span) or None
        link = next((a for a in message.iter("a") if f"#{anchor.get('name')}" in (a.get("href") or "")), None)
        posts.append(_post(page, ids, anchor.get("name"), name, None, published, link, body, None))
    if not posts:
        return None
    title = _thread_title(page, ("a.maintitle", "span.maintitle", "h1", "title"))
    ext = _forum_extraction(page, "phpbb", posts, title)
    ext.complete = phpbb_next_page(page) is None
    return ext


def phpbb_next_page(page: Page) -> str | None:
    """The topic's next page: a "Next" link by the page list ("Goto page 1, 2  Next"), or rel=next."""
    for a in page.tree.iter("a"):
        href = a.get("href")
        if not href:
            continue
        if a.get("rel") == "next" or "next" in (a.get("class") or "").split():
            return page.absolute(href)
        parent = a.getparent()
        if text_of(a).lower() in ("next", "next »", "weiter") and "goto page" in text_of(parent).lower():
            return page.absolute(href)
    return None


def _phpbb_later_page(page: Page) -> bool:
    """Whether this phpBB page is not the topic's first (start=N in its URL or canonical link)."""
    urls = [page.url or "", *page.links("canonical")]
    return any(re.search(r"[?&]start=[1-9]", u) for u in urls)


def _thread_title(page: Page, selectors: tuple[str, ...]) -> str | None:
    for sel in selectors:
        for el in page.css(sel):
            t = text_of(el)
            if t:
                return t
    return None


class VBulletinSite(ReaderSite):
    name = "vbulletin"
    description = "vBulletin 3/4 thread pages"
    CASES = (Case("corpus/other/forums.adoption.com_siblings-thread.html", comments=15, max_depth=1),)
    read = staticmethod(recognise_vbulletin)


class MyBBSite(ReaderSite):
    name = "mybb"
    description = "MyBB thread pages"
    CASES = (Case("corpus/other/pilzforum.at_pilz-im-mai.html", comments=3, max_depth=1),)
    read = staticmethod(recognise_mybb)


class PhpBBSite(ReaderSite):
    name = "phpbb"
    description = "phpBB 2 and 3 topic pages (the topic's further pages followed)"
    CASES = (
        Case("corpus/other/foren.myoos.de_freie-software.html", comments=1, max_depth=1),
        Case(  # corpus2 gold: phpBB 2 subSilver, page 1 of 2, signatures part of the post
            "corpus2/pages/flyawaysimulation.com_forum_fs2004-wot-r-ur-specs.html",
            comments=15,
            top_level=15,
            facts={"2": {"author": "99jolegg", "published": "2005-02-02T22:59:00", "text_start": "512 RAM"}},
        ),
    )

    @staticmethod
    def read(page: Page) -> Extraction | None:
        return recognise_phpbb(page) or recognise_phpbb2(page)

    def complete(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Append the posts of the topic's further pages (Next links), each post once."""
        if not ctx.reads_more(extraction):
            return
        seen = {c.id for c in extraction.comments}
        url, visited = phpbb_next_page(page), {page.url}
        while url and url not in visited and len(visited) <= ctx.max_pages:
            visited.add(url)
            more = ctx.page(url)
            found = self.read(more)
            if found is None:
                break
            extraction.comments.extend(c for c in found.comments if c.id not in seen)
            seen.update(c.id for c in found.comments)
            ctx.progress("topic pages", len(visited), None)
            url = phpbb_next_page(more)
        extraction.complete = url is None
