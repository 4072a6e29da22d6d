"""Synthetic Blogger and WordPress threads of any size, built from the real markup of corpus pages.

A real comment `<li>` is taken from a corpus page, its whitespace-only text squeezed (the
fixtures are re-indented; served pages are not), and its id, author, date and text turned into
fields. The page's own comments are removed and N fresh ones put in their place, nested as
`shape()` says: every 5th comment (by position), when top-level, has 3 replies, and the first
reply of each such group has 3 of its own, down to the platform's depth: Blogger nests one level
(its threaded layout shows replies to top-level comments only), WordPress down to depth 3 in
`ul.children` lists with `depth-N` classes. Ids, authors, times and texts are fresh and
deterministic (seeded), so a page of a given size is the same on every run.

Nothing large is committed: `bench/run.py` builds the pages into `bench/out/` (git-ignored).

    python bench/synth.py blogger 10000 -o /tmp/bench-$$/blogger-10k.html
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("THREADKEEP_CORPUS") or REPO.parent / "shared") / "corpus"  # as tests/corpus.py
BLOGGER_PAGE = "blogger-threaded/johnhcochrane.blogspot.com_2020-12_free-market-vaccines.html"
BLOGGER_URL = "https://johnhcochrane.blogspot.com/2020/12/free-market-vaccines.html"
WORDPRESS_PAGE = "wordpress/killsixbilliondemons.com_king-of-swords-10-141.html"
WORDPRESS_URL = "https://killsixbilliondemons.com/comic/king-of-swords-10-141/"
PLATFORMS = ("blogger", "wordpress")
MAX_DEPTH = {"blogger": 2, "wordpress": 3}
EVERY = 5  # every 5th comment (by position in the thread) has replies
FANOUT = 3  # ... this many of them (fewer when the thread is full)

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_FIELD = re.compile(r"@@(\w+)@@")
_VOCABULARY = (
    "vaccine market price supply demand risk policy trial evidence argument rule data cost "
    "benefit patient doctor state insurance queue auction model paper abstract result effect "
    "dose group study sample error bias claim reply point question answer reason example case "
    "the a of and to in is that it for on with as was at by this be not are but from or have "
    "an they which one you were all we there can more if no out so said what up its about"
)
_WORDS = _VOCABULARY.split()


def shape(n: int, max_depth: int, *, every: int = EVERY, fanout: int = FANOUT) -> list[int]:
    """The depth of each of n comments in reading order (pre-order): a whole tree, exactly n long.

    Every `every`-th comment by position, if top-level, has `fanout` replies, and so has the first reply of a
    comment with replies, down to max_depth: a chain of nested replies in each block.
    """
    depths: list[int] = []

    def emit(depth: int, first_reply: bool) -> None:
        index = len(depths)
        depths.append(depth)
        if depth < max_depth and ((depth == 1 and index % every == 0) or first_reply):
            for j in range(fanout):
                if len(depths) >= n:
                    return
                emit(depth + 1, j == 0)

    while len(depths) < n:
        emit(1, False)
    return depths


def expected_stats(depths: list[int]) -> dict[str, int]:
    """What `Thread.stats()` must say for a thread of this shape."""
    return {
        "comments": len(depths),
        "top_level": sum(d == 1 for d in depths),
        "max_depth": max(depths, default=0),
        "deleted": 0,
    }


# ----------------------------------------------------------------------------- templates


class Template:
    """A comment's markup with @@FIELD@@ holes, split once so rendering is a join."""

    def __init__(self, markup: str) -> None:
        self.parts = _FIELD.split(markup)  # literal, field, literal, field, ...

    def render(self, fields: dict[str, str]) -> str:
        parts = self.parts[:]
        for i in range(1, len(parts), 2):
            parts[i] = fields[parts[i]]
        return "".join(parts)


