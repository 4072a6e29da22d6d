"""WordPress's markup, as data: the ids, classes and selectors of `wp_list_comments()` and of the
themes that call it, tried in order, most specific first."""

from __future__ import annotations

import re

from lxml.cssselect import CSSSelector

from threadkeep.html.selectors import Selector, compile_selectors

COMMENT_ID = re.compile(r"^(?:li-)?comment-(\d+)$")  # a comment's own element
# wpDiscuz's wrapper of one comment and its replies: `wpd-comm-ID_PARENT` (7.x), `wc-comm-ID_PARENT` (4.x)
WRAPPER_ID = re.compile(r"^(?:wpd|wc)-comm-(\d+)_\d+$")
ANCHOR_ID = re.compile(r"^(?:div-|li-)?comment-(\d+)$")  # ids that name a comment inside its element
DEPTH_CLASS = re.compile(r"^depth-\d+$")
KIND_CLASSES = ("pingback", "trackback", "comment")
COMMENT_LIST_CLASSES = {"commentlist", "comment-list", "comments-list", "commentslist"}
# Elements whose content is never the thread: widgets, sidebars, inert templates.
BLOCKING_CLASSES = {
    "widget",
    "widget-area",
    "sidebar",
    "widget_recent_comments",
    "recentcomments",
    "recent-comments",
    "jetpack_widget_recent_comments",
}
BLOCKING_IDS = {"sidebar", "secondary", "recentcomments", "recent-comments", "tertiary"}
# A list of the latest comments across the blog (widgets, "Last comments" tabs), by its class or id.
RECENT_LIST = re.compile(r"(?i)(?:recent|latest|last)[-_]?comments\b")
# Tags that never block, whatever their class says (a body class "sidebar" is a layout flag).
NEVER_BLOCKING_TAGS = frozenset({"html", "body"})
BLOCKING_TAGS = {"template", "noscript", "textarea", "script", "style"}

# Plugins and themes prefix WordPress's class names (`wpd-comment-author`, `wc-comment-text`,
# `epoch-comment-content`) or write them with underscores (Thesis: `comment_author`,
# `comment_time`): inside a comment such a token also counts as the name it ends with.
ALIASED_CLASSES = (
    "comment-author",
    "comment-content",
    "comment-text",
    "comment-meta",
    "comment-metadata",
    "comment-date",
    "comment-time",
    "comment-header",
    "comment-footer",
    "comment-reply",
)


def aliased(raw_class: str | None) -> str | None:
    """The class attribute with the WordPress name of each prefixed or underscored token added."""
    if not raw_class or ("comment" not in raw_class and "Comment" not in raw_class):
        return raw_class
    extra = []
    for token in raw_class.split():
        low = token.lower().replace("_", "-")
        if low == token and low in ALIASED_CLASSES:
            continue
        for name in ALIASED_CLASSES:
            if low == name or low.endswith("-" + name):
                extra.append(name)
                break
    return raw_class + " " + " ".join(extra) if extra else raw_class


