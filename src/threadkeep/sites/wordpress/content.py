"""A WordPress comment's own text: its content element without reply links, avatars, metadata
and other noise, read in place when the noise is among its own children, else from a copy."""

from __future__ import annotations

import copy
import re
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from threadkeep.html.authors import SAYS_WORDS
from threadkeep.html.sanitize import clean_html, element_text
from threadkeep.sites.wordpress.markup import NOISE_CLASS_PART, NOISE_CLASSES, NOISE_TAGS, aliased
from threadkeep.sites.wordpress.nodes import CommentNode


def _content_box(node: CommentNode, roots: list | None, el, noise: dict, *, drop_empty: bool):
    """The content element (el) or a copy of it without noise; with no el, a box of the roots.

    noise: what _noise_in(el, roots) answers."""
    if noise:
        # What a copy with the noise dropped would be, built without copying the noise: the
        # subtrees that hold none are copied whole, the elements that hold some one by one.
        try:
            if el is not None:
                box = _shallow_copy(el)
                box.tail = None
                children = list(el)
            else:
                box = lxml_html.Element("div")
                box.text = node.el.text
                children = roots
            held = _copy_without(box, children, noise)
        except _NotExact:
            pass  # copied and cleaned below
        else:
            if drop_empty:
                _drop_empty(box, held)
            return box
    if el is not None and not _needs_cleaning(el, drop_empty=drop_empty):
        return el  # nothing to take out: read it where it is (content() changes nothing)
    if el is not None:
        box = copy.deepcopy(el)
        box.tail = None
        pairs = zip(el.iter(), box.iter(), strict=True) if noise else ()
    else:
        box = lxml_html.Element("div")
        box.text = node.el.text
        for root in roots:
            box.append(copy.deepcopy(root))
        originals = (d for r in roots for d in r.iter())
        pairs = zip(originals, (d for c in box for d in c.iter()), strict=True) if noise else ()
    held: set = set()
    for original, twin in list(pairs):  # the author line and date (add_noise), found in the copy
        state = noise.get(original)
        if state and not _noisy(original):
            if state == _WITH_TAIL:
                twin.tail = None
            held.update(twin.iterancestors())
            _drop(twin)
    _drop_noise(box, held)
    if drop_empty:
        _drop_empty(box, held)
    return box


# Elements whose text HTML does not escape (or reads as markup): a content element of these is copied.
_RAW_TEXT_TAGS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "plaintext", "iframe", "noembed", "noframes", "noscript"}
)


def _read_in_place(el) -> tuple[str, str] | None:
    """What content(_content_box(..., drop_empty=True)) answers, read from el where it is.

    For the common shapes: no noise in el, or author, meta and reply markup among el's own
    children and none deeper; and no block that would be left wordless. The HTML is then el's
    text and its other children serialised as they stand, the text a walk that leaves the noise
    out: copying el without the noise (_copy_without) and dropping empty blocks cost more than
    reading it. None for any other shape: the caller builds the copy.
    """
    if el.tag in _RAW_TEXT_TAGS:
        return None
    noise = {}
    pieces = [_escape_text(el.text)] if el.text else []
    for child in el:
        if isinstance(child.tag, str):
            if _noisy(child):
                noise[child] = True
                if child.tail:
                    pieces.append(_escape_text(child.tail))
                continue
            if _needs_cleaning(child, drop_empty=True, itself=True):
                return None  # noise deeper down, or a block _drop_empty would take out of the copy
        pieces.append(lxml_html.tostring(child, encoding="unicode"))  # with its tail, as in the copy
    html = clean_html("".join(pieces))
    return html, element_text(el, leave_out=noise) if html else ""


