"""The generic comment finder: comments on pages no site claims.

`find_comments` looks for repeated blocks of one signature (tag + first class name, or id
pattern) that sit in a comment-ish region (class/id naming comments, replies, responses,
discussion) or carry a comment-ish name themselves, and that each hold exactly one author
signal plus some text of their own. Nesting comes from the structure: a block inside another
block of the same signature is its reply. The outermost signature that qualifies wins
(li.comment over its div.comment-author). It is conservative: navigation, sidebars, widgets
("recent comments"), forms and the article itself never hold comments, and a block whose only
text is its author line is not a comment.

Everything walks the tree with lxml iterators (`iter`, `iterwalk`) and explicit stacks: no
recursion, and work stays about linear in the page size however deeply it nests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from threadkeep.dates import DATE_RE, RELATIVE_TIME_RE
from threadkeep.finder.build import _author_name, _build, _Signals
from threadkeep.finder.names import (
    AUTHOR_CLASS_RE,
    AUTHOR_HREF_RE,
    AUTHOR_LEAD_RE,
    AUTHOR_TAGS,
    CONTAINER_RE,
    EXCLUDED_RE,
    EXCLUDED_TAGS,
    FILLER_RE,
    ITEM_TAGS,
    ITEM_WORD_RE,
    MAX_SIGNATURES,
    META_RE,
    NOT_COMMENT_RE,
    PROSE_TAGS,
    REGION_RE,
    REGION_TAGS,
    TIME_CLASS_RE,
)
from threadkeep.html.page import Page
from threadkeep.html.select import classes
from threadkeep.html.text import text_of
from threadkeep.model import Comment


def _signature(el) -> str | None:
    """tag + first class name (digits masked), else tag + id pattern; None when unnamed."""
    cls = el.get("class")
    if cls and not cls.isspace():
        first_name = cls.split(None, 1)[0].lower()
        if any(ch.isdecimal() for ch in first_name):
            first_name = re.sub(r"[0-9]+", "#", first_name)
        if any(ch.isalpha() for ch in first_name):  # a bare number ("1510": a parent's id) names nothing
            return f"{el.tag}.{first_name}"
    eid = el.get("id")
    if eid and re.search(r"\d", eid):
        return f"{el.tag}#{re.sub(r'[0-9]+', '#', eid.lower())}"
    return None


def find_comments(page: Page, *, exclude=None) -> list[Comment]:
    """Comments of an unknown theme, nested by structure; [] when nothing qualifies for sure.

    exclude: the article body: neither it nor what holds it is ever a comment.
    """
    return locate_comments(page, exclude=exclude)[0]


def locate_comments(page: Page, *, exclude=None) -> tuple[list[Comment], list]:
    """find_comments, and the elements of the top-level comments (to cut them out of a body)."""
    root = page.tree.find("body")
    if root is None:
        root = page.tree
    regions, named = _candidates(root, exclude)
    if not regions and not named:
        return [], []
    by_sig: dict[str, list] = {}
    for el in named:
        sig = _signature(el) if el.tag in ITEM_TAGS else None
        if sig:
            by_sig.setdefault(sig, []).append(el)
    for region in regions:
        for el in region.iterdescendants(*ITEM_TAGS):
            sig = _signature(el)
            if sig:
                by_sig.setdefault(sig, []).append(el)
    blocked = _ancestors_or_self(exclude)
    for sig in list(by_sig):
        key = sig.split(".", 1)[-1].split("#", 1)[-1]
        unique = list(dict.fromkeys(el for el in by_sig[sig] if el not in blocked))
        if not unique or NOT_COMMENT_RE.search(key) or CONTAINER_RE.search(key):
            del by_sig[sig]
            continue
        by_sig[sig] = unique
    if not by_sig:
        return [], []
    scope = _scope(root, [*regions, *named])
    signals = _classify(scope)
    # most blocks first; among as many, the outermost first (it wins ties)
    ranked = sorted(by_sig.items(), key=lambda kv: (-len(kv[1]), _depth(kv[1][0])))[:MAX_SIGNATURES]
    best = None
    for sig, elements in ranked:
        if best is not None and len(elements) < best[0][0] * 1.1 + 0.5:
            if len(elements) * 1.1 + 0.5 < best[0][0]:
                break  # too few blocks to beat the best (ranked by number of blocks)
            if best[0][1] and _inside(elements[0], best[3]):
                continue  # parts of the best blocks (their author line, their text) cannot beat them
        result = _evaluate(sig, elements, signals, scope)
        if result is None:
            continue
        good, depth_sum, instances = result
        score = (good, 1 if ITEM_WORD_RE.search(sig) else 0, -depth_sum / max(good, 1))
        if best is None or _better(score, best[0]):
            best = (score, sig, instances, {rec["el"] for rec in instances})
    if best is None:
        return [], []
    return _build(page, best[2], signals)


def _depth(el, limit: int = 400) -> int:
    n = 0
    for _ in el.iterancestors():
        n += 1
        if n >= limit:
            break
    return n


def _inside(el, blocks: set, limit: int = 400) -> bool:
    for n, a in enumerate(el.iterancestors()):
        if a in blocks:
            return True
        if n >= limit:
            break
    return False


def _better(score, best) -> bool:
    """More good blocks wins; near-ties go to comment-ish names, then to the outermost blocks."""
    good, named, depth = score
    bgood, bnamed, bdepth = best
    if good >= bgood * 1.1 + 0.5:
        return True
    if bgood >= good * 1.1 + 0.5:
        return False
    if named != bnamed:
        return named > bnamed
    if depth != bdepth:
        return depth > bdepth
    return good > bgood


def _ancestors_or_self(el) -> set:
    if el is None:
        return set()
    out = {el}
    out.update(el.iterancestors())
    return out


def _excluded_el(el) -> bool:
    if el.tag in EXCLUDED_TAGS:
        return True
    names = classes(el)
    return bool(names.strip() and EXCLUDED_RE.search(names))


def _candidates(root, exclude) -> tuple[list, list]:
    """Comment-ish regions (outermost) and comment-ish named elements outside excluded parts."""
    regions: list = []
    named: list = []
    # one pass in document order; a stack of open elements tells what an element is inside
    stack: list[tuple[object, bool, bool]] = []  # (element, excluded, region)
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "end":
            if stack and stack[-1][0] is el:
                stack.pop()
            continue
        parent_excluded = stack[-1][1] if stack else False
        parent_region = stack[-1][2] if stack else False
        is_excluded = parent_excluded or _excluded_el(el)
        is_region = parent_region
        if not is_excluded:
            names = classes(el)
            if (
                names.strip()
                and el.tag not in ("body", "html")
                and REGION_RE.search(names)
                and not NOT_COMMENT_RE.search(names)
            ):
                named.append(el)
                if not parent_region and el.tag in REGION_TAGS:
                    regions.append(el)
                    is_region = True
        stack.append((el, is_excluded, is_region))
    # a region that holds the article is not a comment region; its inner regions are
    if exclude is not None:
        holders = _ancestors_or_self(exclude)
        regions = [r for r in regions if r not in holders]
    return regions, named


def _scope(root, members: Iterable) -> list:
    """The outermost of these elements (one walk of the page: linear however deep it nests)."""
    members = set(members)
    tops: list = []
    inside = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if el in members:
            if event == "start":
                if inside == 0:
                    tops.append(el)
                inside += 1
            else:
                inside -= 1
    return tops


def _classify(scope: list) -> _Signals:
    """Author and time signals in the candidate subtrees (one pass over each)."""
    s = _Signals()
    for top in scope:
        for el in top.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag in EXCLUDED_TAGS:
                s.excluded.add(el)
            names = classes(el).strip()
            if _is_time(el, names):
                s.time.add(el)
            if el.tail and len(el.tail) < 120 and DATE_RE.search(el.tail):
                parent = el.getparent()
                if parent is not None and parent.tag not in PROSE_TAGS:
                    s.time.add(parent)
            if _is_author(el, names) and not _is_mention(el):
                s.author.add(el)
    # a name shown right beside a comment's time is its author ("<a>Jessiica77</a> <span>11
    # minutes ago</span>", "Posted by <a>X</a> at 3:09 PM"), whatever its class says
    for t in list(s.time):
        if t not in s.author and _SEPARATED.search(text_of(t)[:160]) and _author_name(t)[0]:
            s.author.add(t)  # "Heidemarie Heim | Di, 21. April 2020 - 16:40", "Oct 24, 2012 | <a>Chris</a>"
            continue
        for near in (t.getprevious(), t.getnext()):
            if near is not None and near not in s.time and near not in s.author and _looks_like_name(near):
                s.author.add(near)
                break
    return s


def _is_prose(el) -> bool:
    """A paragraph of text (names in it are mentions); a paragraph named as a comment's header
    or footer ("p.comment-footer": "Posted by: X | date") is no prose."""
    return el.tag in PROSE_TAGS and not (el.get("class") and META_RE.search(el.get("class")))


def _is_mention(el) -> bool:
    """An "@name" link inside a comment's text names someone else, not the comment's author."""
    prev = el.getprevious()
    before = (prev.tail if prev is not None else (el.getparent().text if el.getparent() is not None else "")) or ""
    return before.rstrip().endswith("@") or (el.text or "").startswith("@")


def _looks_like_name(el) -> bool:
    """A short link or emphasised name: a few words, letters, no sentence, no date."""
    if not isinstance(el.tag, str) or el.tag not in ("a", "strong", "b", "cite", "span") or len(el) > 2:
        return False
    text = text_of(el)
    if not 1 < len(text) <= 40 or len(text.split()) > 4 or text.endswith((".", "!", "?")):
        return False
    if DATE_RE.search(text) or RELATIVE_TIME_RE.search(text):
        return False
    return _author_name(el)[0] is not None


_EMOTICON = re.compile(r"(?<!\S)[:;=8xX][-'^o]?[()\[\]DPpOo3|/\\*]+(?!\S)|(?<!\S)<3(?!\S)|\^_?\^")
_SEPARATED = re.compile(r"\S\s*[|·•]\s*\S")
MACHINE_DATE_PROPS = ("datecreated", "datepublished", "schema:datecreated", "dc:date", "dcterms:created")


def _is_time(el, names: str) -> bool:
    if el.tag == "time" or (el.tag == "abbr" and el.get("title")):
        return True
    prop = (el.get("itemprop") or el.get("property") or "").lower()
    if prop in MACHINE_DATE_PROPS and (el.get("content") or el.get("datetime")):
        return True
    if names and TIME_CLASS_RE.search(names) and len(el) < 8:
        return True
    text = (el.text or "").strip()
    if not text or len(text) >= 120:
        return False
    # mostly a date: "about an hour ago", "March 3, 2021 at 5:00 pm" (not a sentence that says "yesterday")
    m = DATE_RE.search(text) or RELATIVE_TIME_RE.search(text)
    if not m:
        return False
    rest = len(text) - (m.end() - m.start())
    return rest <= (12 if m.group(0).isalpha() else 30)  # "yesterday" alone, not "I was there yesterday!!"


_FIELD_NAME = re.compile(r"field-{1,2}name-\S*")  # Drupal's "field--name-comment-body" names a field, not a person


def _short(el, limit: int = 200) -> bool:
    """Whether el's text is at most limit characters (read only as far as needed)."""
    n = 0
    for piece in el.itertext():
        n += len(piece.strip())
        if n > limit:
            return False
    return True


