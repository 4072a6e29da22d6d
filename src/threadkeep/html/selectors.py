"""A small CSS selector engine for the selectors that sites keep as data: compound selectors
(tag, classes, attributes with =, ~= and ^=) with descendant chains, matched by one walk that
dispatches on each element's tag, class tokens and attribute names.

Why not cssselect: a 10,000-comment page asks a dozen selectors of every element of every
comment; one walk with a per-(tag, class) memo does that in a fraction of the time of a dozen
compiled XPath queries per comment (docs/performance.md). tests/test_selectors.py holds it
against cssselect on every element of every corpus page."""

from __future__ import annotations

import re
from functools import lru_cache

XML_WS = re.compile(r"[ \t\n\r]+")  # what XPath's normalize-space() splits on (str.split() splits on more)
_COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:\.[\w-]+|\[[\w-]+(?:[~^]?=[\w-]+)?\])*)")
_PART = re.compile(r"\.([\w-]+)|\[([\w-]+)(?:([~^]?=)([\w-]+))?\]")


def class_tokens(value: str | None) -> frozenset[str]:
    """The whitespace-separated tokens of an attribute, as `~=` and `.class` see them."""
    return split_tokens(value) if value else frozenset()


@lru_cache(maxsize=4096)  # a page repeats a few class lists thousands of times
def split_tokens(value: str) -> frozenset[str]:
    return frozenset(XML_WS.split(value))


class Compound:
    """One compound selector (`tag.class[attr=value]`), matched the way its cssselect XPath does."""

    __slots__ = ("attrs", "classes", "tag")

    def __init__(self, text: str) -> None:
        m = _COMPOUND.fullmatch(text)
        if not m or not text:
            raise ValueError(f"unsupported selector: {text!r}")
        self.tag = m.group(1)
        self.classes: tuple[str, ...] = ()
        self.attrs: tuple[tuple[str, str | None, str | None], ...] = ()
        for cls, name, op, value in _PART.findall(m.group(2)):
            if cls:
                self.classes += (cls,)
            else:
                self.attrs += ((name, op or None, value if op else None),)

    def key(self) -> tuple[str, str]:
        if self.classes:
            return ("class", self.classes[0])
        if self.tag:
            return ("tag", self.tag)
        return ("attr", self.attrs[0][0])

    def matches(self, el, classes: set[str] | None = None) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.classes:
            if classes is None:
                classes = class_tokens(el.get("class"))
            if not classes.issuperset(self.classes):
                return False
        for name, op, value in self.attrs:
            got = el.get(name)
            if got is None:
                return False
            if op == "=" and got != value:
                return False
            if op == "^=" and not got.startswith(value):
                return False
            if op == "~=" and value not in class_tokens(got):
                return False
        return True


