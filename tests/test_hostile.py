"""Hostile comment text stays inert: in the archive's HTML, in Markdown, in the terminal tree.

The sanitizing rules live in one place (src/threadkeep/sanitize.py); these tests check each rule
on its own, then end to end: a comment carrying terminal escape sequences, an OSC-8 hyperlink, a
bidi override, rich markup, a <script> and a javascript: link is injected into the seed page's
real comment markup and pushed through `fetch`, `show` and `export`, as a user would run them.

The helpers at the top (`HOSTILE_HTML`, `assert_html_inert`, `assert_markdown_inert`,
`render_tree`, `assert_tree_inert`) are shared with test_properties.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from lxml import html as lxml_html
from rich.console import Console

import threadkeep
from corpus import SEED_PAGE, SEED_URL, needs_corpus
from threadkeep.export.json import to_json
from threadkeep.export.markdown import escape, escape_line, link, to_markdown
from threadkeep.export.tree import to_tree
from threadkeep.html.sanitize import clean_html, html_to_text, terminal_safe
from threadkeep.model import Author, Comment, Thread
from threadkeep.store import save_archive, validation_errors
from threadkeep.tree import number_comments

EXE = [sys.executable, "-m", "threadkeep"]

# ------------------------------------------------------------------------- the hostile comment

SGR_RED = "\x1b[31m"
OSC8 = "\x1b]8;;"
RLO = "\u202e"
RICH_MARKUP = "[bold red]x[/]"
# Only inline markup: the seed page's comment body is a <p>, which any block element would close
# (as in a browser), moving the rest out of the comment.
# Each sequence sits between two marker words, so the output shows whether it was removed in
# place ("REDred") rather than the whole text dropped.
HOSTILE_TEXT = (
    f"RED{SGR_RED}red\x1b[0m "
    f"LINK{OSC8}https://evil.example/\x1b\\click{OSC8}\x1b\\ "
    f"BIDI{RLO}txt.exe "
    "BELL\x07ring\x08\x7f CSI8\x9b2Jclear "
    "TITLE\x1b]0;pwned\x07set "
)
HOSTILE_HTML = (
    f"{HOSTILE_TEXT}<br>{RICH_MARKUP}<br>[link=https://evil.example]L[/link]"
    "<script>alert('s')</script>"
    '<a href="javascript:alert(1)">jslink</a> '
    '<a href="JaVaScRiPt&#58;alert(2)">jslink2</a> '
    '<a href=" java&#x09;script:alert(3)">jslink3</a> '
    '<img src="x" onerror="alert(4)" onload="alert(5)">'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">datalink</a> '
    '<q cite="javascript:alert(6)">quoted</q>'
    '<iframe src="https://evil.example/"></iframe><style>p{color:red}</style>'
    '<span style="background:url(javascript:alert(7))" onclick="alert(8)">styled</span>'
    "<svg><script>alert(9)</script></svg>"
    '<a href="https://ok.example/page">oklink</a>'
)
TERMINAL_SEQUENCES = (SGR_RED, OSC8, RLO, "\x1b]0;", "\x07", "\x08", "\x9b", "\x7f")

_ACTIVE_URL = re.compile(r"^(javascript|vbscript|livescript):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def assert_html_inert(fragment: str) -> None:
    """No script-capable element, no on* attribute, no script URL, no data: URL but images'."""
    low = fragment.lower()
    assert "<script" not in low
    if not fragment.strip():
        return
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("script", "style", "iframe", "object", "embed", "svg", "math", "form", "base"), el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name.lower() not in ("style", "srcset", "action", "formaction"), (el.tag, name)
            v = _URL_NOISE.sub("", value).lower()
            assert not _ACTIVE_URL.match(v), (el.tag, name, value)
            if v.startswith("data:") and name in ("href", "src", "cite"):
                assert (el.tag, name) == ("img", "src") and v.startswith("data:image/"), (el.tag, name, value)


def _unescaped(text: str, needle: str) -> list[int]:
    """Where needle occurs in Markdown text not preceded by a backslash escape."""
    out = []
    for m in re.finditer(re.escape(needle), text):
        i = m.start()
        while i > 0 and text[i - 1] == "\\":
            i -= 1
        if (m.start() - i) % 2 == 0:
            out.append(m.start())
    return out


