"""Bounded work on hostile and broken input: deep nesting, huge pages, binary files, deep archives.

Each case must end with an archive, or with one clear line on stderr and exit code 1 or 2;
never a traceback, never a RecursionError. Times are not asserted (CI machines differ): each
test has a generous pytest-timeout, and docs/security.md records what was measured.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import time

import pytest
from lxml import html as lxml_html

import threadkeep
from corpus import SEED_PAGE, SEED_URL
from threadkeep.errors import ArchiveError, ExtractError
from threadkeep.html.page import MAX_PAGE_BYTES, Page
from threadkeep.model import Comment, Thread
from threadkeep.store import load_archive, save_archive, validation_errors
from threadkeep.tree import MAX_DEPTH, number_comments

EXE = [sys.executable, "-m", "threadkeep"]


def run(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    r = subprocess.run([*EXE, *args], capture_output=True, timeout=timeout, env={**os.environ, "COLUMNS": "100"})
    return r, time.monotonic() - start


def assert_clean_end(r: subprocess.CompletedProcess, archive=None) -> str:
    """An archive (exit 0) or exactly one 'threadkeep: error:' line with exit 1 or 2."""
    err = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "RecursionError" not in err and "internal error" not in err, err[-2000:]
    if r.returncode == 0:
        assert err == ""
        if archive is not None:
            assert validation_errors(json.loads(archive.read_text("utf-8"))) == []
        return ""
    assert r.returncode in (1, 2), (r.returncode, err)
    assert err.startswith("threadkeep: error: ") and err.count("\n") == 1, err
    return err


def deep_page(levels: int, tail: str = "") -> str:
    return (
        "<html><head><title>Deep</title></head><body><article><h1>Deep</h1><p>"
        + "A post body long enough to count as one. " * 3
        + "</p></article><div id='comments'>"
        + "<div class='comment'><p>reply</p>" * levels
        + "</div>" * levels
        + "</div>"
        + tail
        + "</body></html>"
    )


# --------------------------------------------------------------------------------- deep nesting


def test_libxml2_caps_tree_depth_at_256():
    """libxml2 (2.12+) stops an HTML parse at depth 256 by itself (XML_PARSE_HUGE lifts it; Page
    does not set it): what lies past the cap is dropped, and the tree stays shallow."""
    parser = lxml_html.HTMLParser(recover=True, huge_tree=False)
    root = lxml_html.document_fromstring("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000, parser=parser)
    depth, el = 0, root
    while len(el):
        el, depth = el[0], depth + 1
    assert depth <= 256
    assert any("depth" in str(e).lower() for e in parser.error_log)


@pytest.mark.timeout(60)
def test_page_nested_100k_levels_in_process():
    # past libxml2's depth limit (2048) the rest of the page would be lost: refused, in one line
    with pytest.raises(ExtractError, match="too complex"):
        threadkeep.extract(deep_page(100_000), "https://example.org/deep")
    thread = threadkeep.extract(deep_page(2_000), "https://example.org/deep")
    assert validation_errors(thread.to_dict()) == []


@pytest.mark.timeout(60)
def test_page_nested_100k_levels_cli(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text(deep_page(100_000), "utf-8")
    out = tmp_path / "deep.json"
    r, seconds = run("fetch", str(page), "--url", "https://example.org/deep", "-o", str(out))
    assert_clean_end(r, out)
    assert seconds < 30, seconds
    for fmt in ("tree", "md"):
        r, _ = run("show", str(out), "--format", fmt)
        assert_clean_end(r)


AFTER = (
    "<ol class='commentlist'><li class='comment depth-1' id='comment-1'><div class='comment-author'>"
    "<cite class='fn'>Ann</cite></div><div class='comment-content'><p>after the hard part</p></div></li></ol>"
)


@pytest.mark.parametrize(
    "page",
    [
        deep_page(300, AFTER),
        "<html><body><article><h1>T</h1><p title='" + "a" * (11 * 1024 * 1024) + "'>body</p></article>" + AFTER,
        "<html><body><article><h1>T</h1><p>" + "word " * (3 * 1024 * 1024) + "</p></article>" + AFTER,
    ],
    ids=["depth-300", "attribute-11MB", "text-15MB"],
)
def test_content_past_a_libxml2_limit_is_not_dropped_silently(page):
    try:
        thread = threadkeep.extract(page, "https://example.org/hard")
    except ExtractError as exc:
        assert "complex" in str(exc) or "too large" in str(exc)
        return
    assert "after the hard part" in json.dumps(thread.to_dict())


# ------------------------------------------------------------------------------ huge pages


@pytest.fixture(scope="module")
def page_200mb(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.html"
    chunk = ("<div class='comment'><p>some comment text &amp; more of it</p></div>\n" * 1000).encode()
    with path.open("wb") as fh:
        fh.write(b"<html><head><title>big</title></head><body><article><h1>Big</h1>")
        while fh.tell() < 200 * 1024 * 1024:
            fh.write(chunk)
        fh.write(b"</article></body></html>")
    yield path
    path.unlink()


@pytest.mark.timeout(120)
def test_200mb_page_ends_with_one_clear_line(page_200mb, tmp_path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r, seconds = run("fetch", str(page_200mb), "-o", str(tmp_path / "big.json"), timeout=120)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    err = assert_clean_end(r, tmp_path / "big.json")
    assert r.returncode == 1 and "too large" in err
    assert seconds < 30, seconds
    size_kb = page_200mb.stat().st_size / 1024
    if peak_kb > before:  # this child set the high-water mark: memory is a small multiple of the input
        assert peak_kb < 5 * size_kb, (peak_kb, size_kb)


@pytest.mark.timeout(120)
def test_200mb_on_stdin(page_200mb):
    start = time.monotonic()
    with page_200mb.open("rb") as fh:
        r = subprocess.run([*EXE, "fetch", "-", "--format", "md"], stdin=fh, capture_output=True, timeout=120)
    err = assert_clean_end(r)
    assert r.returncode == 1 and "too large" in err and time.monotonic() - start < 30


def test_page_limit_is_checked_before_parsing():
    page = Page("<p>" + "x" * (MAX_PAGE_BYTES + 1))
    with pytest.raises(ExtractError, match="too large"):
        page.tree  # noqa: B018


def test_file_over_the_file_limit_is_refused_unread(tmp_path):
    sparse = tmp_path / "sparse.html"
    with sparse.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: no disk used, and threadkeep must not read it
    r, seconds = run("fetch", str(sparse))
    err = assert_clean_end(r)
    assert r.returncode == 2 and "too large" in err and seconds < 30


@pytest.mark.timeout(60)
def test_huge_attribute_value(tmp_path):
    page = (
        "<html><body><article><h1>T</h1><p title='" + "a" * (9 * 1024 * 1024) + "'>body text here</p>"
        "<img src='data:image/png;base64," + "A" * (5 * 1024 * 1024) + "'></article></body></html>"
    )
    thread = threadkeep.extract(page, "https://example.org/attr")
    assert validation_errors(thread.to_dict()) == []
    assert "body text here" in thread.article.text


@pytest.mark.timeout(60)
def test_tag_with_very_many_attributes_is_refused():
    """libxml2's HTML parser (and nh3) check duplicate attributes pairwise: one tag with n
    attributes costs O(n^2) (80k attributes, a 0.7 MB page, took ~35 s); Page.tree refuses it."""
    page = "<html><body><div " + " ".join(f"a{i}=v" for i in range(30_000)) + ">x</div></body></html>"
    with pytest.raises(ExtractError, match=r"complex|attributes"):
        threadkeep.extract(page, "https://example.org/attrs")


@pytest.mark.timeout(60)
def test_tag_with_very_many_valueless_attributes_is_refused():
    page = "<html><body><div " + " ".join(f"a{i}" for i in range(30_000)) + ">x</div></body></html>"
    with pytest.raises(ExtractError, match=r"complex|attributes"):
        threadkeep.extract(page, "https://example.org/attrs")


# ------------------------------------------------------------------------------ binary input


@pytest.mark.parametrize(
    "make",
    [
        lambda: os.urandom(1 << 20),
        lambda: b"\x00" * (1 << 20),
        lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(100_000),
        lambda: gzip.compress(SEED_PAGE.read_bytes()),
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + os.urandom(50_000),
        lambda: b"\x7fELF\x02\x01\x01" + bytes(2000),
        lambda: b"PK\x03\x04" + os.urandom(10_000),
        lambda: b"<html><body>" + b"\x00" * 2000 + b"</body></html>",
        lambda: b"\xff" * 10_000,
        lambda: b"",
        lambda: b" \n\t  \r\n",
    ],
    ids=["random", "zeros", "png", "gzip-page", "pdf", "elf", "zip", "nul-html", "ff", "empty", "blank"],
)
def test_binary_file(make, tmp_path):
    path = tmp_path / "input.html"
    path.write_bytes(make())
    out = tmp_path / "out.json"
    r, seconds = run("fetch", str(path), "-o", str(out))
    err = assert_clean_end(r, out)
    assert seconds < 30
    if r.returncode:
        assert "not HTML" in err and r.returncode == 2


def test_invalid_utf8_and_nul_bytes_in_a_real_page(tmp_path):
    raw = SEED_PAGE.read_bytes()
    i = raw.index(b'class="comment-content">') + len(b'class="comment-content">')
    page = raw[:i] + b"bad \xff\xfe\xc3\x28 \xed\xa0\x80 nul\x00here \xf4\x90\x80\x80 end " + raw[i:]
    thread = threadkeep.extract(page, SEED_URL)
    text = thread.comments[0].text
    assert "bad" in text and "end" in text and "\x00" not in text and "\x00" not in thread.comments[0].html
    assert thread.stats()["comments"] == 8
    assert validation_errors(thread.to_dict()) == []
    path = tmp_path / "p.html"
    path.write_bytes(page)
    r, _ = run("fetch", str(path), "--url", SEED_URL, "-o", str(tmp_path / "p.json"))
    assert_clean_end(r, tmp_path / "p.json")
    assert r.returncode == 0


# ------------------------------------------------------------------------------ deep archives


def _nested_archive_text(levels: int) -> str:
    comment = (
        '{"id":"x","number":"1","parent_id":null,"depth":1,"kind":"comment",'
        '"author":{"name":null,"url":null,"is_post_author":false},"published":null,"permalink":null,'
        '"html":"","text":"t","deleted":false,"first_seen":null,"last_seen":null,'
        '"removed_upstream_at":null,"history":[],"replies":['
    )
    return '{"schema_version":1,"comments":[' + comment * levels + "]}" * levels + "]}"


@pytest.mark.parametrize(
    "text",
    [
        _nested_archive_text(100_000),
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"schema_version":1,"article":' + '{"x":' * 50_000 + "null" + "}" * 50_000 + "}",
    ],
    ids=["replies", "lists", "objects", "article"],
)
@pytest.mark.timeout(60)
def test_deeply_nested_archive_is_a_clean_archive_error(text, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ArchiveError):
        load_archive(path)
    for args in (("show", str(path)), ("export", str(path), "--format", "md")):
        r, seconds = run(*args)
        err = assert_clean_end(r)
        assert r.returncode == 2 and "archive" in err and seconds < 30


def _chain(levels: int) -> Thread:
    root = Comment(id="c0", text="t")
    cur = root
    for i in range(1, levels):
        reply = Comment(id=f"c{i}", text="t")
        cur.replies.append(reply)
        cur = reply
    thread = Thread(comments=[root])
    number_comments(thread.comments)
    return thread


def test_a_thread_100_levels_deep_round_trips(tmp_path):
    save_archive(_chain(100), tmp_path / "a.json")
    assert load_archive(tmp_path / "a.json").stats()["max_depth"] == 100


def _discourse_chain(posts: int):
    """A Discourse topic where every post answers the one before: a real shape of conversation."""
    from threadkeep.sites.discourse import thread_from_discourse_topic

    stream = [
        {
            "id": n,
            "post_number": n,
            "username": f"u{n % 2}",
            "cooked": f"<p>post {n}</p>",
            "created_at": "2020-01-01T00:00:00Z",
            **({"reply_to_post_number": n - 1} if n > 2 else {}),
        }
        for n in range(1, posts + 1)
    ]
    topic = {"id": 1, "slug": "t", "title": "T", "post_stream": {"posts": stream, "stream": list(range(1, posts + 1))}}
    return thread_from_discourse_topic(topic, base_url="https://forum.example", url="https://forum.example/t/t/1")


def test_an_archive_threadkeep_writes_can_be_read_back_deep_chain(tmp_path):
    # a reply chain deeper than MAX_DEPTH is kept whole, flattened one level above the cap
    thread = _discourse_chain(250)
    assert thread.stats()["max_depth"] == MAX_DEPTH
    save_archive(thread, tmp_path / "a.json")
    back = load_archive(tmp_path / "a.json")
    assert back.stats()["comments"] == 249
    assert [c.id for c in back.all_comments()] == [c.id for c in thread.all_comments()]


def test_a_very_deep_reply_chain_from_an_api_can_be_written(tmp_path):
    thread = _discourse_chain(1_000)
    save_archive(thread, tmp_path / "a.json")
    assert load_archive(tmp_path / "a.json").stats() == thread.stats()
