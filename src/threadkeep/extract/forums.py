"""Small recognisers for discussion sites whose markup is fixed: Hacker News, Reddit, forums.

Each `recognise_*` takes a Page and returns an Extraction (platform set, comments nested,
article metadata the page gives) or None when the page is not of its kind. They are cheap to
try: a recogniser first looks for its platform's marker elements with one XPath.

Forum threads (vBulletin, MyBB, phpBB) are flat: every post shown on the page is a comment, the
opening post included (it is comment 1, as the corpus counts posts). The article takes the
thread's title and, when the page shows the thread's first post, that post's author, date and
body too, so the opening post appears both as the article and as comment 1. On a later page
of a thread the article has the title only. A thread of several pages is marked incomplete.
"""

from __future__ import annotations

import copy
import re

from threadkeep.extract.base import Extraction, Page, first, make_author, parse_date, squash, text_of
from threadkeep.extract.comments_finder import (
    CommentIds,
    comment_content,
    find_date,
    nest_by_depth,
    select,
    xselect,
)
from threadkeep.model import Article, Comment

# ---------------------------------------------------------------------- Hacker News


def recognise_hn(page: Page) -> Extraction | None:
    """A Hacker News item page: tr.athing.comtr rows, depth from td.ind[indent]."""
    rows = page.xpath('//tr[contains(concat(" ", normalize-space(@class), " "), " comtr ")]')
    fat = page.css("table.fatitem")
    if not rows and not fat:
        return None
    ids = CommentIds()
    items: list[tuple[Comment, int]] = []
    for row in rows:
        ind = first(select(row, "td.ind"))
        depth = 0
        if ind is not None:
            raw = ind.get("indent")
            if raw is None:
                img = first(select(ind, "img[width]"))
                raw = str(int(img.get("width")) // 40) if img is not None and img.get("width", "").isdigit() else "0"
            depth = int(raw) if raw.isdigit() else 0
        user = first(select(row, "a.hnuser"))
        age = first(select(row, "span.age"))
        published = parse_date((age.get("title") or "").split(" ")[0]) if age is not None else None
        permalink = None
        if age is not None:
            link = first(select(age, "a[href]"))
            permalink = page.absolute(link.get("href")) if link is not None else None
        body = first(select(row, ".commtext"))
        html, text = comment_content(body)
        name = text_of(user) or None
        c = Comment(
            id=ids.make(row.get("id"), name, published, text),
            text=text,
            html=html,
            author=make_author(name, page.absolute(user.get("href")) if user is not None else None),
            published=published,
            permalink=permalink,
            deleted=body is None,
        )
        items.append((c, depth))
    ext = Extraction(platform="hn", comments=nest_by_depth(items))
    ext.complete = not page.css("a.morelink")
    if fat:
        top = fat[0]
        story = first(select(top, "tr.athing"))
        ext.post_id = story.get("id") if story is not None else None
        user = first(select(top, "a.hnuser"))
        age = first(select(top, "span.age"))
        ext.article = Article(
            title=text_of(first(select(top, ".titleline > a, .titleline, td.title a"))) or None,
            author=make_author(text_of(user), page.absolute(user.get("href")) if user is not None else None),
            published=parse_date((age.get("title") or "").split(" ")[0]) if age is not None else None,
        )
        ext.body = first(select(top, "div.toptext"))
    return ext


# ---------------------------------------------------------------------- Reddit (new-style HTML)

_LEVEL = re.compile(r"^level (\d+)$")
_MORE_REPLIES = re.compile(r"^(\d[\d,]*) more repl(?:y|ies)$")
_DELETED = {"[deleted]", "[removed]", "comment deleted by user", "comment removed by moderator"}


def recognise_reddit(page: Page) -> Extraction | None:
    """Reddit's rendered thread page: div.Comment.t1_* blocks in display order with 'level N'."""
    blocks = page.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " Comment ")][contains(@class, "t1_")]'
    )
    if not blocks:
        return None
    ids = CommentIds()
    items: list[tuple[Comment, int]] = []
    for block in blocks:
        token = next((t for t in (block.get("class") or "").split() if t.startswith("t1_")), None)
        level = 1
        for span in block.iter("span"):
            m = _LEVEL.match(squash(span.text))
            if m:
                level = int(m.group(1))
                break
        author_el = first(
            xselect(block, './/a[@data-testid="comment_author_link"]')
            or xselect(block, './/a[contains(@href, "/user/")][normalize-space(.) != ""]')
        )
        name = text_of(author_el) or None
        url = page.absolute(author_el.get("href")) if author_el is not None else None
        if name is None:
            for span in block.iter("span"):
                if squash(span.text) == "[deleted]":
                    name = "[deleted]"
                    break
        stamp = first(xselect(block, './/a[starts-with(@id, "CommentTopMeta--Created--")]'))
        permalink = page.absolute(stamp.get("href")) if stamp is not None else None
        body = first(xselect(block, './/*[@data-testid="comment" or @data-test-id="comment"]'))
        html, text = comment_content(body)
        # removed and deleted comments show no text element, only a note in their header
        deleted = body is None or not text or text.lower() in _DELETED
        if name == "[deleted]":
            name, url = None, None
        c = Comment(
            id=ids.make(token[3:] if token else None, name, None, text),
            text=text,
            html=html,
            author=make_author(name, url),
            permalink=permalink,
            deleted=deleted,
        )
        items.append((c, level - 1))
    ext = Extraction(platform="reddit", comments=nest_by_depth(items))
    hidden = 0
    for el in page.xpath('//*[self::p or self::span or self::button or self::div][contains(text(), "more repl")]'):
        m = _MORE_REPLIES.match(squash(el.text))
        if m:
            hidden += int(m.group(1).replace(",", ""))
    if hidden:
        ext.not_archived = hidden
        ext.complete = False
    post = first(page.xpath('//*[@data-testid="post-container" or @data-test-id="post-content"]'))
    title = first(xselect(post, ".//h1 | .//h2")) if post is not None else None
    if title is None:  # the page's <title> is "TITLE : subreddit"
        title = page.tree.find(".//title")
        if title is not None:
            title = copy.copy(title)
            title.text = re.sub(r"\s+:\s+\w+\s*$", "", title.text or "")
    author = None
    if post is not None:
        author = first(xselect(post, './/a[contains(@href, "/user/")][normalize-space(.) != ""]'))
        token = next((t for t in (post.get("class") or "").split() if t.startswith("t3_")), None)
        ext.post_id = token
    author_url = page.absolute(author.get("href")) if author is not None else None
    ext.article = Article(
        title=text_of(title) or None, author=make_author(re.sub(r"^u/", "", text_of(author)) or None, author_url)
    )
    ext.body = first(
        page.xpath('//*[@data-test-id="post-content"]//*[@data-click-id="text"]')
        or page.xpath('//*[@data-testid="post-container"]//*[@data-click-id="text"]')
    )
    return ext


