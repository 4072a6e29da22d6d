"""The HTML view: one self-contained page per thread, and an index page for a directory of them.

A page needs nothing but itself: styles are inline, there is no script (and a Content-Security-Policy
that forbids scripts, frames, forms, fonts and every request but inline images), and no image or
stylesheet is fetched from anywhere. Everything from the page goes through the sanitizer again here
(an archive is a file anyone can edit): `clean_html` for the stored HTML, then a pass over the tree
that turns remote images into links (a remote image would be a request), resolves relative links
against the thread's URL and keeps only http(s)/mailto ones, and removes bidi embeddings, overrides
and isolates (text that reorders what a reader sees). Plain text is escaped.

The comments are nested and numbered as readers saw them (1, 2, 2.1, …), each with a permalink
anchor (`#c-2.1`); replies sit in an open `<details>`, so a reader can fold a sub-thread and the
page still works (and prints) without script. Light and dark follow `prefers-color-scheme`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape as _escape
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from threadkeep._version import HOMEPAGE, __version__
from threadkeep.html.sanitize import clean_html, terminal_safe
from threadkeep.model import Comment, Thread
from threadkeep.tree import walk

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'"
)
FLAT_FROM_DEPTH = 6  # replies below this depth are not indented further (phones have no room)

# Bidi controls that reorder text (embeddings, overrides, isolates); the marks (LRM, RLM, ALM) only
# nudge neutral characters and stay. As characters and as character references.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]|&#(?:x0*(?:202[a-e]|206[6-9])|0*(?:823[4-8]|829[4-7]));", re.I)
_SAFE_URL = re.compile(
    r"^(?:https?://|mailto:)[^\s\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+\Z",
    re.IGNORECASE,
)
_REL = "nofollow noopener noreferrer"


def esc(text: str | None) -> str:
    """Page text for an HTML text node or attribute: controls and bidi controls removed, escaped."""
    return _escape(terminal_safe(text), quote=True)


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """url (resolved against base when relative) if it is an http(s) or mailto URL, else None."""
    if not url:
        return None
    url = url.strip()
    if base and not urlsplit(url).scheme:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    return url if _SAFE_URL.match(url) else None


def _link(label_html: str, url: str | None, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    if url:
        return f'<a{klass} href="{_escape(url, quote=True)}" rel="{_REL}">{label_html}</a>'
    return f"<span{klass}>{label_html}</span>" if cls else label_html


def clean_fragment(fragment: str, base: str | None = None) -> str:
    """Stored HTML made fit for the page: sanitized again, remote images turned into links,
    relative links resolved against base (or dropped), bidi controls removed."""
    if not fragment or not fragment.strip():
        return ""
    cleaned = clean_html(_BIDI.sub("", fragment))
    if not cleaned:
        return ""
    try:
        root = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    except Exception:  # lxml cannot place the fragment: show it as text
        return f"<p>{esc(cleaned)}</p>"
    for img in list(root.iter("img")):
        src = img.get("src") or ""
        if src.lower().startswith("data:image/"):
            continue
        alt = " ".join((img.get("alt") or img.get("title") or "").split())
        a = img.makeelement("a", {})
        a.text = f"[image: {alt}]" if alt else "[image]"
        a.tail = img.tail
        url = safe_url(src, base)
        if url:
            a.set("href", url)
            a.set("class", "img")
        else:
            a.tag = "span"
        img.getparent().replace(img, a)
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        url = safe_url(href, base)
        if url:
            a.set("href", url)
            a.set("rel", _REL)
        else:
            del a.attrib["href"]
    for el in root.iter():
        for attr in ("cite",):
            if el.get(attr) is not None and not safe_url(el.get(attr), base):
                del el.attrib[attr]
    out = ((root.text and _escape(root.text, quote=False)) or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in root
    )
    # Once more through the sanitizer: the rewrite above must not be able to let anything in.
    return _BIDI.sub("", clean_html(out))


def show_time(value: str | None) -> str:
    """An ISO 8601 time as a reader reads it: '2016-09-05 08:12 UTC', '2016-09-05 06:00 +01:00'."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return terminal_safe(value)
    if len(value) <= 10 and "T" not in value:
        return dt.strftime("%Y-%m-%d")
    shown = dt.strftime("%Y-%m-%d %H:%M")
    if dt.tzinfo is None:
        return shown
    offset = dt.utcoffset()
    if not offset:
        return f"{shown} UTC"
    return f"{shown} {dt.strftime('%z')[:3]}:{dt.strftime('%z')[3:]}"


