"""`diff`: added, edited (word by word), deleted and removed comments, as JSON or a rich view that
never lets user text through as markup or terminal escapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rich.console import Console

from threadkeep.diff import diff_since, diff_threads, parse_when, render, thread_as_of, word_diff
from threadkeep.merge import merge, stamp_new
from threadkeep.model import Author, Comment, Source, Thread
from threadkeep.store import save_archive


def thread(*comments: Comment, when: str = "2024-01-01T00:00:00Z") -> Thread:
    t = Thread(source=Source(url="http://127.0.0.1/t", fetched_at=when), comments=list(comments))
    return t


def c(cid: str, text: str, *replies: Comment, name: str = "Ann", deleted: bool = False) -> Comment:
    return Comment(
        id=cid, text=text, html=f"<p>{text}</p>", author=Author(name), deleted=deleted, replies=list(replies)
    )


def history() -> Thread:
    """Three snapshots: b edited at t2, d added at t2, a deleted at t3, c gone at t3."""
    t1 = stamp_new(thread(c("a", "first"), c("b", "the quick brown fox"), c("c", "third")))
    t2, _ = merge(
        t1,
        thread(c("a", "first"), c("b", "the quick red fox jumps"), c("c", "third"), c("d", "new")),
        "2024-01-02T00:00:00Z",
    )
    t3, _ = merge(
        t2,
        thread(c("a", "[removed]", deleted=True), c("b", "the quick red fox jumps"), c("d", "new")),
        "2024-01-03T00:00:00Z",
    )
    return t3


def ids(d) -> dict[str, list[str]]:
    return {k: [e.id for e in getattr(d, k)] for k in ("added", "edited", "deleted", "removed", "restored")}


def test_word_diff():
    assert word_diff("the quick brown fox", "the quick red fox jumps") == [
        ("=", "the quick "),
        ("-", "brown"),
        ("+", "red"),
        ("=", " fox"),
        ("+", " jumps"),
    ]
    assert word_diff("same", "same") == [("=", "same")]
    assert word_diff("", "new words") == [("+", "new words")]


def test_diff_of_two_plain_fetches_counts_missing_comments_as_removed():
    old = thread(c("1", "one"), c("2", "two", c("2a", "reply")))
    new = thread(c("1", "one, edited"), c("2", "two"), c("3", "three"))
    d = diff_threads(old, new)
    assert ids(d) == {"added": ["3"], "edited": ["1"], "deleted": [], "removed": ["2a"], "restored": []}
    assert (d.edited[0].old_text == "one" and d.edited[0].words == [("=", "one"), ("+", ","), ("+", " edited")]) or (
        d.edited[0].words is not None and "".join(t for op, t in d.edited[0].words if op != "-") == "one, edited"
    )
    assert not diff_threads(old, old)


def test_since_rebuilds_the_archive_as_it_was():
    t = history()
    assert ids(diff_since(t, "2024-01-01")) == {
        "added": ["d"],
        "edited": ["b"],
        "deleted": ["a"],
        "removed": ["c"],
        "restored": [],
    }
    assert ids(diff_since(t, "2024-01-02T12:00:00+00:00")) == {
        "added": [],
        "edited": [],
        "deleted": ["a"],
        "removed": ["c"],
        "restored": [],
    }
    before_all = diff_since(t, "2023-12-31")
    assert ids(before_all)["added"] == [
        "a",
        "b",
        "d",
    ]  # c came and went and "before its first snapshot" in before_all.old_label
    assert not diff_since(t, "2024-01-03T00:00:00Z")
    past, at = thread_as_of(t, parse_when("2024-01-01T00:00:00Z"))
    assert at == "2024-01-01T00:00:00Z"
    assert [(x.id, x.text, x.deleted) for x in past.comments] == [
        ("a", "first", False),
        ("b", "the quick brown fox", False),
        ("c", "third", False),
    ]
    assert diff_since(t, "2024-01-01").edited[0].old_text == "the quick brown fox"


def test_rich_view_escapes_markup_and_control_sequences():
    old = thread(c("1", "plain", name="[bold red]Mallory[/]"))
    new = thread(
        c("1", "now [link=http://evil]click[/link] \x1b[2J\x1b]8;;http://evil\x07x", name="[bold red]Mallory[/]")
    )
    console = Console(record=True, width=100, file=open(os.devnull, "w"), force_terminal=True)  # noqa: SIM115
    console.print(render(diff_threads(old, new)))
    text = console.export_text()
    assert "[bold red]Mallory[/]" in text and "[link=http://evil]click[/link]" in text
    ansi = console.export_text(styles=True)
    assert "\x1b[2J" not in ansi and "\x1b]8;;http://evil" not in ansi


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "threadkeep", *args],
        capture_output=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "120"},
    )


def test_diff_cli_since_and_usage(tmp_path):
    path = tmp_path / "t.json"
    save_archive(history(), path)
    r = run("diff", str(path), "--since", "2024-01-01", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["counts"] == {"added": 1, "edited": 1, "deleted": 1, "removed": 1, "restored": 0}
    assert d["deleted"][0]["old_text"] == "first" and d["deleted"][0]["text"] == "[removed]"
    view = run("diff", str(path), "--since", "2024-01-01")
    out = view.stdout.decode()
    assert view.returncode == 0 and "1 added, 1 edited, 1 deleted, 1 removed" in out
    assert "Edited (1)" in out and "the quick [-brown-]{+red+} fox{+ jumps+}" in out  # markers: not a terminal
    for bad in (["diff", str(path)], ["diff", str(path), str(path), "--since", "2024-01-01"]):
        r = run(*bad)
        assert r.returncode == 2 and r.stderr.decode().count("\n") == 1
    r = run("diff", str(path), "--since", "yesterday")
    assert r.returncode == 2 and "not a date" in r.stderr.decode()
    r = run("diff", str(tmp_path / "missing.json"), str(path))
    assert r.returncode == 2