def _escape_text(text: str) -> str:
    """Text as markup whose parse is that text (the sanitizer parses what it is given)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _needs_cleaning(el, *, drop_empty: bool, itself: bool = False) -> bool:
    """Whether a content element holds noise (or, with drop_empty, a wordless block) to take out.

    itself: el is looked at too (a child of the content element, in a copy of it)."""
    for d in el.iter() if itself else el.iterdescendants():
        tag = d.tag
        if not isinstance(tag, str):
            continue
        if _noisy(d) or (drop_empty and tag in _EMPTY_CANDIDATES and _blank(d)):
            return True
    return False


def _noisy(el) -> bool:
    """Whether el is author, meta, reply or like markup (by tag or class) that a content copy drops."""
    return _noise_key(el.tag, el.get("class"))


@lru_cache(maxsize=4096)  # per tag and class attribute: a page repeats a few
def _noise_key(tag, raw_class: str | None) -> bool:
    if not isinstance(tag, str):
        return False  # a comment or a processing instruction
    if tag in NOISE_TAGS:
        return True
    if not raw_class:
        return False
    return not NOISE_CLASSES.isdisjoint(aliased(raw_class).split()) or NOISE_CLASS_PART.search(raw_class) is not None


def _noise_in(el, roots: list) -> dict:
    """The noise elements a content box would drop, outermost only, and each element that holds one.

    With a content element: its descendants; else the roots and their descendants. Answers
    {noise element: True, element holding noise: False} (empty when there is nothing to drop).
    """
    found: dict = {}
    for top in (el,) if el is not None else roots:
        walker = etree.iterwalk(top, events=("start",))
        for _, d in walker:
            if d is el or not _noisy(d):
                continue
            walker.skip_subtree()
            found[d] = True
            if d is top:
                continue
            for anc in d.iterancestors():
                if anc is el or anc in found:
                    break
                found[anc] = False
                if anc is top:
                    break
    return found


_WITH_TAIL = "with tail"  # a noise element dropped with its tail
_SAYS_WORDS = frozenset(w.casefold() for w in SAYS_WORDS)


def add_noise(found: dict, extra: list, el, roots: list | None) -> None:
    """Add to what _noise_in found the elements the author and date were read from.

    Each is dropped whole (with its tail when that is only a "says:" word), and its ancestors up
    to the content element (el) or its root are marked as holding noise, as _noise_in does."""
    tops = (el,) if el is not None else tuple(roots or ())
    for e in extra:
        if found.get(e) is True or any(found.get(anc) is True for anc in e.iterancestors()):
            continue  # already dropped with an ancestor
        tail = (e.tail or "").strip().strip(":.…").strip().casefold()
        found[e] = _WITH_TAIL if tail in _SAYS_WORDS else True
        if any(e is t for t in tops):
            continue
        for anc in e.iterancestors():
            if anc is el or anc in found:
                break
            found[anc] = False
            if any(anc is t for t in tops):
                break


class _NotExact(Exception):
    """A shallow copy that might not serialise as a deep copy does."""


def _shallow_copy(el):
    """el without its children (text and tail kept), as deepcopy would have it."""
    attrib = el.attrib
    if "" in attrib.values():
        raise _NotExact  # an attribute written without a value would be written with ="" after all
    try:
        new = el.makeelement(el.tag, attrib)  # the page's parser, so its element classes, as deepcopy
    except ValueError:  # a name lxml takes from the parser but not from us
        raise _NotExact from None
    new.text, new.tail = el.text, el.tail
    return new


def _copy_without(box, children: list, noise: dict) -> set:
    """Append to box copies of children without the noise (each dropped one's tail kept, as drop_tree
    does); answers the copies that held noise."""
    held = {box}
    stack = [(box, children)]
    while stack:
        dst, kids = stack.pop()
        last = None
        for child in kids:
            state = noise.get(child)
            if state is None:  # holds no noise: copied whole (with its tail)
                last = copy.deepcopy(child)
                dst.append(last)
            elif state:  # noise: dropped, its tail joins the text before it (but a "says:")
                tail = child.tail if state != _WITH_TAIL else None
                if tail:
                    if last is None:
                        dst.text = (dst.text or "") + tail
                    else:
                        last.tail = (last.tail or "") + tail
            else:  # holds noise: copied without children, which follow
                last = _shallow_copy(child)
                dst.append(last)
                held.add(last)
                stack.append((last, list(child)))
    return held


_EMPTY_CANDIDATES = ("p", "div", "span", "header", "footer", "aside", "section")  # blocks that may be left empty


def _drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()


def _drop_noise(box, held: set) -> None:
    """Remove author, meta, reply and like markup from a comment's content copy (their holders into held)."""
    junk = [el for el in box.iterdescendants() if _noisy(el)]
    for el in junk:
        # an ancestor dropped first takes its descendants along; dropping them again is harmless
        held.update(el.iterancestors())
        _drop(el)


def _drop_empty(box, held: set) -> None:
    """Drop blocks with nothing to show, and blocks that held noise left with no word and no image (a
    byline's separators); a block of the commenter's own "+" or "-" stays."""
    for el in list(box.iter(*_EMPTY_CANDIDATES)):
        if el is not box and el.getparent() is not None and (_blank(el) or (el in held and _wordless(el))):
            _drop(el)


def _blank(el) -> bool:
    """No visible character in el's text and no image in it."""
    text = el.text
    if text and _VISIBLE.search(text):
        return False
    return not any(map(_VISIBLE.search, el.itertext())) and next(el.iter("img"), None) is None


_VISIBLE = re.compile(r"\S")


def _wordless(el) -> bool:
    """No word character in el's text and no image in it."""
    text = el.text  # text_content() starts with it: most blocks answer here
    if text and _WORD.search(text):
        return False
    return not _has_word(el) and next(el.iter("img"), None) is None


_WORD = re.compile(r"\w")


def _has_word(el) -> bool:
    """Whether el's text_content() has a word character, stopping at the first text that has one."""
    return any(map(_WORD.search, el.itertext()))  # the text nodes string() joins, in order