def _time(value: str | None) -> str:
    if not value:
        return ""
    return f'<time datetime="{esc(value)}">{_escape(show_time(value))}</time>'


def thread_url(thread: Thread) -> str | None:
    return thread.article.url or thread.source.url or thread.source.final_url


STYLE = """
:root{color-scheme:light dark;--bg:#fcfcfb;--fg:#1b1c1f;--muted:#5c6068;--line:#d6d8de;--panel:#f2f3f6;
--accent:#0a53c2;--del:#9d1c1c;--delbg:#fbecec;--rm:#8a5a00;--rmbg:#fdf3de;--pa:#5a2ea6;--ed:#24614a;--edbg:#e6f4ee}
@media (prefers-color-scheme:dark){:root{--bg:#131416;--fg:#e6e7ea;--muted:#a3a7ae;--line:#3a3d44;--panel:#1d1f23;
--accent:#8fb8ff;--del:#ff9d9d;--delbg:#3a1d1d;--rm:#f3c168;--rmbg:#3a2e14;--pa:#c9b0ff;--ed:#8ed9b8;--edbg:#163328}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",sans-serif;
overflow-wrap:anywhere}
a{color:var(--accent)}
a:not([href]){color:inherit;text-decoration:none}
.wrap{max-width:80rem;margin:0 auto;padding:1rem 1.25rem 3rem}
.layout{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem}
@media (min-width:62rem){.layout.has-abstract{grid-template-columns:minmax(0,1fr) 22rem}
.layout.has-abstract .abstract{grid-column:2;grid-row:1 / span 2;align-self:start}}
nav.back{font-size:.9rem;margin-bottom:.5rem}
h1{font-size:1.7rem;line-height:1.25;margin:.2rem 0 .4rem}
h2{font-size:1.25rem;margin:1.6rem 0 .6rem}
.meta{color:var(--muted);font-size:.92rem;margin:0 0 1rem;overflow-wrap:break-word}
.meta span+span::before{content:"·";margin:0 .4em;color:var(--muted)}
.post .body,.b{max-width:48rem}
.body img,.b img{max-width:100%;height:auto}
pre{white-space:pre-wrap;background:var(--panel);padding:.5rem .7rem;border-radius:4px}
code,kbd,samp,pre{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.92em}
table{display:block;max-width:100%;overflow-x:auto;border-collapse:collapse}
td,th{border:1px solid var(--line);padding:.2rem .45rem}
blockquote{margin:.6rem 0;padding:.1rem 0 .1rem .9rem;border-left:3px solid var(--line);color:var(--muted)}
.abstract{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.2rem 1.1rem .9rem;
margin:1rem 0;font-size:.95rem}
.abstract h2{margin-top:.8rem}
.abstract h3{font-size:.85rem;text-transform:uppercase;letter-spacing:.04em;margin:1rem 0 .2rem;color:var(--muted)}
.abstract p{margin:.2rem 0}
.abstract .cit{font-style:italic}
.abstract .ids{margin-top:.9rem;color:var(--muted);font-size:.88rem}
.note{background:var(--rmbg);color:var(--fg);border-radius:6px;padding:.5rem .8rem}
ol.thread,ol.replies{list-style:none;margin:0;padding:0}
ol.replies{margin-left:.15rem;padding-left:.85rem;border-left:2px solid var(--line)}
ol.replies.flat{margin-left:0;padding-left:0;border-left:0}
@media (max-width:40rem){.wrap{padding:.75rem .75rem 2rem}ol.replies{padding-left:.45rem;margin-left:0}
h1{font-size:1.4rem}}
li.c{margin:.9rem 0 0;padding:0}
li.c:target>.h{background:var(--edbg)}
.h{display:flex;flex-wrap:wrap;align-items:baseline;font-size:.9rem;color:var(--muted);gap:0 .65em}
.n{font-weight:700;text-decoration:none;font-variant-numeric:tabular-nums}
.au{font-weight:600;color:var(--fg)}
a.au{color:var(--fg)}
.tag{font-size:.78rem;border-radius:3px;padding:0 .35rem;border:1px solid currentColor}
.tag.pa{color:var(--pa)}
.tag.del{color:var(--del);background:var(--delbg)}
.tag.rm{color:var(--rm);background:var(--rmbg)}
.tag.ed{color:var(--ed);background:var(--edbg)}
.tag.kind{color:var(--muted)}
.b{margin:.15rem 0 0;unicode-bidi:isolate}
.b>:first-child{margin-top:0}.b>:last-child{margin-bottom:0}
.b p{margin:.45rem 0}
li.deleted>.b,li.removed>.b{color:var(--muted)}
li.deleted>.b{font-style:italic}
.empty{color:var(--muted);font-style:italic}
details{margin:.25rem 0 0}
summary{cursor:pointer;color:var(--muted);font-size:.85rem;width:max-content;max-width:100%}
details.hist{font-size:.92rem}
details.hist ol{margin:.3rem 0 .5rem;padding-left:1.3rem}
details.hist li{margin:.35rem 0}
.ver{color:var(--muted);font-size:.85rem}
footer{margin-top:2.5rem;padding-top:.8rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
ul.idx{list-style:none;padding:0;margin:0}
ul.idx li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ul.idx .t{font-size:1.05rem;font-weight:600}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--panel:#f4f4f4;--accent:#000}
body{font-size:11pt}.wrap{max-width:none;padding:0}nav.back,summary{display:none}
details::details-content{content-visibility:visible;display:contents}
li.c{break-inside:avoid-page}.h{break-after:avoid}.abstract{break-inside:avoid}
.layout.has-abstract{display:block}a{text-decoration:none}}
"""


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="threadkeep {__version__}">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n"
    )


