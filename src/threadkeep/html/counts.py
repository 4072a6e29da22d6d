"""How many comments a page says its thread has: "32 Comments", "Kommentare (12)", "One Response",
"Dieser Artikel hat 32 Kommentare.", "100 of 427 comments", a bare "13" linked to #comments.

`declared_count(page)` reads the thread's headings and count labels (never a sidebar, a menu or
a widget listing other posts) and returns the count most of them agree on, or None when the
page says nothing. A site that knows better (a platform's own counter) overrides
`Site.declared_count`; this is the default.
"""

from __future__ import annotations

import re
from collections import Counter

from threadkeep.html.page import Page

_NOUNS = (
    r"comments?|responses?|replies|thoughts?|reactions?|kommentare?n?|antworten|reaktionen|"
    r"commentaires?|réponses?|comentarios?|comentários?|respuestas?|commenti|risposte|reacties|"
    r"opmerkingen|kommentarer|kommentit|komentarzy|komentarze|komentář[eů]?|hozzászólás|yorum"
)
_SINGULAR = {
    "comment",
    "response",
    "thought",
    "reaction",
    "kommentar",
    "commentaire",
    "comentario",
    "comentário",
    "réponse",
    "respuesta",
    "reactie",
}
# what may follow "32 comments": the end, punctuation, or the words that lead to the title or
# the state ("on “…”", "zu", "sur", "so far", "loaded"); not "deleted", "share", "level"
_AFTER = (
    r"(?=\s*$|\s*[^\w\s]|\s+(?:on|to|for|about|in|so|loaded|shown|zu|zum|zur|für|auf|bisher|sur|à|pour|en|"
    r"para|sobre|a|su|per|op|over|bij|til|på|om|do|na|w)\b)"
)
_NUMBER = r"(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d{1,6})"
# "32 Comments", "32 Responses to “Title”", "hat 32 Kommentare", "100 of 427 comments"
_COUNT_FIRST = re.compile(
    r"(?<![\w.,])(?:" + _NUMBER + r"\s+(?:of|von|de|sur|di)\s+)?" + _NUMBER + r"\s+(" + _NOUNS + r")\b" + _AFTER, re.I
)
# "Comments (26)", "Kommentare ( 56 )", "Reader Comments (3)", "Comments: 3"
_COUNT_AFTER = re.compile(r"\b(?:" + _NOUNS + r")\s*(?:\(\s*" + _NUMBER + r"\s*\)|:\s*" + _NUMBER + r"\b)", re.I)
# "All Comments 144": a count after the noun, ending a short label
_COUNT_END = re.compile(r"^[^\d]{0,20}\b(?:" + _NOUNS + r")\s+" + _NUMBER + r"$", re.I)
_WORDS = re.compile(
    r"^\W*(?:(one|a single|ein|eine|un|une|uno|una|um|uma|één|en|ett|jeden|jedna)|"
    r"(no|keine|aucun|aucune|ningún|nessun|geen|ingen|brak))\s+(?:" + _NOUNS + r")\b",
    re.I,
)
_MORE = re.compile(r"\b(?:more|weitere|plus de|más|altri|meer|flere|older|newer)\s*$", re.I)
_SKIP_RE = re.compile(r"sidebar|recent|popular|related|latest|menu|(?<!ca)nav|breadcrumb|teaser|most-", re.I)
_LABEL_RE = re.compile(r"comment|kommentar|respons|discussion|reacti", re.I)
_THREAD_HREF = re.compile(r"#(?:comments?|respond|disqus_thread|kommentare|discussion|reactions|responses)$", re.I)
# a count label's own name (a comment's body, also named "comment", is no label)
_COUNTER_RE = re.compile(r"count|title|head|number|total|num\b|cnt|link|meta|stat|tab|summary|info", re.I)
# the stems of the nouns above, case-sensitive: a cheap first test of every text node
_NOUN_HINT = re.compile(
    r"omment|OMMENT|hought|HOUGHT|espons|ESPONS|eplies|EPLIES|éponse|omentar|espuest|ispost|eacti|pmerking"
)
_NOT_LABELS = {"script", "style", "noscript", "template", "textarea", "option", "title", "head"}
MAX_LABEL = 90  # characters: a count label is short; longer text is prose that mentions comments
LONG_LABEL = 300  # ... unless it starts with the count (a heading followed by the post's title)


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _agreed(m: re.Match) -> int | None:
    """The number, when the noun agrees with it: "2 Comment deleted" (a "level 2" badge and a
    stub) is no count; "1 Comment", "2 Comments", "1 Kommentar", "2 Kommentare" are."""
    value = _number(m.group(2))
    if value != 1 and m.group(3).lower() in _SINGULAR:
        return None
    return value


def read_count(text: str) -> int | None:
    """The comment count a short label states, or None."""
    text = " ".join(text.split())
    if not text or len(text) > LONG_LABEL:
        return None
    if len(text) > MAX_LABEL:
        # a heading that goes on with the post's title: "5 thoughts on “…”", "32 Responses to …"
        m = _COUNT_FIRST.match(text)
        return _agreed(m) if m and not m.group(1) else None
    m = _COUNT_FIRST.search(text)
    if m and not _MORE.search(text[: m.start(2)]):
        return _agreed(m)
    m = _COUNT_AFTER.search(text)
    if m:
        return _number(m.group(1) or m.group(2))
    m = _COUNT_END.search(text)
    if m:
        return _number(m.group(1))
    m = _WORDS.search(text)
    if m:
        return 1 if m.group(1) else 0
    return None