def assert_markdown_inert(md: str) -> None:
    """No raw HTML tag, no link to anything but http(s)/mailto, no terminal sequence."""
    assert not _unescaped(md.lower(), "<script"), md
    without_destinations = re.sub(r"\]\(<(?:https?://|mailto:)[^<>\s]*>\)", "](URL)", md)
    assert not _unescaped(without_destinations, "<"), "raw '<' in Markdown"
    for at in _unescaped(md, "]("):  # every real link destination
        assert re.match(r"\]\(<(https?://|mailto:)", md[at:], re.IGNORECASE), md[at : at + 80]
    assert not _unescaped(md.lower(), "](javascript:")
    for seq in TERMINAL_SEQUENCES:
        assert seq not in md, repr(seq)
    assert "\x1b" not in md


def render_tree(thread: Thread, *, width: int = 200) -> tuple[str, str, str]:
    """(ANSI as written to a forced terminal, export_text(styles=True), export_text())."""
    out = io.StringIO()
    console = Console(record=True, force_terminal=True, color_system="truecolor", width=width, file=out)
    console.print(to_tree(thread))
    return out.getvalue(), console.export_text(styles=True, clear=False), console.export_text()


def assert_tree_inert(thread: Thread, *, width: int = 200) -> tuple[str, str, str]:
    ansi, styled, plain = render_tree(thread, width=width)
    assert "\x1b" not in plain and "\x07" not in plain and RLO not in plain and "\x9b" not in plain
    deleted = thread.stats()["deleted"]
    for rendered in (ansi, styled):
        assert OSC8 not in rendered and RLO not in rendered and "\x07" not in rendered
        assert "\x1b]" not in rendered and "\x9b" not in rendered
        if not deleted:  # rich itself writes red for "deleted"; nothing else here is plain red
            assert SGR_RED not in rendered
    return ansi, styled, plain


# --------------------------------------------------------------------------- clean_html rules

DANGEROUS = [
    '<a href="javascript:alert(1)">a</a>',
    '<a href="  javascript:alert(1)">a</a>',
    '<a href="java&#x09;script:alert(1)">a</a>',
    '<a href="java\nscript:alert(1)">a</a>',
    '<a href="jav&#97;script:alert(1)">a</a>',
    '<a href="jAvAsCrIpT&colon;alert(1)">a</a>',
    '<a href="\x00javascript:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">a</a>',
    '<a href="data&colon;text/html,x">a</a>',
    '<img src="data:text/html,x">',
    '<img src=" da&#09;ta:text/html,x">',
    '<img src="javascript:alert(1)">',
    '<img src="x" onerror="alert(1)">',
    '<img srcset="javascript:alert(1) 1x" src="https://x.example/y.png">',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<blockquote cite="jav&#97;script:alert(1)">q</blockquote>',
    '<q cite="data:text/html,x">q</q>',
    '<time datetime="javascript:alert(1)">t</time>',
    '<abbr title="javascript:alert(1)">t</abbr>',
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">d</div>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input onfocus="alert(1)" autofocus></form>',
    '<button formaction="javascript:alert(1)">b</button>',
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<p onmouseover="alert(1)">x</p>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
]


@pytest.mark.parametrize("fragment", DANGEROUS)
def test_clean_html_leaves_nothing_active(fragment):
    cleaned = clean_html(fragment)
    assert_html_inert(cleaned)
    assert "javascript:" not in cleaned.lower() and "vbscript:" not in cleaned.lower()
    assert "alert(" not in cleaned or "&lt;" in cleaned or "&gt;" in cleaned  # only as inert text


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        ('<a href="https://ok.example/a?b=1&amp;c=2">ok</a>', 'href="https://ok.example/a?b=1&amp;c=2"'),
        ('<a href="http://ok.example/">ok</a>', 'href="http://ok.example/"'),
        ('<a href="mailto:someone@example.org">m</a>', 'href="mailto:someone@example.org"'),
        ('<a href="/relative/path:with-colon">r</a>', 'href="/relative/path:with-colon"'),
        ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">', 'src="data:image/png;base64,iVBORw0KGgo="'),
        ('<blockquote cite="https://ok.example/src">q</blockquote>', 'cite="https://ok.example/src"'),
        ('<abbr title="Note: a title with a colon">N</abbr>', 'title="Note: a title with a colon"'),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt; is how it starts</p>", "&lt;script&gt;"),
        ("<p><b>bold</b> <i>it</i> <code>x &lt; y</code></p>", "<code>x &lt; y</code>"),
        ('<time datetime="2016-09-05T08:12:00Z">then</time>', 'datetime="2016-09-05T08:12:00Z"'),
    ],
)
def test_clean_html_keeps_what_is_harmless(fragment, kept):
    cleaned = clean_html(fragment)
    assert kept in cleaned
    assert_html_inert(cleaned)


