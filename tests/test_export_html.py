"""The HTML view, opened in a real browser: Debian's headless Chromium driven by Playwright.

The seed and the deepest corpus thread (by MANIFEST's max_depth) at 1280x900 and 390x844: no
console error, no request but the file itself, no horizontal scrolling on the phone, every comment
number visible, top to bottom in the order the page's own markup gives (`page_numbers`, read with
lxml). A hostile archive, written by hand so that no extraction-time sanitizing stands in the way,
must stay inert in the browser: no script runs, no dialog opens, a javascript: link goes nowhere,
CSS cannot hide comments, a bidi override cannot reorder text. Screenshots go to build/screenshots/
(git-ignored; THREADKEEP_ARTIFACTS to move them).

Chromium and Playwright are installed by .ci/run; without them these tests skip, except under CI.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

import threadkeep
from corpus import SEED_PAGE, SEED_URL
from export_data import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SEED_STEM,
    archive_data,
    deepest_corpus_page,
    make_archives,
    page_numbers,
    require,
)
from test_hostile import DANGEROUS, HOSTILE_HTML
from threadkeep.export.html import CSP, to_html
from threadkeep.merge import stamp_new
from threadkeep.model import Abstract, AbstractSection, Article, Author, Citation, Comment, Revision, Source, Thread
from threadkeep.store import save_archive
from threadkeep.tree import number_comments

EXE = [sys.executable, "-m", "threadkeep"]
SIZES = [(1280, 900), (390, 844)]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), f"Debian's chromium is not installed ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright (Python) is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A page opened in a fresh context, with everything it did recorded."""

    def __init__(self, browser, path: Path, width: int, height: int, **context) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height}, **context)
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url, wait_until="load")

    def close(self) -> None:
        self.context.close()

    def numbers(self) -> list[dict]:
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('li.c > .h > .n')).map(e => {
                const r = e.getBoundingClientRect();
                return {text: e.textContent, left: r.left, right: r.right, top: r.top + window.scrollY,
                        width: r.width, height: r.height,
                        visible: e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})};
            })"""
        )

    def overflow(self) -> tuple[int, int]:
        return tuple(self.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]"))

    def screenshot(self, name: str, **options) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), **options)
        return path


def _thread_page(tmp_path: Path, which: str) -> tuple[Path, list[str]]:
    page, url = (SEED_PAGE, SEED_URL) if which == "seed" else (deepest_corpus_page(), None)
    thread = threadkeep.extract(page.read_bytes(), url)
    stamp_new(thread)
    archive = tmp_path / f"{which}.json"
    save_archive(thread, archive)
    out = tmp_path / f"{which}.html"
    r = run("export", str(archive), "--format", "html", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out, page_numbers(page.read_bytes())


@pytest.mark.parametrize("which", ["seed", "deepest"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_thread_page_in_chromium(browser, tmp_path, which, width, height):
    html_file, expected = _thread_page(tmp_path, which)
    if which == "deepest":
        assert max(n.count(".") + 1 for n in expected) >= 10  # MANIFEST: depth 10
    visit = Visit(browser, html_file, width, height)
    try:
        assert visit.console == [] and visit.errors == []
        assert visit.requests == [visit.url]
        scroll_width, client_width = visit.overflow()
        assert scroll_width <= client_width == width
        numbers = visit.numbers()
        assert [n["text"] for n in numbers] == expected
        for n in numbers:
            assert n["visible"] and n["width"] > 0 and n["height"] > 0, n
            assert n["left"] >= 0 and n["right"] <= width, n
        tops = [n["top"] for n in numbers]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        visit.screenshot(f"{which}-{width}x{height}-full", full_page=True)
        visit.screenshot(f"{which}-{width}x{height}")
        if which == "seed":
            visit.page.goto(f"{visit.url}#c-2")
            visit.screenshot(f"{which}-{width}x{height}-comments")
        assert visit.requests == [visit.url, f"{visit.url}#c-2"][: len(visit.requests)]
    finally:
        visit.close()


def test_light_dark_and_print(browser, tmp_path):
    html_file, expected = _thread_page(tmp_path, "seed")

    def luminance(rgb: str) -> float:
        r, g, b = (int(x) / 255 for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for scheme, dark in (("light", False), ("dark", True)):
        visit = Visit(browser, html_file, 390, 844, color_scheme=scheme)
        try:
            bg, fg = visit.page.evaluate(
                "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
            )
            assert (luminance(bg) < 0.2) == dark and (luminance(fg) > 0.8) == dark
            assert abs(luminance(bg) - luminance(fg)) > 0.6
            visit.screenshot(f"seed-390x844-{scheme}")
        finally:
            visit.close()

    visit = Visit(browser, html_file, 1280, 900)
    try:
        page = visit.page
        # replies fold without script: <details>
        page.click("li#c-2 > details.r > summary")
        shown = {n["text"] for n in visit.numbers() if n["visible"]}
        assert shown == {"1", "2", "3", "4"}
        page.click("li#c-2 > details.r > summary")
        assert [n["text"] for n in visit.numbers() if n["visible"]] == expected
        # printed, folded replies print all the same, and the page's chrome does not
        page.click("li#c-2 > details.r > summary")
        page.emulate_media(media="print")
        assert [n["text"] for n in visit.numbers() if n["visible"]] == expected
        assert page.evaluate("document.querySelector('summary').checkVisibility()") is False
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "seed-print.pdf").write_bytes(pdf)
        assert visit.console == [] and visit.errors == [] and visit.requests == [visit.url]
    finally:
        visit.close()


# ----------------------------------------------------------------------------- hostile archive

SCRIPTS = (
    "<script>window.__pwned = 1; alert(1)</script>"
    '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned = 2; alert(2)" alt="a picture">'
    '<a href="javascript:window.__pwned=3;alert(3)" id="jslink">click me</a> '
    '<a href="JaVaScRiPt&#58;alert(4)">and me</a> '
    '<a href=" java\tscript:alert(5)">and me too</a>'
    '<svg onload="window.__pwned = 6"><circle r="5"></circle></svg>'
    '<iframe srcdoc="&lt;script&gt;parent.__pwned = 7&lt;/script&gt;"></iframe>'
    '<meta http-equiv="refresh" content="0;url=javascript:alert(8)">'
    '<form action="javascript:alert(9)"><button>send</button></form>'
    '<object data="data:text/html,&lt;script&gt;alert(10)&lt;/script&gt;"></object>'
    '<base href="javascript:alert(11)//">'
    '<p onclick="alert(12)" onmouseover="alert(13)">hover here</p>'
)
HIDING = (
    "<style>li.c{display:none!important} body{visibility:hidden} .n{color:transparent}</style>"
    '<div style="display:none" id="hid">hidden words</div>'
    '<p style="position:fixed;inset:0;background:white;z-index:99">a curtain</p>'
)
BIDI = "<p>ABC\u202eDEF\u202c GHI and &#x202E;JKL</p>"


def hostile_thread() -> Thread:
    """A thread whose every field carries something hostile, stored raw (as a hand-edited archive could)."""
    comments = [
        Comment(id="1", html="<p>a plain first comment</p>", text="a plain first comment"),
        Comment(
            id="2",
            html=SCRIPTS,
            text="scripts",
            author=Author("Mallory\u202e<script>alert(14)</script>", "javascript:alert(15)"),
            permalink="javascript:alert(16)",
            published="2016-09-05T08:12:00Z",
            replies=[Comment(id="3", html=HIDING, text="hiding"), Comment(id="4", html=BIDI, text="bidi")],
        ),
        Comment(
            id="5",
            html="<p>after</p>",
            text="after",
            history=[Revision("<script>alert(18)</script>", "<script>alert(18)</script><p>old</p>", None)],
        ),
    ]
    number_comments(comments)
    return Thread(
        source=Source(url="javascript:alert(19)", platform="generic"),
        article=Article(
            title="</title><script>alert(20)</script>Hostile",
            author=Author("<b>bold</b>", "javascript:alert(21)"),
            labels=["<script>alert(22)</script>"],
            html=SCRIPTS + HIDING,
            text="article",
        ),
        abstract=Abstract(
            citation=Citation(text="<img src=x onerror=alert(23)>"),
            sections=[AbstractSection("<script>alert(24)</script>", "Results <i>here</i>")],
        ),
        comments=comments,
    )


def test_hostile_archive_is_inert_in_the_file(tmp_path):
    archive = tmp_path / "hostile.json"
    save_archive(hostile_thread(), archive)
    out = tmp_path / "hostile.html"
    assert run("export", str(archive), "-f", "html", "-o", str(out)).returncode == 0
    text = out.read_text("utf-8")
    root = lxml_html.fromstring(text)
    assert root.xpath("//script | //iframe | //object | //embed | //form | //svg | //base | //body//meta") == []
    assert len(root.xpath("//style")) == 1 and root.xpath("//style")[0].getparent().tag == "head"
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name != "style", el.tag
            assert "javascript:" not in "".join(value.split()).lower(), (el.tag, name, value)
    assert root.xpath("//img") == []  # the remote image became a link
    assert "\u202e" not in text and "&#x202E;" not in text.upper()
    csp = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == [CSP] and "script-src 'none'" in CSP and "default-src 'none'" in CSP


def test_hostile_archive_is_inert_in_chromium(browser, tmp_path):
    archive = tmp_path / "hostile.json"
    save_archive(hostile_thread(), archive)
    out = tmp_path / "hostile.html"
    assert run("export", str(archive), "-f", "html", "-o", str(out)).returncode == 0
    for width, height in SIZES:
        visit = Visit(browser, out, width, height)
        page = visit.page
        try:
            assert page.evaluate("typeof window.__pwned") == "undefined"
            for text in ("click me", "and me", "and me too", "hover here"):
                for target in page.get_by_text(text, exact=True).all():
                    target.hover()
                    target.click()
            page.wait_for_timeout(200)
            assert page.url == visit.url
            assert visit.dialogs == [] and visit.errors == [] and visit.console == []
            assert visit.requests == [visit.url]
            assert page.evaluate("typeof window.__pwned") == "undefined"
            # nothing hidden, nothing covered: every comment number and the hidden words are seen
            numbers = visit.numbers()
            assert [n["text"] for n in numbers] == ["1", "2", "2.1", "2.2", "3"]
            assert all(n["visible"] for n in numbers)
            assert page.evaluate("document.getElementById('hid')") is None  # ids from the page do not pass
            assert page.get_by_text("hidden words").first.is_visible()
            page.locator("#c-1 .n").scroll_into_view_if_needed()
            top = page.evaluate(
                "(() => { const r = document.querySelector('#c-1 .n').getBoundingClientRect();"
                " return document.elementFromPoint(r.left + 2, r.top + 2).closest('.n') !== null; })()"
            )
            assert top, "something covers the comment numbers"
            assert page.evaluate("getComputedStyle(document.body).visibility") == "visible"
            # the bidi override is gone: A..L are laid out left to right
            xs = page.evaluate(
                """() => {
                    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                    let n;
                    while ((n = w.nextNode())) {
                        if (n.data.includes('ABC')) {
                            const out = [];
                            for (const ch of 'ABCDEFGHIJKL') {
                                const i = n.data.indexOf(ch);
                                const r = document.createRange();
                                r.setStart(n, i); r.setEnd(n, i + 1);
                                out.push(r.getBoundingClientRect().left);
                            }
                            return out;
                        }
                    }
                    return null;
                }"""
            )
            assert xs is not None and xs == sorted(xs) and len(set(xs)) == len(xs), xs
            visit.screenshot(f"hostile-{width}x{height}", full_page=True)
        finally:
            visit.close()


def test_hostile_page_through_fetch_is_inert(browser, tmp_path):
    """The same attack in a real page's markup (the seed's first comment), end to end with the CLI."""
    page = SEED_PAGE.read_text("utf-8")
    marker = "All depends on which league"
    assert marker in page
    page = page.replace(marker, SCRIPTS + HIDING + BIDI.replace("<p>", "<span>").replace("</p>", "</span>") + marker)
    saved = tmp_path / "page.html"
    saved.write_text(page, "utf-8")
    archive = tmp_path / "t.json"
    assert run("fetch", str(saved), "--url", SEED_URL, "-o", str(archive)).returncode == 0
    out = tmp_path / "t.html"
    assert run("export", str(archive), "-f", "html", "-o", str(out)).returncode == 0
    visit = Visit(browser, out, 390, 844)
    try:
        visit.page.get_by_text("click me", exact=True).click()
        visit.page.wait_for_timeout(200)
        assert visit.page.url == visit.url and visit.dialogs == [] and visit.console == [] and visit.errors == []
        assert visit.requests == [visit.url]
        assert visit.page.evaluate("typeof window.__pwned") == "undefined"
        assert [n["text"] for n in visit.numbers() if n["visible"]] == page_numbers(SEED_PAGE.read_bytes())
    finally:
        visit.close()


# ----------------------------------------------------------------------------- marks, index, show --open


def _seed_with_marks(tmp_path: Path) -> Path:
    thread = threadkeep.extract(SEED_PAGE.read_bytes(), SEED_URL)
    stamp_new(thread)
    by_number = {c.number: c for c in thread.all_comments()}
    by_number["2.1"].deleted = True
    by_number["2.1"].text = "This comment has been removed by the author."
    by_number["2.1"].html = "<p>This comment has been removed by the author.</p>"
    by_number["3"].removed_upstream_at = "2024-03-01T10:00:00Z"
    earlier = "An earlier text of four."
    by_number["4"].history = [Revision(earlier, f"<p>{earlier}</p>", "2024-01-01T00:00:00Z")]
    archive = tmp_path / "marked.json"
    save_archive(thread, archive)
    return archive


def test_deleted_removed_and_edited_are_marked(browser, tmp_path):
    archive = _seed_with_marks(tmp_path)
    out = tmp_path / "marked.html"
    assert run("export", str(archive), "-f", "html", "-o", str(out)).returncode == 0
    root = lxml_html.fromstring(out.read_bytes())

    def li(number: str):
        (el,) = root.xpath(f"//li[@id='c-{number}']")
        return el

    assert "deleted" in li("2.1").get("class").split()
    assert li("2.1").xpath("./div[@class='h']/span[@class='tag del']/text()") == ["deleted"]
    assert li("3").xpath("./div[@class='h']/span[@class='tag rm']/text()") == ["removed upstream 2024-03-01 10:00 UTC"]
    assert li("4").xpath("./div[@class='h']/span[@class='tag ed']/text()") == ["edited (1 earlier version)"]
    assert "An earlier text of four." in li("4").xpath("string(./details[@class='hist'])")
    assert li("4").xpath("./details[@class='hist']/@open") == []
    for number in ("1", "2", "2.2"):
        assert li(number).xpath("./div[@class='h']/span[contains(@class, 'tag')]") == []
    visit = Visit(browser, out, 390, 844)
    try:
        earlier = visit.page.get_by_text("An earlier text of four.")
        assert not earlier.is_visible()
        visit.page.click("li#c-4 > details.hist > summary")
        assert earlier.is_visible()
        assert visit.console == [] and visit.requests == [visit.url]
    finally:
        visit.close()


def test_directory_pages_and_index(browser, tmp_path):
    archives = make_archives(tmp_path / "archives")
    pages = tmp_path / "pages"
    r = run("export", str(tmp_path / "archives"), "-f", "html", "-o", str(pages))
    assert r.returncode == 0, r.stderr
    assert f"{len(archives)} thread pages and index.html" in r.stdout
    written = sorted(p.name for p in pages.iterdir())
    assert written == sorted([f"{stem}.html" for stem in archives] + ["index.html"])
    index = lxml_html.fromstring((pages / "index.html").read_bytes())
    hrefs = index.xpath("//ul[@class='idx']/li/a[@class='t']/@href")
    assert sorted(hrefs) == sorted(f"{stem}.html" for stem in archives)
    titles = dict(zip(hrefs, index.xpath("//ul[@class='idx']/li/a[@class='t']"), strict=True))
    seed_title = archive_data(archives[SEED_STEM])["article"]["title"]
    assert titles[f"{SEED_STEM}.html"].text_content() == seed_title
    visit = Visit(browser, pages / "index.html", 390, 844)
    try:
        scroll_width, client_width = visit.overflow()
        assert scroll_width <= client_width
        assert visit.console == [] and visit.requests == [visit.url]
        visit.screenshot("index-390x844")
        visit.page.get_by_text(seed_title).click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == (pages / f"{SEED_STEM}.html").resolve().as_uri()
        visit.page.get_by_text("All threads").click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url == (pages / "index.html").resolve().as_uri()
        assert visit.console == [] and visit.errors == []
        assert all(u.startswith(pages.resolve().as_uri()) for u in visit.requests)
    finally:
        visit.close()


def _without_footer(page: str) -> str:
    return page[: page.index("<footer>")]  # the footer says when the page was rendered


def test_show_html_and_open_in_a_browser(tmp_path):
    archive = tmp_path / "seed.json"
    thread = threadkeep.extract(SEED_PAGE.read_bytes(), SEED_URL)
    save_archive(thread, archive)
    r = run("show", str(archive), "--format", "html")
    assert r.returncode == 0 and r.stdout.startswith("<!DOCTYPE html>")
    assert "<title>ResearchSpeak: Interferon vs. Alemtuzumab</title>" in r.stdout
    shown = r.stdout
    # BROWSER names the browser Python's webbrowser module runs: a script that records its argument
    recorded = tmp_path / "opened.txt"
    fake = tmp_path / "fake-browser"
    fake.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{recorded}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    r = run("show", str(archive), "--format", "html", "--open", env={"BROWSER": str(fake)})
    assert r.returncode == 0, r.stderr
    url = recorded.read_text()
    assert url.startswith("file:///") and url.endswith("/seed.html")
    opened = Path(url.removeprefix("file://"))
    assert _without_footer(opened.read_text("utf-8")) == _without_footer(shown)
    assert f"opened {opened}" in r.stderr
    shutil.rmtree(opened.parent)
    r = run("show", str(archive), "--format", "md", "--open", env={"BROWSER": str(fake)})
    assert r.returncode == 2 and "--open" in r.stderr and r.stderr.count("\n") == 1


def test_html_of_an_archive_holds_everything(tmp_path):
    """No browser: the page of the seed has its article, abstract sections and every comment's permalink."""
    thread = threadkeep.extract(SEED_PAGE.read_bytes(), SEED_URL)
    root = lxml_html.fromstring(to_html(thread))
    assert root.xpath("string(//h1)") == "ResearchSpeak: Interferon vs. Alemtuzumab"
    assert root.xpath("//aside[@class='abstract']/section/h3/text()") == [
        "Background",
        "Methods",
        "Results",
        "Conclusions",
    ]
    assert root.xpath("//aside//a[starts-with(@href, 'https://doi.org/')]/text()") == ["10.1212/WNL.0000000000003169"]
    permalinks = root.xpath("//li[@class='c' or starts-with(@class, 'c ')]/div[@class='h']/a[@class='pl']/@href")
    assert len(permalinks) == 8 and all("showComment=" in p for p in permalinks)
    assert root.xpath("//li/@id") == [f"c-{n}" for n in page_numbers(SEED_PAGE.read_bytes())]
    assert len(root.xpath("//details[@class='r'][@open]")) == len(root.xpath("//details[@class='r']")) == 1