def _skipped(el) -> bool:
    for a in el.iterancestors():
        if a.tag in ("nav", "form", "select", "script", "style", "noscript", "template"):
            return True
        if a.tag in ("body", "html"):
            break
        names = f"{a.get('class') or ''} {a.get('id') or ''}"
        if names.strip() and _SKIP_RE.search(names):
            return True
    return False


_COUNTABLE = re.compile(
    r"\d|\b(?:one|a single|ein|eine|un|une|uno|una|um|uma|één|en|ett|no|keine|aucun|aucune)\b", re.I
)


def _has_number_near(el) -> bool:
    """A digit in el's own text or its children's text and tails (not deeper: cheap)."""
    if el.text and _COUNTABLE.search(el.text):
        return True
    for child in el[:8]:
        if (child.text and child.text.strip().isdecimal()) or (child.tail and _COUNTABLE.search(child.tail)):
            return True
    return False


def _label(el):
    """The widest element around a count word that is still a short label (up to 3 levels)."""
    best = el if len(" ".join(el.text_content().split())) <= LONG_LABEL else None
    node = el
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag in ("body", "html") or len(" ".join(node.text_content().split())) > MAX_LABEL:
            break
        best = node
    return best


# where themes put the thread's heading ("<div id=comments><h2>5 thoughts on …", Blogger's
# "<div id=comments><h4>96 comments:"): looked up by id (a table lookup, not a scan)
THREAD_IDS = ("comments", "comments-title", "comment-count", "comments-count", "comments-header", "kommentare")
_HEADING_NAME = re.compile(r"title|count|head|number|total", re.I)
_HEADS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _thread_heading_count(page: Page) -> int | None:
    """The count in the thread's own heading, where themes put it (the first elements of the
    thread box: a heading, a "comments-title" or a counter)."""
    for element_id in THREAD_IDS:
        box = page.by_id(element_id)
        if box is None:
            continue
        for n, el in enumerate(box.iter()):
            if n >= 12:
                break
            if not isinstance(el.tag, str):
                continue
            if el is box or el.tag in _HEADS or _HEADING_NAME.search(el.get("class") or ""):
                value = read_count(el.text_content()[: 4 * LONG_LABEL])
                if value is not None and not _skipped(el):
                    return value
    return None


def declared_count(page: Page) -> int | None:
    """How many comments the page says the thread has (None when it says nothing): the thread
    heading's count where themes put it (cheap), else what most of the page's count labels say."""
    try:
        value = _thread_heading_count(page)
    except ValueError:
        value = None
    return value if value is not None else _labels_count(page)


def _labels_count(page: Page) -> int | None:
    seen: Counter[int] = Counter()
    first: dict[int, int] = {}
    labels: dict[object, None] = {}
    bare: list[tuple[object, int]] = []
    hint = _NOUN_HINT.search
    for el in page.tree.iter():  # one pass; the cheap tests first (most text is neither)
        text = el.text
        if text and len(text) <= LONG_LABEL:
            if hint(text):
                labels[el] = None
            elif len(text) <= 12 and text.strip().isdecimal():
                bare.append((el, int(text.strip())))
        tail = el.tail
        if tail and len(tail) <= LONG_LABEL and not tail.isspace() and hint(tail):
            parent = el.getparent()
            if parent is not None:
                labels[parent] = None
    labels = {el: None for el in labels if isinstance(el.tag, str) and el.tag not in _NOT_LABELS}
    bare = [(el, v) for el, v in bare if isinstance(el.tag, str)]
    values: list[tuple[object, int]] = []
    done: set = set()
    for el in labels:
        # most text naming comments holds no number ("Leave a comment", "Reply", a comment's own
        # words): only an element whose text (or its parent's) holds a digit or a number word is read
        parent = el.getparent()
        if not (_COUNTABLE.search(el.text_content()[:600]) or (parent is not None and _has_number_near(parent))):
            continue
        label = _label(el)
        if label is None or label in done:
            continue
        done.add(label)
        value = read_count(label.text_content())
        if value is not None:
            values.append((label, value))
    for el, value in bare:
        # a bare number linked to the thread ("13" in the byline, to #comments), or in a counter
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        link = el if el.tag == "a" else next(el.iterancestors("a"), None)
        href = link.get("href") or "" if link is not None else ""
        if el.text_content().strip() != el.text.strip():
            continue
        if _THREAD_HREF.search(href) or (_LABEL_RE.search(names) and _COUNTER_RE.search(names)):
            values.append((el, value))
    for el, value in values:
        if _skipped(el):
            continue
        seen[value] += 1
        first.setdefault(value, len(first))
    if not seen:
        return None
    # the count most labels agree on; among as many, the first shown
    return min(seen, key=lambda v: (-seen[v], first[v]))