def test_clean_html_links_get_rel_and_lose_targets():
    cleaned = clean_html('<a href="https://ok.example/" target="_blank" rel="opener">x</a>')
    assert (
        'rel="nofollow noopener noreferrer"' in cleaned
        and "target" not in cleaned
        and "opener" not in (cleaned.replace("noopener", ""))
    )


def test_clean_html_odd_input_never_raises():
    for fragment in ("", "\x00", "<", "</p>", "<p", "&", "&#0;", "&#xD800;", "\ud800", "<a href='", "\x00" * 1000):
        assert_html_inert(clean_html(fragment))
    assert "\x00" not in clean_html("a\x00b")


def test_lone_surrogates_become_replacement_characters():
    # JSON (API responses, hand-edited archives) can carry "\ud800"; UTF-8 output cannot
    assert clean_html("<p>a\ud800b</p>") == "<p>a\ufffdb</p>"
    assert html_to_text("<p>a\udc00b</p>") == "a\ufffdb"
    assert terminal_safe("a\ud800b") == "a\ufffdb"
    assert escape("a\ud800") == "a\ufffd" and link("x", "https://a.example/\ud800") == "x"
    c = Comment(id="c1", text="x\ud800y", author=Author(name="n\udfff"))
    number_comments([c])
    thread = Thread(comments=[c])
    thread.article.title = "t\ud800"
    to_markdown(thread).encode("utf-8")
    render_tree(thread)[0].encode("utf-8")


def test_archive_with_lone_surrogate_can_be_written(tmp_path):
    from threadkeep.sites.hn import thread_from_hn_item

    thread = thread_from_hn_item(
        {"id": 1, "title": "T\ud800", "author": "a\udc00", "text": "<p>x</p>", "children": []},
        url="https://news.ycombinator.com/item?id=1",
    )
    save_archive(thread, tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["article"]["title"] == "T\ufffd"


def test_html_to_text_drops_script_and_style_text():
    text = html_to_text("<p>keep</p><script>alert(1)</script><style>p{}</style><p>this</p>")
    assert text == "keep\n\nthis"


# ------------------------------------------------------------------------ terminal_safe rules


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("a\x1b[31mred\x1b[0mb", "aredb"),
        ("a\x1b[38;2;255;0;0mrgb\x1b[mb", "argbb"),
        ("a\x1b[2J\x1b[Hb", "ab"),
        ("a\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("a\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07b", "alinkb"),
        ("a\x1b]0;window title\x07b", "ab"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b_apc\x1b\\b", "ab"),
        ("a\x1bcb", "ab"),  # RIS: full reset
        ("a\x1b7\x1b8b", "ab"),
        ("a\x1b", "a"),
        ("a\x1b[", "a"),
        ("a\x1b(0lqqk\x1b(Bb", "alqqkb"),  # charset switch (DEC line drawing)
        ("a\x9b31mb", "a31mb"),  # 8-bit CSI: the C1 control goes, the rest is plain text
        ("a\x9d8;;x\x9cb", "a8;;xb"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061cx", "x"),
        ("tab\tnew\nline", "tab\tnew\nline"),
        ("cr\rbs\x08bell\x07del\x7fnul\x00vt\x0bff\x0c", "crbsbelldelnulvtff"),
        ("unterminated \x1b]8;;https://evil.example/ rest\nnext line", "unterminated \nnext line"),
        ("emoji 👩\u200d💻 and café", "emoji 👩\u200d💻 and café"),
        ("[bold red]x[/]", "[bold red]x[/]"),
    ],
)
def test_terminal_safe(raw, safe):
    assert terminal_safe(raw) == safe


def test_terminal_safe_is_idempotent_on_the_hostile_text():
    once = terminal_safe(HOSTILE_TEXT)
    assert terminal_safe(once) == once
    for seq in TERMINAL_SEQUENCES:
        assert seq not in once
    assert "REDred" in once and "LINKclick" in once and "BIDItxt.exe" in once and "TITLEset" in once


# ------------------------------------------------------------------------------ Markdown rules


def test_markdown_escape_neutralises_markup():
    assert escape("<script>alert(1)</script>") == r"\<script\>alert(1)\</script\>"
    assert escape("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert escape("![img](https://evil.example/x.png)") == r"!\[img\](https://evil.example/x.png)"
    assert escape("`code` *em* _em_ ~~s~~ | a | &amp; $x$ #h") == (
        r"\`code\` \*em\* \_em\_ \~\~s\~\~ \| a \| \&amp; \$x\$ \#h"
    )
    assert escape("back\\slash") == "back\\\\slash"
    assert escape(HOSTILE_TEXT).count("\x1b") == 0
    assert escape("name\n# heading\n---") == r"name \# heading ---"


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("* item", r"\* item"),
        ("> quote", r"\> quote"),
        ("1986. A year", r"1986\. A year"),
        ("3) three", r"3\) three"),
        ("---", r"\---"),
        ("===", r"\==="),
        ("```python", r"\`\`\`python"),
        ("<div>", r"\<div\>"),
        ("| a | b |", r"\| a \| b \|"),
    ],
)
def test_markdown_escape_line_markers(line, escaped):
    assert escape_line(line) == escaped


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "ftp://example.org/",
        "//evil.example/",
        "https://a.example/\x1b[31m",
        "https://a.example/\u202efdp.exe",
        "https://a.example/ b",
        "https://a.example/>x",
        "https://a.example/\\",
        "https://a.example/x\n",
        "https://a.example/x)[y](javascript:alert(1)",
    ],
)
def test_markdown_link_refuses_unsafe_urls(url):
    out = link("label", url)
    assert out == "label"