def _squeeze(el) -> None:
    """Whitespace-only text and tails become one newline (the fixtures are re-indented)."""
    for node in el.iter():
        if node.text is not None and not node.text.strip():
            node.text = "\n" if "\n" in node.text else node.text
        if node.tail is not None and not node.tail.strip():
            node.tail = "\n" if "\n" in node.tail else node.tail


def _set_text(el, value: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = value


def _markup(el, original_id: str) -> str:
    el = copy.deepcopy(el)
    el.tail = None
    text = lxml_html.tostring(el, encoding="unicode")
    text = text.replace(original_id, "@@ID@@")
    return re.sub(r"showComment=\d+", "showComment=@@MS@@", text)


def _has(cls: str) -> str:
    return _CLASS.format(cls)


@dataclass
class Skeleton:
    """A corpus page cut open: markup before and after the comment list, and the comment templates."""

    platform: str
    url: str
    before: str
    after: str
    templates: dict[str, Template]


def _split_page(root, holder, count_heading=None) -> tuple[str, str]:
    marker = "@@COMMENTS@@"
    for child in list(holder):
        holder.remove(child)
    holder.text = marker
    if count_heading is not None:
        count_heading.text = "@@COUNT@@ comments:"
    page = lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    before, after = page.split(marker)
    return before, after


def blogger_skeleton() -> Skeleton:
    root = lxml_html.document_fromstring((CORPUS / BLOGGER_PAGE).read_bytes())
    comment = f'//li[{_has("comment")}][starts-with(@id, "c")]'
    items = root.xpath(comment)
    parent = next(li for li in items if li.xpath(f".{comment}"))
    leaf = next(li for li in items if not li.xpath(f".{comment}") and not li.xpath(f"ancestor{comment[1:]}"))
    reply = parent.xpath(f".{comment}")[0]
    templates = {}
    for role, li in (("top", leaf), ("parent", parent), ("reply", reply)):
        li = copy.deepcopy(li)
        _squeeze(li)
        replies = li.xpath(f".{comment}")
        if replies:
            holder = replies[0].getparent()
            holder.insert(holder.index(replies[0]), lxml_html.Element("x-slot"))
            for r in replies:
                r.drop_tree()
        _set_text(li.xpath(f".//cite[{_has('user')}]//a")[0], "@@AUTHOR@@")
        _set_text(li.xpath(f".//*[{_has('datetime')}]//a")[0], "@@DATE@@")
        _set_text(li.xpath(f".//*[{_has('comment-content')}]")[0], "@@TEXT@@")
        markup = _markup(li, li.get("id")[1:]).replace("<x-slot></x-slot>", "@@REPLIES@@")
        templates[role] = Template(markup)
    # The page's own comments out (libxml2 re-parents some of them outside the list), the list emptied.
    for li in root.xpath(comment):
        if li.getparent() is not None and not li.xpath(f"ancestor{comment[1:]}"):
            li.drop_tree()
    _squeeze(root)
    holder = root.xpath('//ol[@id="top-ra"]')[0]
    heading = next((h for h in root.xpath('//*[@id="comments"]//h4') if "comments" in (h.text or "")), None)
    before, after = _split_page(root, holder, heading)
    return Skeleton("blogger", BLOGGER_URL, before, after, templates)


def wordpress_skeleton() -> Skeleton:
    root = lxml_html.document_fromstring((CORPUS / WORDPRESS_PAGE).read_bytes())
    holder = root.xpath(f"//ol[{_has('commentlist')}]")[0]
    li = copy.deepcopy(next(li for li in holder if li.xpath("./ul[@class='children']")))
    _squeeze(li)
    for ul in li.xpath("./ul[@class='children']"):
        ul.getparent().replace(ul, lxml_html.Element("x-slot"))
    cite = li.xpath(".//cite")[0]
    author = cite.text_content().strip()
    _set_text(cite, "@@AUTHOR@@")
    time_el = li.xpath(f".//*[{_has('comment-time')}]")[0]
    _set_text(time_el, "@@DATE@@")
    if time_el.get("title"):  # "Friday, May 8th 2020, 10:31pm": read before the shown text
        time_el.set("title", "@@TITLE@@")
    _set_text(li.xpath(f".//*[{_has('comment-text')}]")[0], "@@TEXT@@")
    li.set("class", re.sub(r"\bdepth-\d+", "depth-@@DEPTH@@", li.get("class")))
    markup = _markup(li, li.get("id").removeprefix("comment-")).replace("<x-slot></x-slot>", "@@REPLIES@@")
    markup = markup.replace(f'"{author}"', '"@@AUTHOR@@"').replace(f"Reply to {author}", "Reply to @@AUTHOR@@")
    _squeeze(root)
    before, after = _split_page(root, holder)
    return Skeleton("wordpress", WORDPRESS_URL, before, after, {"comment": Template(markup)})


# ----------------------------------------------------------------------------- the thread


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 24))]
    return " ".join(words).capitalize() + "."