# ---------------------------------------------------------------------- forums

_PAGE_OF = re.compile(r"\b(?:page|seite)\s+(\d+)\s+(?:of|von)\s+(\d+)", re.IGNORECASE)
_RESULTS_OF = re.compile(r"results?\s+\d+\s+to\s+\d+\s+of\s+([\d,.]+)", re.IGNORECASE)


def _forum_extraction(
    page: Page, platform: str, posts: list[tuple[Comment, object, str | None]], title: str | None
) -> Extraction:
    """Posts (comment, message element, post number) as a flat thread with its article."""
    ext = Extraction(platform=platform, comments=[c for c, _, _ in posts])
    ext.article = Article(title=title)
    if posts:
        opening, message, number = posts[0]
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
    messages = page.xpath('//*[starts-with(@id, "post_message_")]')
    if not messages:
        return None
    ids = CommentIds()
    posts: list[tuple[Comment, object, str | None]] = []
    by_id = {el.get("id"): el for el in page.tree.iter() if isinstance(el.tag, str) and el.get("id")}
    for message in messages:
        pid = message.get("id")[len("post_message_") :]
        box = by_id.get(f"post{pid}") if pid.isdigit() else None
        if box is None and pid.isdigit():
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


def _post(page: Page, ids, pid: str, name, user, published, link, body, number) -> tuple:
    """One forum post as (comment, its body element, its number on the page)."""
    html, text = comment_content(body)
    comment = Comment(
        id=ids.make(pid, name, published, text),
        text=text,
        html=html,
        author=make_author(name, page.absolute(user.get("href")) if user is not None else None),
        published=published,
        permalink=page.absolute(link.get("href")) if link is not None else None,
    )
    return comment, body, number


def recognise_mybb(page: Page) -> Extraction | None:
    """MyBB thread pages: div.post[id=post_N] with .post_author and .post_body."""
    boxes = page.xpath('//div[starts-with(@id, "post_")][.//div[contains(@class, "post_body")]]')
    boxes = [b for b in boxes if b.get("id")[5:].isdigit()]
    if not boxes:
        return None
    ids = CommentIds()
    posts: list[tuple[Comment, object, str | None]] = []
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
    boxes = page.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " post ")][starts-with(@id, "p")]'
        '[.//div[contains(@class, "postbody")]]'
    )
    boxes = [b for b in boxes if b.get("id")[1:].isdigit()]
    if not boxes:
        return None
    ids = CommentIds()
    posts: list[tuple[Comment, object, str | None]] = []
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


def _phpbb_later_page(page: Page) -> bool:
    """Whether this phpBB page is not the topic's first (start=N in its URL or canonical link)."""
    urls = [page.url or "", *page.xpath('//link[@rel="canonical"]/@href')]
    return any(re.search(r"[?&]start=[1-9]", u) for u in urls)


def _thread_title(page: Page, selectors: tuple[str, ...]) -> str | None:
    for sel in selectors:
        for el in page.css(sel):
            t = text_of(el)
            if t:
                return t
    return None


RECOGNISERS = (recognise_hn, recognise_reddit, recognise_vbulletin, recognise_mybb, recognise_phpbb)