def _is_author(el, names: str) -> bool:
    if el.tag not in AUTHOR_TAGS:
        return False
    if el.tag == "cite" or el.get("itemprop") == "author" or "author" in (el.get("rel") or ""):
        return True
    if names and "avatar" not in names and AUTHOR_CLASS_RE.search(_FIELD_NAME.sub(" ", names)) and _short(el):
        return True
    if el.tag == "a" and AUTHOR_HREF_RE.search(el.get("href") or ""):
        return True
    return bool(el.text and AUTHOR_LEAD_RE.search(el.text))


def _evaluate(sig: str, elements: list, signals: _Signals, scope: list):
    """(good blocks, sum of their depths, instances) for one signature, or None when it fails.

    An instance is good when it holds exactly one author (by name; avatars and repeats of the
    same name count once), outside prose and outside its nested instances, and text of its
    own beyond the author line, the time and the usual filler ("says:", "Reply").
    """
    instance_set = set(elements)
    info: dict[object, dict] = {}
    for top in scope:
        stack: list = []  # open instances
        author_depth = time_depth = prose_depth = excluded_depth = 0
        for event, el in etree.iterwalk(top, events=("start", "end")):
            if not isinstance(el.tag, str):
                if event == "start" and stack and el.tail and not (author_depth or time_depth or excluded_depth):
                    stack[-1]["text"].append(el.tail)
                continue
            if event == "start":
                if el in instance_set:
                    parent = stack[-1]["el"] if stack else None
                    rec = {"el": el, "parent": parent, "authors": [], "times": [], "text": [], "depth": len(stack)}
                    info[el] = rec
                    stack.append(rec)
                    if el.text and not (author_depth or time_depth or excluded_depth):
                        rec["text"].append(el.text)
                    continue
                if el in signals.excluded:
                    excluded_depth += 1
                if _is_prose(el):
                    prose_depth += 1
                if stack:
                    rec = stack[-1]
                    if el in signals.author and not author_depth and not prose_depth:
                        rec["authors"].append(el)
                    if el in signals.time and not time_depth:
                        rec["times"].append(el)
                if el in signals.author and not prose_depth:
                    author_depth += 1
                if el in signals.time:
                    time_depth += 1
                if stack and el.text and not (author_depth or time_depth or excluded_depth):
                    stack[-1]["text"].append(el.text)
            else:
                if el in instance_set and stack and stack[-1]["el"] is el:
                    stack.pop()
                else:
                    if el in signals.author and not prose_depth:
                        author_depth -= 1
                    if el in signals.time:
                        time_depth -= 1
                    if _is_prose(el):
                        prose_depth -= 1
                    if el in signals.excluded:
                        excluded_depth -= 1
                if stack and el is not top and el.tail and not (author_depth or time_depth or excluded_depth):
                    stack[-1]["text"].append(el.tail)
    good = 0
    depth_sum = 0
    instances = []
    for el in elements:
        rec = info.get(el)
        if rec is None:
            continue
        names = {n for n in (_author_name(a)[0] for a in rec["authors"]) if n}
        raw = " ".join(rec["text"])
        own_text = FILLER_RE.sub("", raw)
        rec["ok"] = len(names) == 1 and len(own_text) >= 2
        # "=)", ":-(" : a comment of symbols only, with its author and time like the others
        rec["symbols"] = len(names) == 1 and bool(rec["times"]) and not own_text and bool(_EMOTICON.search(raw))
        if rec["ok"]:
            good += 1
            depth_sum += sum(1 for _ in el.iterancestors()) if good <= 50 else 0
        instances.append(rec)
    if good == 0 or good < 0.6 * len(instances):
        return None
    if good == 1 and not (REGION_RE.search(sig) and instances[0]["times"]):
        return None  # a lone block must name itself a comment and show a time
    if good > 50:
        depth_sum = depth_sum * good / 50
    return good, depth_sum, instances
