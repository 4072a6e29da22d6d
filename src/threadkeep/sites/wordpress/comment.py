"""One WordPress comment from its node: author, time, permalink, kind, and its own text."""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from urllib.parse import urljoin

from lxml import html as lxml_html

from threadkeep.dates import displayed_date, parse_date
from threadkeep.html.authors import clean_author
from threadkeep.html.page import Page
from threadkeep.html.text import content, make_author, same_name, squash, text_content, text_of
from threadkeep.model import Article, Comment
from threadkeep.sites.base import content_id
from threadkeep.sites.wordpress.content import _content_box, _drop, _noise_in, _noisy, _read_in_place, add_noise
from threadkeep.sites.wordpress.markup import AUTHOR_NAME, AUTHOR_NOISE, CONTENT, DATE_ATTR, DATE_TEXT, PINGBACK_LINK
from threadkeep.sites.wordpress.nodes import _ANCHOR, CommentNode, _comment_hits, _first, own_roots
from threadkeep.sites.wordpress.when import NumericDates


def comment_of(page: Page, node: CommentNode, article: Article, numeric: NumericDates | None = None) -> Comment:
    """One comment from its node. numeric: the page's numeric dates, settled once every comment is read."""
    hits = _comment_hits(node)  # what every selector below finds (noted on find_comment_nodes' walk)
    cid = node.cid or ""  # an element without a comment id: a stable id from its content, below
    content_el = _first(hits, CONTENT)
    roots = own_roots(node) if node.parts and content_el is None else None
    if roots is not None:  # a Thesis dt header and dd body: the text is the body's
        roots = [r for r in roots if r.getparent() in node.parts] or roots
    # author
    name_el = _first(hits, AUTHOR_NAME)
    if name_el is not None and content_el is not None and _holds(name_el, content_el):
        name_el = None  # an element around the text is not the author line
    # A pingback's "author" is the citing post's title, linked in its text: read as it stands.
    pingback = node.kind != "comment" or (name_el is not None and _after_pingback(name_el))
    name = _author_text(name_el, clean=not pingback)
    url = None
    if name_el is not None:
        link = name_el if name_el.tag == "a" else next(iter(name_el.iter("a")), None)
        if link is not None and not (link.get("href") or "").startswith("#"):
            url = page.absolute(link.get("href"))
    if not name and node.kind != "comment":
        link = _first(hits, PINGBACK_LINK)
        if link is not None:
            name, url = text_of(link) or None, page.absolute(link.get("href"))
    # date: a machine-readable one, the date markup, then the author line
    published, date_el, pending = None, None, None
    el = _first(hits, DATE_ATTR)
    if el is not None:
        published = parse_date(el.get("datetime") or el.get("title") or el.get("content"))
    if published is None:
        candidates = [el for sel in DATE_TEXT for el in hits.get(sel, ())]
        if name_el is not None:
            candidates.append(name_el)
        if cid:  # the comment's permalink, which themes label with its date
            candidates.extend(a for a in hits.get(_ANCHOR, ()) if (a.get("href") or "").endswith(f"#comment-{cid}"))
        for el in candidates:
            if content_el is not None and _holds(el, content_el):
                continue
            for text in (el.get("title"), text_of(el)):  # a title holds the full date of a shown "3 days ago"
                if not text:
                    continue
                pending = NumericDates.parts(text) if numeric is not None else None
                published = None if pending else (_shown_date(text, page) or _machine_date(text))
                if published or pending:
                    break
            if published or pending:
                date_el = el
                break
    # no author markup at all: a short line of the comment's own that holds a date is its byline
    byline = None
    if not name and node.kind == "comment":
        byline = _byline(node, content_el, roots)
        if byline is not None:
            _, name, when, parts = byline
            if published is None and pending is None:
                published, pending = when, parts
    is_post_author = "bypostauthor" in node.classes or same_name(name, article.author.name)
    # permalink
    permalink = None
    for a in hits.get(_ANCHOR, ()):
        href = a.get("href") or ""
        if href.endswith(f"#comment-{cid}") and "replytocom=" not in href:
            base = page.url or article.url
            href = href.strip()
            absolute = href.startswith(("https://", "http://")) and "/." not in href
            permalink = urljoin(base, href) if base and not absolute else href
            break
    if permalink is None and node.cid:
        base = article.url or page.url
        permalink = f"{base.split('#')[0]}#comment-{cid}" if base else f"#comment-{cid}"
    # text: without the author line and the date it was read from
    extra = [e for e in (None if pingback else name_el, date_el, byline[0] if byline else None) if e is not None]
    html, text = _comment_content(node, content_el, roots, extra)
    kind = node.kind
    if kind == "comment" and _PINGBACK_TEXT.match(text):
        kind = text.split(":", 1)[0].strip().lower()
    if not cid:
        cid = content_id(name, published, text)
    comment = Comment(
        id=cid,
        text=text,
        html=html,
        author=make_author(name, url, is_post_author=is_post_author),
        published=published,
        permalink=permalink,
        deleted=False,
        kind=kind,
    )
    if pending is not None and published is None and numeric is not None:
        numeric.later(comment, pending)
    return comment


