"""The generic finder's vocabulary: what names a comment region, an item, an author, a time, and
what is never a comment (navigation, sidebars, forms)."""

from __future__ import annotations

import re

REGION_RE = re.compile(r"comment|kommentar|respons|discussion|disqus|replies|reactions|talkback", re.I)
# names that are comment-ish but never a comment nor a region of them
NOT_COMMENT_RE = re.compile(
    r"form|respond|comments?-?link|count|notes|nocomment|reply-title|feed|rss|subscribe|policy|closed|"
    r"recent|popular|latest|top-comment|most-comment|pagination|navigation|comment-nav|login|captcha|"
    r"comment-input|comments-title|comments-head",
    re.I,
)
# ancestors that never hold the page's comments
EXCLUDED_TAGS = {"nav", "aside", "form", "header", "select", "button", "script", "style", "noscript", "template"}
EXCLUDED_RE = re.compile(
    r"sidebar|related|recent|popular|breadcrumb|navbar|menu|advert|sponsor|promo|"
    r"share|sharing|social|product|review|recommended|most-|shop|cart|newsletter|subscribe",
    re.I,
)
# author signals: by class/id/itemprop/rel, by link target, by lead-in words
AUTHOR_CLASS_RE = re.compile(
    r"author|user|commenter|poster|nick|vcard|member|byline|(?:^|[\s_-])(?:fn|name)(?:$|[\s_-])", re.I
)
AUTHOR_HREF_RE = re.compile(r"/(?:user|users|u|profile|profiles|member|members|author|people)/|[?&](?:u|uid|userid)=")
AUTHOR_LEAD_RE = re.compile(
    r"^\s*(?:posted|written|comment(?:ed)?|submitted)\s+by\b|^\s*by\s+\S|"
    r"^\s*(?:geschrieben|verfasst|kommentiert|eingetragen)\s+von\s+\S|^\s*(?:écrit|publié|posté)\s+par\s+\S|"
    r"^\s*(?:escrito|publicado)\s+por\s+\S|^\s*(?:scritto|pubblicato)\s+da\s+\S|^\s*geschreven\s+door\s+\S",
    re.I,
)
AUTHOR_TAGS = {"a", "span", "cite", "strong", "b", "em", "div", "p", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td"}
TIME_CLASS_RE = re.compile(r"date|time|ago|published|posted|when", re.I)
ITEM_TAGS = {"li", "div", "article", "section", "dd", "dt", "table", "tr", "td", "blockquote"}
ITEM_WORD_RE = re.compile(r"comment|reply|response|message|entry|item|post|note|kommentar", re.I)
CONTAINER_RE = re.compile(
    r"(?:^|[-_])(?:list|area|wrap|wrapper|container|section|block|thread|threads|comments|replies|children)$|"
    r"^(?:children|comments|replies|commentlist)",
    re.I,
)
REGION_TAGS = ITEM_TAGS | {"ol", "ul", "dl", "main"}
PROSE_TAGS = {"p", "blockquote", "pre", "code", "q"}
# a paragraph with one of these names is a comment's header or footer, not its prose
META_RE = re.compile(r"footer|meta|posted|byline|info|author|date|header|signature|details|comment-data", re.I)
FILLER_RE = re.compile(
    r"\b(?:says?|said|wrote|schrieb|sagt|sagte|dit|a dit|posted|by|at|on|am|um|von|reply|antworten|répondre|"
    r"report|share|like|likes|permalink|edit|link|quote|flag|delete|vote|upvote|downvote|points?)\b|[\W\d_]",
    re.I,
)
MAX_SIGNATURES = 12  # candidate signatures walked in full (each walk is linear in the region)