def _fields(platform: str, index: int, depth: int, rng: random.Random, when: datetime) -> dict[str, str]:
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 3))]
    if platform == "blogger":
        cid = str(rng.randrange(10**18, 10**19))
        date = when.strftime("%B %-d, %Y at %-I:%M %p")
        text = "<br>\n<br>\n".join(escape(p) for p in paragraphs)
    else:
        cid = str(400000 + index)
        date = when.strftime("%B %-d, %Y, %-I:%M %p").replace("AM", "am").replace("PM", "pm")
        text = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    return {
        "ID": cid,
        "MS": str(int(when.timestamp() * 1000)),
        "AUTHOR": escape(f"Reader {rng.randrange(1, 5000)}"),
        "DATE": date,
        "TEXT": text,
        "TITLE": when.strftime("%A, %B %-d %Y, %-I:%M") + when.strftime("%p").lower(),
        "DEPTH": str(depth),
        "REPLIES": "",
    }


def build(platform: str, n: int, *, seed: int = 6) -> tuple[str, str, dict[str, int]]:
    """(page HTML, its URL, the stats the extractor must report) for an n-comment thread."""
    skeleton = blogger_skeleton() if platform == "blogger" else wordpress_skeleton()
    depths = shape(n, MAX_DEPTH[platform])
    rng = random.Random(seed)
    start = datetime(2020, 12, 8, 6, 0, tzinfo=UTC)
    fields = [_fields(platform, i, d, rng, start + timedelta(minutes=7 * i)) for i, d in enumerate(depths)]
    # Render bottom-up: a comment's replies are the run of deeper comments right after it.
    rendered: list[str] = [""] * n
    stack: list[int] = []  # indexes of open comments, shallowest first
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, d in enumerate(depths):
        while stack and depths[stack[-1]] >= d:
            stack.pop()
        (children.setdefault(stack[-1], []) if stack else roots).append(i)
        stack.append(i)
    for i in reversed(range(n)):
        kids = children.get(i, [])
        f = fields[i]
        if platform == "blogger":
            f["REPLIES"] = "".join(rendered[k] for k in kids)
            role = "reply" if depths[i] > 1 else ("parent" if kids else "top")
        else:
            f["REPLIES"] = f'<ul class="children">\n{"".join(rendered[k] for k in kids)}</ul>\n' if kids else ""
            role = "comment"
        rendered[i] = skeleton.templates[role].render(f) + "\n"
        for k in kids:
            rendered[k] = ""  # free as we go
    body = "".join(rendered[r] for r in roots)
    before = skeleton.before.replace("@@COUNT@@", str(n))
    return before + body + skeleton.after, skeleton.url, expected_stats(depths)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("platform", choices=PLATFORMS)
    ap.add_argument("comments", type=int)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    page, url, stats = build(args.platform, args.comments)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(page, encoding="utf-8")
    print(f"{args.output}: {len(page.encode()):,} bytes, {url}, {stats}", file=sys.stderr)


if __name__ == "__main__":
    main()