# Inside a comment's own markup, most specific first.
AUTHOR_NAME = compile_selectors(
    ".comment-author .fn",
    ".fn",
    ".comment-author-name",
    ".comment-author cite",
    ".comment-author strong",
    ".comment-author b",
    "[itemprop=author] [itemprop=name]",
    "[id^=commentauthor-]",
    ".comment-author",
    ".commentauthor",
    ".comment-name",
    ".comment-user",
    ".commenter",
    ".author-name",
    ".author",
    "cite",
    "a.url",
)
PINGBACK_LINK = compile_selectors("a.url", "a[href]")
DATE_ATTR = compile_selectors(
    "time[datetime]", "[datetime]", "abbr.published[title]", "[itemprop=dateCreated][content]"
)
DATE_TEXT = compile_selectors(
    ".comment-metadata",
    ".commentmetadata",
    ".comment-meta",
    ".comment-meta-data",
    ".comment-date",
    ".comment-time",
    ".comment-published",
    ".comment-timestamp",
    ".comment-posted",
    ".timestamp",
    ".date",
    ".comment-head",
    ".comment-author",
    ".comment-info",
)
CONTENT = compile_selectors(
    ".comment-content",
    ".comment-text",
    ".comment_text",
    ".comment-entry",
    ".commenttext",
    "[itemprop=text]",
    "[itemprop=commentText]",
    ".comment-body",
)
# Removed from a copy of the content element before its text is taken (class tokens, tags).
NOISE_CLASSES = frozenset(
    {
        "comment-author",
        "comment-footer",
        "wpdiscuz-readmore",  # wpDiscuz's "… Read more" toggle of a comment shown cut short
        "wpdiscuz-hellip",
        "comment-meta",
        "comment-metadata",
        "commentmetadata",
        "comment-meta-data",
        "comment-head",
        "comment-header",
        "comment-info",
        "reply",
        "comment-reply",
        "comment-reply-link",
        "comment-edit-link",
        "edit-link",
        "comment-likes",
        "comment-like",
        "avatar",
        "comment-avatar",
        "says",
        "fn",
        "author",
        "vcard",
        "comment-time",
        "comment-date",
        "time",
        "comment-permalink",
        "comment-awaiting-moderation",
        "sharedaddy",
    }
)
# Class tokens of "Report this comment" controls, whatever the plugin calls them.
NOISE_CLASS_PART = re.compile(r"(?i)(?:^|[-_\s])(?:report|flag)(?:[-_]|\s|$)")
NOISE_TAGS = frozenset({"time", "script", "style", "form", "noscript", "button"})
AUTHOR_NOISE = CSSSelector(".says, .avatar, img, time, .comment-meta, .comment-metadata, .reply, .comment-reply-link")
# The post's own element and what is in it.
POST_BODY = compile_selectors(
    ".entry-content",
    ".post-content",
    "[itemprop~=articleBody]",
    ".post-entry",
    ".entry",
    ".post-body",
    ".article-content",
    ".storycontent",
    ".content",
)
POST_AUTHOR = compile_selectors(
    ".byline .author .fn",
    ".byline .author",
    ".author.vcard .fn",
    ".entry-author-name",
    ".post-author a",
    "a[rel~=author]",
    "[itemprop=author] [itemprop=name]",
    ".byline a",
)
POST_PUBLISHED = compile_selectors(
    "time.entry-date[datetime]",
    "time.published[datetime]",
    "[itemprop=datePublished][datetime]",
    "[itemprop=datePublished][content]",
    "abbr.published[title]",
)
POST_TITLE = compile_selectors(".entry-title", ".post-title", "h1")
POST_DATE_TEXT = compile_selectors(
    ".entry-date", ".post-date", ".posted-on", ".meta-date", ".published", ".postdate", ".date"
)
POST_UPDATED = compile_selectors(
    "time.updated[datetime]", "[itemprop=dateModified][datetime]", "[itemprop=dateModified][content]"
)
POST_LABELS = Selector("a[rel~=tag], a[rel~=category]")
TIME_DATETIME = compile_selectors("time[datetime]")
_POST_SELECTORS = (
    *POST_BODY,
    *POST_AUTHOR,
    *POST_PUBLISHED,
    *POST_TITLE,
    *POST_DATE_TEXT,
    *POST_UPDATED,
    POST_LABELS,
    *TIME_DATETIME,
)
COMMENT_AREAS = (
    "#comments, .comments-area, #comments-area, .comments, #respond, .comment-respond, "
    ".commentlist, .comment-list, #disqus_thread"
)
COMMENT_NAV = tuple(
    CSSSelector(s)
    for s in (
        ".comment-navigation a[href]",
        ".comments-pagination a[href]",
        "#comment-nav-above a[href]",
        "#comment-nav-below a[href]",
        ".comment-nav a[href]",
        ".navigation a[href]",
        ".nav-links a[href]",
        "a.page-numbers[href]",
    )
)
OTHER_GENERATORS = (
    "blogger",
    "vbulletin",
    "mybb",
    "phpbb",
    "discourse",
    "movable type",
    "drupal",
    "joomla",
    "ghost",
    "substack",
    "typepad",
    "hugo",
    "jekyll",
    "xenforo",
    "invision",
)
COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?|[?&]cpage=(\d+)")
SHORTLINK_P = re.compile(r"[?&]p=(\d+)")
POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
POST_ID_ATTR = re.compile(r"^post-(\d+)$")