def _abstract_html(thread: Thread) -> str:
    ab = thread.abstract
    if ab is None:
        return ""
    out = ['<aside class="abstract" aria-label="Abstract"><h2>Abstract</h2>']
    if ab.citation and ab.citation.text:
        out.append(f'<p class="cit">{esc(ab.citation.text)}</p>')
    for s in ab.sections:
        paras = "".join(f"<p>{esc(p)}</p>" for p in s.text.split("\n\n") if p.strip())
        out.append(f"<section><h3>{esc(s.label)}</h3>{paras}</section>")
    ids = ab.identifiers
    parts = []
    if ids.doi:
        parts.append("DOI " + _link(esc(ids.doi), safe_url(f"https://doi.org/{ids.doi}")))
    if ids.pmid:
        parts.append("PMID " + _link(esc(ids.pmid), safe_url(f"https://pubmed.ncbi.nlm.nih.gov/{ids.pmid}/")))
    if ids.pmcid:
        parts.append("PMCID " + esc(ids.pmcid))
    if ids.trials:
        parts.append("trials " + ", ".join(esc(t) for t in ids.trials))
    if parts:
        out.append('<p class="ids">' + " · ".join(parts) + "</p>")
    out.append("</aside>")
    return "".join(out)


def _descendants(comments: list[Comment]) -> dict[int, int]:
    order = list(walk(comments))
    total: dict[int, int] = {}
    for c in reversed(order):
        total[id(c)] = sum(1 + total[id(r)] for r in c.replies)
    return total


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _comment_open(c: Comment, base: str | None) -> str:
    classes = ["c"]
    if c.deleted:
        classes.append("deleted")
    if c.removed_upstream_at:
        classes.append("removed")
    if c.author.is_post_author:
        classes.append("pa")
    anchor = esc(f"c-{c.number}")
    head = [f'<a class="n" href="#{anchor}" title="Link to comment {esc(c.number)}">{esc(c.number)}</a>']
    name = c.author.name or ("(deleted)" if c.deleted else "(unknown)")
    head.append(_link(esc(name), safe_url(c.author.url), "au"))
    if c.author.is_post_author:
        head.append('<span class="tag pa">post author</span>')
    if c.kind != "comment":
        head.append(f'<span class="tag kind">{esc(c.kind)}</span>')
    if c.published:
        head.append(_time(c.published))
    url = safe_url(c.permalink, base)
    if url:
        head.append(_link("original", url, "pl"))
    if c.deleted:
        head.append('<span class="tag del">deleted</span>')
    if c.removed_upstream_at:
        head.append(f'<span class="tag rm">removed upstream {_escape(show_time(c.removed_upstream_at))}</span>')
    if c.history:
        versions = _plural(len(c.history), "earlier version", "earlier versions")
        head.append(f'<span class="tag ed">edited ({versions})</span>')
    body = clean_fragment(c.html, base) if c.html else ""
    if not body and c.text:
        body = "".join(f"<p>{esc(p)}</p>".replace("\n", "<br>") for p in c.text.split("\n\n") if p.strip())
    if not body:
        body = '<p class="empty">(no text)</p>'
    out = [f'<li class="{" ".join(classes)}" id="{anchor}">', f'<div class="h">{"".join(head)}</div>']
    out.append(f'<div class="b" dir="auto">{body}</div>')
    if c.history:
        out.append(
            f'<details class="hist"><summary>Earlier versions of {esc(c.number)}</summary><ol>'
            + "".join(
                f'<li><div class="ver">seen {_time(r.seen_at) or "(time unknown)"}</div>'
                f'<div class="b" dir="auto">{clean_fragment(r.html, base) or esc(r.text)}</div></li>'
                for r in c.history
            )
            + "</ol></details>"
        )
    return "".join(out)