def test_markdown_link_keeps_plain_web_and_mail_links():
    assert link("p", "https://ok.example/a?b=1#c") == "[p](<https://ok.example/a?b=1#c>)"
    assert link("m", "mailto:x@example.org") == "[m](<mailto:x@example.org>)"
    assert link("[x](javascript:y)", "https://ok.example/") == r"[\[x\](javascript:y)](<https://ok.example/>)"


def _hostile_thread() -> Thread:
    c = Comment(
        id="c1",
        text=HOSTILE_TEXT + "\n" + RICH_MARKUP + "\n<script>alert(1)</script>\n# not a heading",
        html=clean_html(HOSTILE_HTML),
        author=Author(name=f"Mallory{SGR_RED}[bold]{RLO}", url="javascript:alert(1)"),
        published="2016-09-05T08:12:00Z",
        permalink="javascript:alert(2)",
    )
    reply = Comment(id="c2", text="[link=https://evil.example]L[/link] \x1b]8;;https://e/\x1b\\x", author=Author("B"))
    c.replies.append(reply)
    thread = Thread(comments=[c])
    thread.article.title = f"Title {SGR_RED}[red]T[/red]{RLO}"
    thread.article.text = "Body\n\n" + HOSTILE_TEXT
    thread.article.labels = ["[b]label[/b]", f"l{OSC8}x"]
    thread.article.author = Author(name="[i]author[/i]", url="javascript:alert(3)")
    thread.article.url = "javascript:alert(4)"
    number_comments(thread.comments)
    return thread


def test_markdown_of_a_hostile_thread_is_inert():
    md = to_markdown(_hostile_thread())
    assert_markdown_inert(md)
    assert "javascript:" not in md.replace(r"\](javascript:", "")  # only as escaped text, never a link
    assert r"\[bold red\]x\[/\]" in md and "REDred" in md
    assert "\n# not a heading" not in md and r"\# not a heading" in md


# -------------------------------------------------------------------------- terminal tree rules


def test_tree_prints_markup_literally_and_no_sequences():
    thread = _hostile_thread()
    ansi, _, plain = assert_tree_inert(thread)
    assert RICH_MARKUP in plain and "[link=https://evil.example]L[/link]" in plain
    assert "[red]T[/red]" in plain and "[b]label[/b]" in plain and "[i]author[/i]" in plain
    assert "Mallory[bold]" in plain
    assert "REDred" in plain and "LINKclick" in plain and "BIDItxt.exe" in plain
    assert "\x1b[" in ansi  # the console really was a colour terminal: rich's own styles are there