def _machine_date(text: str) -> str | None:
    """A machine-written date (`2020-04-28T10:27:00+02:00`) in a title; a shown one goes to displayed_date."""
    return parse_date(text) if text[:4].isdecimal() and "-" in text[:8] else None


def _shown_date(text: str | None, page: Page) -> str | None:
    return displayed_date(text, languages=page.languages) if text else None


def _holds(el, inner) -> bool:
    """Whether el is inner or one of its ancestors (both in one comment: el is the shallower one
    when it holds inner, so inner's ancestors are walked only as far as el's depth)."""
    if el is inner:
        return True
    above = el.getparent()
    parent = inner.getparent()
    while parent is not None:
        if parent is el:
            return True
        if parent is above:
            return False  # reached el's parent without passing el
        parent = parent.getparent()
    return False


def _byline(node: CommentNode, content_el, roots):
    """(block, name, ISO date or None, numeric parts or None) of the first or last short block of the
    comment's own that holds a date and, beside it, no more than a name; None when there is none."""
    blocks = [r for r in (roots if roots is not None else own_roots(node)) if r is not content_el]
    if content_el is not None:
        blocks = [b for b in blocks if not _holds(b, content_el)]
    worded = [b for b in blocks if text_of(b)]
    if content_el is None and len(worded) < 2:
        return None  # the comment's only block is its text
    for block in (worded[:2] + worded[-1:]) if len(worded) > 2 else worded:
        line = text_of(block)
        if not line or len(line) > 160:
            continue
        dated = None  # the innermost element that holds the date: the byline proper
        for el in block.iter():
            if isinstance(el.tag, str) and not _noisy(el):
                text = text_of(el)
                if text and (NumericDates.parts(text) or displayed_date(text)):
                    dated = text
        if dated is None:
            continue
        parts = NumericDates.parts(dated)
        when = None if parts else displayed_date(dated)
        named = next((e for e in block.iter("strong", "b", "cite", "a") if text_of(e) and not _noisy(e)), None)
        for candidate in (dated, text_of(named) if named is not None else None, line):
            name = clean_author(_BYLINE_LEAD.sub("", candidate)) if candidate else None
            if name and len(name.split()) <= 6 and not NumericDates.parts(name):
                return block, name, when, parts
    return None


# "Geschrieben von X", "Écrit par X": a verb of writing before the name (clean_author knows "Posted by").
_BYLINE_LEAD = re.compile(
    r"^\s*(?:geschrieben|verfasst|gepostet|eingetragen|écrit|publié|posté|escrito|publicado|scritto|"
    r"pubblicato|geschreven|geplaatst|skrevet|napisane)\s+(?:von|par|por|da|door|av|af|przez)\s+",
    re.IGNORECASE,
)


