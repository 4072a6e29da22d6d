"""Never an internal error on a real page: names lxml's tree API refuses, broken nesting, mixed
encodings; and every saved input under ../shared/ gives an archive or one clear error line."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import SHARED, needs_corpus
from threadkeep import extract
from threadkeep.errors import ThreadkeepError
from threadkeep.inputs import archive_file

ARTICLE = "<article><h1>Post</h1><p>The article's own text, long enough to be the body of the post.</p></article>"


def _comments(item: str, n: int = 3) -> str:
    return (
        '<div class="comments"><ol class="comment-list">'
        + "".join(item.format(i=i) for i in range(1, n + 1))
        + "</ol></div>"
    )


ODD = _comments(
    '<li class="comment" id="comment-{i}" 1a="x" @click="go()" :class="y" a"b="z">'
    '<div class="comment-author"><span class="fn" x:y="1">Name {i}</span></div>'
    '<p:x q{{{{x}}}}="5">Own text of comment {i} <foo"bar>odd</foo"bar> and more words</p:x>'
    '<time datetime="2020-01-0{i}T10:00:00Z">Jan {i}, 2020</time></li>'
)


def test_names_the_tree_api_refuses_are_survived():
    thread = extract(f"<html><body>{ARTICLE}{ODD}</body></html>")
    got = [(c.author.name, c.text, c.published) for c in thread.all_comments()]
    assert got == [
        (f"Name {i}", f"Own text of comment {i} odd and more words", f"2020-01-0{i}T10:00:00+00:00") for i in (1, 2, 3)
    ]


def test_broken_nesting_is_survived():
    broken = _comments(
        '<li class="comment" id="comment-{i}"><div class="comment-author"><b><span class="fn">Name {i}</div></b>'
        "<p>Text of {i}<p>more of {i}</span></div></li></li></ol>"
    )
    thread = extract(f"<html><body>{ARTICLE}<table><div>{broken}</td></tr></body></html>")
    assert all(c.text for c in thread.all_comments())


def test_mixed_encodings_are_survived():
    page = f"<html><head><meta charset=utf-8></head><body>{ARTICLE}{ODD}</body></html>".encode()
    cut = page.index(b"Own text of comment 2")
    mixed = page[:cut] + "Grüße aus Köln – ça va".encode("cp1252") + page[cut:]
    thread = extract(mixed)
    assert len(list(thread.all_comments())) == 3


INPUTS = sorted(
    p
    for p in SHARED.rglob("*")
    if p.is_file() and p.suffix in (".html", ".htm", ".json", ".xml", ".txt") and "gold" not in p.parts
)


@needs_corpus
def test_every_input_under_shared_gives_an_archive_or_one_error_line():
    assert len(INPUTS) > 100
    for path in INPUTS:
        try:
            archive_file(str(path))
        except ThreadkeepError as exc:
            assert str(exc) and "\n" not in str(exc), path
        except Exception as exc:  # an internal error
            pytest.fail(f"{Path(path).relative_to(SHARED)}: internal error: {type(exc).__name__}: {exc}")