def test_tree_module_builds_text_never_markup():
    """tree.py must hand rich `Text` objects, never strings a Console would parse as markup."""
    import inspect

    import threadkeep.export.tree as tree

    source = inspect.getsource(tree)
    assert "from_markup" not in source and "markup=True" not in source
    assert "render_markup" not in source and ".print(" not in source


# ------------------------------------------------------------ end to end: the seed page, injected


def hostile_seed_page() -> bytes:
    """The seed page with the hostile markup at the start of its first real comment."""
    raw = SEED_PAGE.read_bytes()
    marker = b'class="comment-content">'
    i = raw.index(marker) + len(marker)
    return raw[:i] + HOSTILE_HTML.encode("utf-8") + b"<br>" + raw[i:]


@pytest.fixture(scope="module")
def hostile_thread() -> Thread:
    return threadkeep.extract(hostile_seed_page(), SEED_URL)


def _first(thread: Thread) -> Comment:
    return thread.comments[0]


def test_seed_injection_reaches_the_comment(hostile_thread):
    c = _first(hostile_thread)
    assert "REDred" in terminal_safe(c.text) and "oklink" in c.text and "quoted" in c.text
    assert hostile_thread.stats()["comments"] == 8
    assert validation_errors(hostile_thread.to_dict()) == []


def test_seed_injection_archive_html_is_inert(hostile_thread):
    data = json.loads(to_json(hostile_thread))
    fragments = [data["article"]["html"]]
    stack = list(data["comments"])
    while stack:
        c = stack.pop()
        fragments.append(c["html"])
        stack.extend(c["replies"])
    for fragment in fragments:
        assert_html_inert(fragment)
        assert "javascript:" not in fragment.lower() and "<script" not in fragment.lower()
        assert "onerror" not in fragment and "onload" not in fragment and "onclick" not in fragment
    first = _first(hostile_thread).html
    assert 'href="https://ok.example/page"' in first


def test_seed_injection_markdown_is_inert(hostile_thread):
    md = to_markdown(hostile_thread)
    assert_markdown_inert(md)
    assert "javascript:" not in md and "REDred" in md and r"\[bold red\]x\[/\]" in md


def test_seed_injection_tree_is_inert(hostile_thread):
    _, _, plain = assert_tree_inert(hostile_thread)
    assert RICH_MARKUP in plain and "[link=https://evil.example]L[/link]" in plain and "REDred" in plain


# ---------------------------------------------------------------- end to end: the real command


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "TERM", "COLUMNS")}
    return subprocess.run([*EXE, *args], capture_output=True, timeout=60, env={**base, "COLUMNS": "200", **(env or {})})


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    page = d / "hostile.html"
    page.write_bytes(hostile_seed_page())
    out = d / "hostile.json"
    r = run("fetch", str(page), "--url", SEED_URL, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    return out


def test_cli_archive_is_valid_and_inert(hostile_archive):
    data = json.loads(hostile_archive.read_text("utf-8"))
    assert validation_errors(data) == []
    html = data["comments"][0]["html"]
    assert_html_inert(html)
    assert "javascript:" not in hostile_archive.read_text("utf-8").lower()
    assert "<script" not in hostile_archive.read_text("utf-8").lower()


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor"},
        {"NO_COLOR": "1"},
        {"NO_COLOR": "1", "FORCE_COLOR": "1"},
        {"TERM": "dumb"},
    ],
    ids=["pipe", "force-color", "force-truecolor", "no-color", "no-color+force", "dumb"],
)
def test_cli_show_tree_is_inert(hostile_archive, env):
    r = run("show", str(hostile_archive), env=env)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    for seq in (SGR_RED, OSC8, RLO, "\x1b]", "\x07", "\x08", "\x9b", "\x7f"):
        assert seq not in out, (env, repr(seq))
    assert RICH_MARKUP in out and "[link=https://evil.example]L[/link]" in out
    assert "REDred" in out and "LINKclick" in out and "BIDItxt.exe" in out
    if env.get("FORCE_COLOR") and not env.get("NO_COLOR"):
        assert "\x1b[" in out  # colour really was on
    if not env.get("FORCE_COLOR"):
        assert "\x1b" not in out  # not a terminal: no styles at all