# ----------------------------------------------------------------------------- any text at all

_PIECES = st.one_of(
    st.text(max_size=30),
    st.sampled_from([*DANGEROUS, HOSTILE_HTML, SCRIPTS, HIDING, BIDI, "</title>", "</style>", "<!--", "]]>", "\u202e"]),
)
_FIELD = st.lists(_PIECES, max_size=6).map("".join)
_HEAD = ["meta"] * 6 + ["title", "style"]


def assert_page_inert(page: str) -> None:
    page.encode("utf-8")  # writable as UTF-8: no lone surrogate
    assert not any(ch in page for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    root = lxml_html.document_fromstring(page)
    head = root.find("head")
    assert [el.tag for el in head] == _HEAD  # nothing from the page got into the head
    assert head[1].get("content") == CSP
    assert (
        root.xpath("//script | //iframe | //object | //embed | //form | //svg | //math | //base | //body//meta") == []
    )
    assert len(root.xpath("//style")) == 1 and len(root.xpath("//title")) == 1
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on") and name not in ("style", "srcdoc", "formaction"), (el.tag, name)
            squeezed = "".join(value.split()).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:text")), (el.tag, name, value)
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "#", "data:image/")), (el.tag, name, value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=_FIELD, text=_FIELD, name=_FIELD, url=_FIELD, title=_FIELD, label=_FIELD)
def test_any_archive_text_stays_inert_in_the_page(html, text, name, url, title, label):
    reply = Comment(id="2", html=text, text=html, author=Author(url, name), permalink=name)
    c = Comment(
        id="1", html=html, text=text, author=Author(name, url), permalink=url, replies=[reply],
        history=[Revision(text, html, None)],
    )  # fmt: skip
    number_comments([c])
    thread = Thread(
        source=Source(url=url),
        article=Article(title=title, html=html, text=text, labels=[label], author=Author(name, url)),
        abstract=Abstract(citation=Citation(text=label), sections=[AbstractSection(label, text)]),
        comments=[c],
    )
    assert_page_inert(to_html(thread))