class Selector:
    """A CSS selector of descendant combinators (alternatives after commas), matched in Python.

    `matches(el, scope)` is what `CSSSelector(text)(scope)` would say of an element of scope:
    the ancestors a selector names must lie in scope (scope included). The selectors are few
    and fixed, so one walk of a subtree answers all of them (see `index_matches`): lxml's XPath for
    `.class` runs normalize-space on every element, once per selector.
    """

    __slots__ = ("alternatives", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.alternatives = tuple(
            tuple(Compound(c) for c in alt.split()) for alt in (a.strip() for a in text.split(","))
        )
        if not all(self.alternatives):
            raise ValueError(f"unsupported selector: {text!r}")

    def __repr__(self) -> str:
        return f"Selector({self.text!r})"

    def matches(self, el, scope, classes: set[str] | None = None) -> bool:
        for chain in self.alternatives:
            if chain[-1].matches(el, classes) and (len(chain) == 1 or _ancestors_match(chain[:-1], el, scope)):
                return True
        return False

    def __call__(self, scope) -> list:
        """Every match in scope, in document order (as CSSSelector(text)(scope))."""
        return index_matches([scope], (self,)).get(self, [])


def _ancestors_match(chain: tuple[Compound, ...], el, scope) -> bool:
    """Whether ancestors of el, nearest first and none above scope, match chain from its end."""
    i = len(chain) - 1
    if el is scope:
        return False
    for anc in el.iterancestors():
        if chain[i].matches(anc):
            i -= 1
            if i < 0:
                return True
        if anc is scope:
            break
    return False


def _dispatch(selectors) -> dict[tuple[str, str], list[Selector]]:
    """The selectors by what an element must have for them to match (a class, a tag, an attribute)."""
    table: dict[tuple[str, str], list[Selector]] = {}
    for sel in selectors:
        for key in {chain[-1].key() for chain in sel.alternatives}:
            table.setdefault(key, []).append(sel)
    return table


_DISPATCH_CACHE: dict[tuple, tuple] = {}


def index_matches(roots: list, selectors, skip=None) -> dict[Selector, list]:
    """Every element of the roots (each with its descendants) each selector matches, in order.

    One walk: per selector, the matches root by root, in document order, so the first is what
    `_first` wants. Elements in `skip` are visited but not their descendants.

    What an element's tag, class attribute and attribute names decide is worked out once per
    distinct (tag, class, names) and remembered: the selectors that surely match such an element
    and those that must still look at it (attribute values, ancestors).
    """
    # memos: (tag, class, names) -> (tokens, sure, to check)
    by_class, by_tag, by_attr, names_matter, memos = dispatch_tables(selectors)
    if len(memos) > 4096:
        memos.clear()
    hits: dict[Selector, list] = {}
    for root in roots:
        for el in walk_skipping(root, skip) if skip else root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            key = (tag, el.get("class"), tuple(el.keys()) if names_matter else ())
            memo = memos.get(key)
            if memo is None:
                memo = memos[key] = match_candidates(key, by_class, by_tag, by_attr)
            classes, sure, check = memo
            for sel in sure:
                hits.setdefault(sel, []).append(el)
            for sel in check:
                if sel.matches(el, root, classes):
                    hits.setdefault(sel, []).append(el)
    return hits


def dispatch_tables(selectors) -> tuple:
    """For selectors: (by class, by tag, by attribute name, whether attribute names matter, memos)."""
    selectors = tuple(selectors)
    cached = _DISPATCH_CACHE.get(selectors)
    if cached is None:
        table = _dispatch(selectors)
        by_class = {k[1]: v for k, v in table.items() if k[0] == "class"}
        by_tag = {k[1]: v for k, v in table.items() if k[0] == "tag"}
        by_attr = {k[1]: v for k, v in table.items() if k[0] == "attr"}
        names_matter = any(chain[-1].attrs for sel in selectors for chain in sel.alternatives)
        cached = _DISPATCH_CACHE[selectors] = (by_class, by_tag, by_attr, names_matter, {})
    return cached


def match_candidates(key: tuple, by_class: dict, by_tag: dict, by_attr: dict) -> tuple:
    """For elements of a (tag, class attribute, attribute names): their class tokens, the selectors
    that match every such element, and those that may match one (to be asked per element)."""
    tag, raw, names = key
    classes = set(XML_WS.split(raw)) if raw else set()
    found = list(by_tag.get(tag, ()))
    for c in classes:
        found.extend(by_class.get(c, ()))
    for name in names:
        found.extend(by_attr.get(name, ()))
    sure, check = [], []
    for sel in dict.fromkeys(found):
        verdict = False
        for chain in sel.alternatives:
            last = chain[-1]
            if (last.tag is not None and last.tag != tag) or not classes.issuperset(last.classes):
                continue
            if any(name not in names for name, _, _ in last.attrs):
                continue
            if len(chain) == 1 and all(op is None for _, op, _ in last.attrs):
                verdict = True  # tag, classes and attribute names are all it asks for
                break
            verdict = None  # attribute values or ancestors to look at
        if verdict:
            sure.append(sel)
        elif verdict is None:
            check.append(sel)
    return classes, tuple(sure), tuple(check)


def walk_skipping(root, skip: set):
    """root and its descendants in document order, without the descendants of elements in skip."""
    yield root
    if root in skip:
        return
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        yield child
        if child not in skip:
            stack.append(iter(child))


def compile_selectors(*selectors: str) -> tuple[Selector, ...]:
    """CSS selectors in order of preference, compiled once."""
    return tuple(Selector(s) for s in selectors)