def _after_pingback(el) -> bool:
    """Whether el follows a "Pingback:" or "Trackback:" lead in its parent."""
    parent = el.getparent()
    lead = (parent.text or "") if parent is not None else ""
    return _PINGBACK_TEXT.match(lead.strip()) is not None


def _author_text(el, *, clean: bool = True) -> str | None:
    if el is None:
        return None
    # Without children only el itself could be noise, and it is never dropped: nothing to copy.
    if len(el) and AUTHOR_NOISE(el):
        el = copy.deepcopy(el)
        el.tail = None
        for junk in AUTHOR_NOISE(el):
            if junk is not el:
                _drop(junk)
    raw = squash(text_content(el))
    if not clean:
        return raw or None
    return _clean_name(raw)


@lru_cache(maxsize=4096)  # a thread repeats its commenters' names
def _clean_name(raw: str) -> str | None:
    name = clean_author(raw)
    if name is None and raw and len(raw) <= 80 and not re.search(r"\d", raw):
        name = raw  # a name of no letters ("?????" where a page lost its characters) is still the name shown
    elif name and raw.startswith("@") and not name.startswith("@"):
        name = "@" + name  # a handle keeps its "@"
    return name


_PINGBACK_TEXT = re.compile(r"(?i)^(pingback|trackback)\s*:")


def _comment_content(node: CommentNode, el, roots: list | None, extra: list) -> tuple[str, str]:
    """HTML and text of a comment without its author, meta, reply and like markup.

    The content element (`.comment-content`, `.comment-text`, `.comment-body`, ...) when there
    is one, else the comment's own markup (roots, when given: a Thesis comment's body). Blocks
    left wordless are dropped, unless that leaves nothing (a comment of only "????" is still a
    comment). el: the content element; extra: the elements the author and date were read from,
    left out too where they are inside the text.
    """
    # The comment's own subtrees: only a box without a content element, or of only noise, reads them.
    if el is None and roots is None:
        roots = own_roots(node)
    extra = [e for e in extra if _inside(e, el, roots) and not _in_noise(e, el if el is not None else node.el)]
    read = _read_in_place(el) if el is not None and not extra else None
    noise = _noise_in(el, roots) if read is None or not read[1] else {}
    if extra:
        add_noise(noise, extra, el, roots)
    html, text = read or content(_content_box(node, roots, el, noise, drop_empty=True))
    if not text:
        html, text = content(_content_box(node, roots, el, noise, drop_empty=False))
    if not text:  # only noise: take all of it rather than nothing
        box = lxml_html.Element("div")
        for root in roots if roots is not None else own_roots(node):
            box.append(copy.deepcopy(root))
        html, text = content(box)
    return html, text


def _in_noise(e, top) -> bool:
    """Whether e, or an ancestor of it below top (the content element or the comment's), is noise
    the text drops anyway."""
    if _noisy(e):
        return True
    for anc in e.iterancestors():
        if anc is top:
            return False
        if _noisy(anc):
            return True
    return False


def _inside(e, el, roots) -> bool:
    """Whether e lies inside the content element (el) or, without one, in one of the roots."""
    if el is not None:
        return e is not el and _holds(el, e)
    tops = set(roots or ())
    return e in tops or any(anc in tops for anc in e.iterancestors())


def dedupe_ids(comments: list[Comment], parents: dict[str, str | None]) -> None:
    """Comment ids are unique in a thread; a repeated one (a theme quirk) gets a suffix."""
    seen: set[str] = set()
    for c in comments:
        if c.id in seen:
            old = c.id
            n = 2
            while f"{old}-{n}" in seen:
                n += 1
            c.id = f"{old}-{n}"
            parents[c.id] = parents.get(old)
        seen.add(c.id)