@pytest.mark.parametrize(
    "args",
    [("show", "--format", "md"), ("export",), ("export", "--format", "md")],
)
def test_cli_markdown_is_inert(hostile_archive, args):
    r = run(args[0], str(hostile_archive), *args[1:], env={"FORCE_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    md = r.stdout.decode("utf-8")
    assert_markdown_inert(md)
    assert "javascript:" not in md and r"\[bold red\]x\[/\]" in md and "REDred" in md


def test_cli_fetch_tree_and_export_tree_file_are_inert(hostile_archive, tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(hostile_seed_page())
    r = run("fetch", str(page), "--format", "tree", env={"FORCE_COLOR": "1"})
    assert r.returncode == 0, r.stderr
    out = tmp_path / "tree.txt"
    r2 = run("export", str(hostile_archive), "--format", "tree", "-o", str(out))
    assert r2.returncode == 0, r2.stderr
    for text in (r.stdout.decode("utf-8"), out.read_text("utf-8")):
        for seq in (SGR_RED, OSC8, RLO, "\x07", "\x9b"):
            assert seq not in text
        assert RICH_MARKUP in text
    assert "\x1b" not in out.read_text("utf-8")


def test_cli_error_line_is_terminal_safe(tmp_path):
    name = tmp_path / f"no{SGR_RED}such{RLO}\x1b]8;;x\x07file.json"
    r = run("show", str(name), env={"FORCE_COLOR": "1"})
    assert r.returncode == 2
    err = r.stderr.decode("utf-8")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert SGR_RED not in err and RLO not in err and "\x1b]" not in err and "nosuchfile" in err.replace("\x1b]8;;x", "")


def test_cli_show_json_escapes_bidi_and_c1(tmp_path):
    thread = Thread(comments=[Comment(id="c1", text=f"evil{RLO}txt.exe \x9b2J \u2066x")])
    number_comments(thread.comments)
    archive = tmp_path / "a.json"
    save_archive(thread, archive)
    r = run("show", str(archive), "--format", "json")
    assert r.returncode == 0
    out = r.stdout.decode("utf-8")
    assert RLO not in out and "\x9b" not in out and "\u2066" not in out
    assert json.loads(out)["comments"][0]["text"] == f"evil{RLO}txt.exe \x9b2J \u2066x"  # same data, escaped


# ----------------------------------------------------------------- text from the platform APIs


def test_api_adapter_html_is_sanitized():
    from threadkeep.sites.hn import thread_from_hn_item

    item = {
        "id": 1,
        "title": f"T{SGR_RED}",
        "author": "op",
        "text": HOSTILE_HTML,
        "children": [{"id": 2, "author": "m", "text": HOSTILE_HTML, "children": []}],
    }
    thread = thread_from_hn_item(item, url="https://news.ycombinator.com/item?id=1")
    for fragment in (thread.article.html, thread.comments[0].html):
        assert_html_inert(fragment)
        assert "javascript:" not in fragment.lower()
    assert validation_errors(thread.to_dict()) == []
    assert_markdown_inert(to_markdown(thread))
    assert_tree_inert(thread)


def test_latin1_label_means_windows_1252():
    page = (
        b"<html><head><meta charset=iso-8859-1><title>t</title></head><body><article><p>"
        + (b"He said \x93hello\x94 \x96 and left\x85 " * 5)
        + b"</p></article></body></html>"
    )
    thread = threadkeep.extract(page, "https://example.org/p")
    assert "\u201chello\u201d \u2013 and left\u2026" in thread.article.text


@pytest.mark.parametrize(
    ("page", "marker"),
    [
        ("wordpress/killsixbilliondemons.com_king-of-swords-10-141.html", b'<div class="comment-content">'),
        ("wordpress/businessjargons.com_leadership-styles.html", b'<div class="content">'),
        ("other/ouseful.info_movabletype_013937.html", b'<div class="blogbody">'),
    ],
    ids=["wordpress-noise", "wordpress-empty", "movabletype"],
)
@needs_corpus
def test_control_characters_in_a_comment_do_not_break_extraction(page, marker):
    from corpus import CORPUS

    raw = (CORPUS / page).read_bytes()
    at = raw.index(marker) + len(marker)
    thread = threadkeep.extract(raw[:at] + b"\x01RED\x1b[31mred " + raw[at:], "https://example.org/k")
    assert validation_errors(thread.to_dict()) == []
    assert_markdown_inert(to_markdown(thread))
    assert_tree_inert(thread)