def comments_html(comments: list[Comment], base: str | None = None) -> str:
    """The comment tree as nested lists, without recursion (an archive can nest 100 deep)."""
    totals = _descendants(comments)
    out = ['<ol class="thread">']
    stack: list[tuple[bool, Comment]] = [(False, c) for c in reversed(comments)]
    while stack:
        closing, c = stack.pop()
        if closing:
            out.append("</ol></details></li>")
            continue
        out.append(_comment_open(c, base))
        if not c.replies:
            out.append("</li>")
            continue
        n, total = len(c.replies), totals[id(c)]
        label = _plural(n, "reply", "replies") + f" to {esc(c.number)}" + (f" ({total:,} in all)" if total > n else "")
        flat = " flat" if c.depth >= FLAT_FROM_DEPTH else ""
        out.append(f'<details class="r" open><summary>{label}</summary><ol class="replies{flat}">')
        stack.append((True, c))
        stack.extend((False, r) for r in reversed(c.replies))
    out.append("</ol>")
    return "".join(out)


def to_html(thread: Thread, *, index_href: str | None = None) -> str:
    """The whole page of one thread. index_href: a link back to the index page, when there is one."""
    a = thread.article
    base = thread_url(thread)
    title = esc(a.title or "Untitled")
    out = [_head(title), "<body>\n", '<div class="wrap">']
    if index_href:
        out.append(f'<nav class="back"><a href="{_escape(index_href, quote=True)}">← All threads</a></nav>')
    layout = "layout has-abstract" if thread.abstract else "layout"
    out.append(f'<main class="{layout}">')
    meta = []
    if a.author.name:
        meta.append("by " + _link(esc(a.author.name), safe_url(a.author.url, base)))
    if a.published:
        meta.append(_time(a.published))
    if a.labels:
        meta.append(esc(", ".join(a.labels)))
    src = safe_url(base)
    if src:
        meta.append(_link(esc(urlsplit(src).netloc or src), src))
    out.append('<article class="post">')
    out.append(f'<h1 dir="auto">{title}</h1>')
    if meta:
        out.append('<p class="meta">' + "".join(f"<span>{m}</span>" for m in meta) + "</p>")
    body = clean_fragment(a.html, base)
    if not body and a.text:
        body = "".join(f"<p>{esc(p)}</p>" for p in a.text.split("\n\n") if p.strip())
    if body:
        out.append(f'<div class="body" dir="auto">{body}</div>')
    out.append("</article>")
    out.append(_abstract_html(thread))
    stats = thread.stats()
    out.append(f'<section class="comments" id="comments"><h2>Comments ({stats["comments"]:,})</h2>')
    if thread.external_comments and not thread.external_comments.archived:
        out.append(f'<p class="note">{esc(thread.external_comments.note)}</p>')
    if thread.not_archived:
        out.append(
            f'<p class="note">{_plural(thread.not_archived, "more comment was", "more comments were")} not archived'
            " (hidden behind the platform's links).</p>"
        )
    if thread.comments:
        out.append(comments_html(thread.comments, base))
    else:
        out.append('<p class="empty">No comments.</p>')
    out.append("</section></main>")
    out.append(_footer(thread))
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out)


def _footer(thread: Thread) -> str:
    s = thread.source
    parts = [f"Archived with {_link('threadkeep', safe_url(HOMEPAGE))} {esc(__version__)}"]
    src = safe_url(s.url or s.final_url)
    if src:
        parts.append("from " + _link(esc(src), src))
    parts.append(f"({esc(s.platform)})")
    if s.fetched_at:
        parts.append("fetched " + _time(s.fetched_at))
    if thread.last_checked:
        parts.append("last checked " + _time(thread.last_checked))
    if thread.snapshots:
        parts.append(_plural(len(thread.snapshots), "snapshot", "snapshots"))
    parts.append(f"rendered {_time(datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ'))}")
    return "<footer><p>" + " ".join(parts) + "</p></footer>"


@dataclass
class IndexEntry:
    """One thread on the index page: its page (relative href) and what the list shows."""

    href: str
    thread: Thread


def index_html(entries: list[IndexEntry], *, title: str = "Archived threads") -> str:
    """The index of a directory's pages, newest first (threads without a date last)."""

    dated = sorted(
        (e for e in entries if e.thread.article.published),
        key=lambda e: _sortable(e.thread.article.published or ""),
        reverse=True,
    )
    undated = sorted((e for e in entries if not e.thread.article.published), key=lambda e: e.thread.article.title or "")
    total = sum(e.thread.stats()["comments"] for e in entries)
    out = [_head(esc(title)), "<body>\n", '<div class="wrap"><main>']
    out.append(f"<h1>{esc(title)}</h1>")
    out.append(
        f'<p class="meta">{_plural(len(entries), "thread", "threads")}, {_plural(total, "comment", "comments")}</p>'
    )
    out.append('<ul class="idx">')
    for e in dated + undated:
        t = e.thread
        stats = t.stats()
        meta = [f"<span>{_plural(stats['comments'], 'comment', 'comments')}</span>"]
        if t.article.published:
            meta.append(f"<span>{_time(t.article.published)}</span>")
        if t.article.author.name:
            meta.append(f"<span>by {esc(t.article.author.name)}</span>")
        meta.append(f"<span>{esc(t.source.platform)}</span>")
        src = safe_url(thread_url(t))
        if src:
            meta.append(f"<span>{_link(esc(urlsplit(src).netloc), src)}</span>")
        out.append(
            f'<li><a class="t" dir="auto" href="{_escape(e.href, quote=True)}">{esc(t.article.title or "Untitled")}</a>'
            f'<p class="meta">{"".join(meta)}</p></li>'
        )
    out.append("</ul></main>")
    out.append(
        f"<footer><p>Made with {_link('threadkeep', safe_url(HOMEPAGE))} {esc(__version__)}, "
        f"{_time(datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ'))}</p></footer>"
    )
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out)


def _sortable(value: str) -> str:
    """A published time as a string that sorts by instant where the offset is known."""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.isoformat()
