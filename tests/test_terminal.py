"""The terminal as a person meets it (issue 15): colour on and off, 60 and 100 columns, the pager only
on a terminal, retry notices, completion scripts, help texts and usage errors. Terminal behaviour runs
on a real pseudo-terminal (tests/pty_run.py); everything else as a user runs it, in real processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import SEED_PAGE, SEED_URL
from pty_run import ANSI, on_tty
from server import Resp

EXE = [sys.executable, "-m", "threadkeep"]
PATH = "/2016/09/researchspeak-interferon-vs-alemtuzumab.html"


def run(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [*EXE, *args], capture_output=True, timeout=120, env={**base, "COLUMNS": "100", **(env or {})}, cwd=cwd
    )


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "seed.json"
    r = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


def edited_archive(seed: Path, tmp: Path, extra: dict | None = None) -> Path:
    """The seed archive with comment 3 edited once (an earlier version in its history)."""
    d = json.loads(seed.read_text("utf-8"))
    c3 = d["comments"][2]
    assert c3["number"] == "3"
    c3["history"] = [{"text": "An earlier text.", "html": "<p>An earlier text.</p>", "seen_at": "2024-05-01T06:00:00Z"}]
    if extra:
        d["comments"][0].update(extra)
    out = tmp / "edited.json"
    out.write_text(json.dumps(d), "utf-8")
    return out


# ----------------------------------------------------------------------------- colour


def test_colour_on_a_terminal_and_off_with_no_color_or_never(seed):
    on = on_tty("show", str(seed), "--no-pager")
    assert on.code == 0 and "\x1b[" in on.raw  # a terminal: colour
    assert "ResearchSpeak" in on.text
    for env, args in (({"NO_COLOR": "1"}, ()), ({}, ("--color", "never")), ({}, ("--color=never",))):
        off = on_tty("show", str(seed), "--no-pager", *args, env=env)
        assert off.code == 0 and "ResearchSpeak" in off.text
        assert "\x1b[" not in off.raw, (env, args)  # not even bold: nothing but the text
    empty = on_tty("show", str(seed), "--no-pager", env={"NO_COLOR": ""})  # no-color.org: empty is unset
    assert "\x1b[" in empty.raw


def test_colour_always_wins_over_a_pipe_and_no_color(seed):
    assert b"\x1b[" not in run("show", str(seed)).stdout  # a pipe: none
    assert b"\x1b[" in run("show", str(seed), "--color", "always").stdout
    assert b"\x1b[" in run("--color", "always", "show", str(seed), env={"NO_COLOR": "1"}).stdout


def test_error_lines_follow_the_colour_setting(tmp_path):
    missing = tmp_path / "missing.json"
    red = on_tty("show", str(missing))
    assert red.code == 2 and "\x1b[31mthreadkeep: error:" in red.raw
    plain = on_tty("show", str(missing), env={"NO_COLOR": "1"})
    assert plain.code == 2 and "\x1b[" not in plain.raw and "threadkeep: error:" in plain.raw


# ----------------------------------------------------------------------------- width


@pytest.mark.parametrize("cols", [60, 100])
def test_the_tree_fits_the_terminal(seed, cols):
    s = on_tty("show", str(seed), "--no-pager", cols=cols)
    lines = s.text.splitlines()
    assert s.code == 0 and len(lines) > 20
    assert max(len(line) for line in lines) <= cols
    assert max(len(line) for line in lines) > cols - 10  # and uses it
    assert "2.4 James" in s.text


def three_step_archive(server, tmp: Path) -> Path:
    from test_update import seed_html, step2, step3

    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    out = tmp / "a-rather-long-archive-name-for-a-narrow-terminal.json"
    assert run("fetch", server.url(PATH), "-o", str(out), "--delay", "0").returncode == 0
    first = tmp / "first.json"
    shutil.copy(out, first)
    server.route(PATH, step3(step2(seed_html())))
    assert run("update", str(out), "--delay", "0").returncode == 0
    return first, out


def test_diff_at_60_columns_keeps_counts_on_the_line_and_never_wraps_to_column_0(server, tmp_path):
    first, last = three_step_archive(server, tmp_path)
    for cols in (60, 100):
        s = on_tty("diff", str(first), str(last), cols=cols)
        lines = s.text.splitlines()
        assert s.code == 0
        assert lines[0].endswith(": 2 added, 1 edited, 1 deleted, 1 removed"), lines[0]  # the labels gave way
        assert "…" in lines[0] and len(lines[0]) <= cols
        assert max(len(line) for line in lines) <= cols
        titles = ("Added (", "Edited (", "Deleted (", "Removed upstream (")
        starts = [line for line in lines[1:] if line and not line.startswith(" ")]
        assert all(line.startswith(titles) for line in starts), starts  # nothing else at column 0
        # the word diff is bracketed on a terminal too, so copied text still says what changed
        assert "[-discover-]" in s.text and "{+discover, too late,+}" in s.text


def test_sync_progress_at_60_columns_keeps_its_count_and_clock(server, tmp_path):
    from test_update import seed_html

    server.route("/robots.txt", status=404)
    for i in range(3):
        server.route(f"/t{i}.html", Resp(200, seed_html(), delay=0.4))
    watch = tmp_path / "w.txt"
    watch.write_text("".join(server.url(f"/t{i}.html") + "\n" for i in range(3)), "utf-8")
    s = on_tty("sync", str(watch), "--dir", str(tmp_path / "d"), "--delay", "0.5", cols=60, rows=10)
    assert s.code == 0, s.text
    frames = [f for f in re.split(r"[\r\n]", ANSI.sub("", s.raw)) if f.startswith("syncing")]
    assert frames, s.raw
    for f in frames:
        assert len(f) <= 60
        assert re.search(r" [0-3]/[3?] 0:00:0\d", f), f  # the count and the clock are whole
    assert any("new: http" in f for f in frames)  # the URL is what gives way (cut with …)
    assert "3 threads: 3 new archives" in s.text


def test_blog_sync_progress_counts_posts_discovered_and_fits_60_columns(server, tmp_path):
    """sync --blog on a terminal: the bar's total grows as the blog says how many threads it
    checks, "N posts discovered" beside it; at 60 columns the count and clock stay whole."""
    from blogs import RssBlog

    RssBlog(server, posts=4)
    s = on_tty("sync", "--blog", server.url("/"), "--dir", str(tmp_path / "d"), "--delay", "0.3", cols=60, rows=10)
    assert s.code == 0, s.text
    frames = [f for f in re.split(r"[\r\n]", ANSI.sub("", s.raw)) if f.startswith("syncing")]
    assert frames, s.raw
    assert all(len(f) <= 60 for f in frames), frames
    assert any(re.search(r" [0-4]/4 0:00:\d\d", f) for f in frames), frames  # the count and the clock
    assert any("4 posts discovered" in f for f in frames), frames
    assert f"{server.host}:{server.port}: 4 posts, 4 new archives" in s.text  # the blog's line after the bar


# ----------------------------------------------------------------------------- pager


@pytest.fixture
def fake_pager(tmp_path) -> tuple[str, Path]:
    seen = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" > '{seen}'\ncat >> '{seen}'\n", "utf-8")
    script.chmod(0o755)
    return f"{script} --flag", seen


def test_show_pages_on_a_terminal_when_taller_than_the_screen(seed, fake_pager):
    pager, seen = fake_pager
    s = on_tty("show", str(seed), rows=24, env={"PAGER": pager})
    assert s.code == 0
    paged = ANSI.sub("", seen.read_text("utf-8"))
    assert paged.startswith(pager.split()[0] + " --flag\n")  # $PAGER, its arguments kept
    assert "2.4 James" in paged and "2.4 James" not in s.text


def test_no_pager_when_it_fits_or_asked_or_not_a_terminal(seed, fake_pager):
    pager, seen = fake_pager
    assert on_tty("show", str(seed), rows=500, env={"PAGER": pager}).code == 0  # fits: no pager
    assert not seen.exists()
    s = on_tty("show", str(seed), "--no-pager", env={"PAGER": pager})
    assert "2.4 James" in s.text and not seen.exists()
    r = run("show", str(seed), env={"PAGER": pager})  # a pipe: never
    assert b"2.4 James" in r.stdout and not seen.exists()


def test_the_default_pager_is_less_dash_r(seed, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "less-args"
    (bin_dir / "less").write_text(f"#!/bin/sh\necho \"$*\" > '{seen}'\ncat > /dev/null\n", "utf-8")
    (bin_dir / "less").chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    os_env = dict(os.environ)
    try:
        os.environ.pop("PAGER", None)
        s = on_tty("show", str(seed), env=env)
    finally:
        os.environ.clear()
        os.environ.update(os_env)
    assert s.code == 0 and seen.read_text().strip() == "-R"


# ----------------------------------------------------------------------------- depth, edits, long comments


def test_depth_says_how_many_replies_it_hides(seed):
    r = run("show", str(seed), "--no-article", "--depth", "1")
    out = r.stdout.decode()
    assert r.returncode == 0 and "2.1" not in out
    assert out.count("(+4 replies)") == 1  # comment 2 has replies 2.1-2.4 on the page; no other has any
    md = run("show", str(seed), "--format", "md", "--depth", "1").stdout.decode()
    assert md.count("*(+4 replies)*") == 1 and "**2.1**" not in md
    f = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "--format", "md", "--depth", "1", "--no-article")
    assert f.returncode == 0 and b"*(+4 replies)*" in f.stdout and b"## Abstract" not in f.stdout


def test_edited_comments_are_marked_in_show_and_export(seed, tmp_path):
    archive = edited_archive(seed, tmp_path)
    tree = run("show", str(archive), "--no-article").stdout.decode()
    (line,) = [ln for ln in tree.splitlines() if "edited" in ln]
    assert re.search(r"3 Anonymous · 2016-09-05T11:30:00Z · edited \(1 earlier version\)", line)
    md = run("export", str(archive)).stdout.decode()
    (head,) = [ln for ln in md.splitlines() if "*edited" in ln]
    assert head.startswith("3. **3** Anonymous") and head.endswith("· *edited (1 earlier version)*")


def test_a_long_comment_is_cut_with_what_is_left_and_full_shows_it(seed, tmp_path):
    text = "word " * 999 + "LASTWORD"  # 5,003 characters
    archive = edited_archive(seed, tmp_path, {"text": text})
    out = run("show", str(archive), "--no-article").stdout.decode()
    # the first 2,000 characters end in a space, which is not shown: 5,003 - 1,999 are left
    assert "… 3,004 more characters (--full shows them)" in out and "LASTWORD" not in out
    full = run("show", str(archive), "--no-article", "--full").stdout.decode()
    assert "LASTWORD" in full and "more characters" not in full


# ----------------------------------------------------------------------------- retries


def test_retries_are_told_on_a_terminal_only(server, tmp_path):
    from test_update import seed_html

    server.route("/robots.txt", status=404)
    server.route(PATH, [Resp(500), Resp(200, seed_html())])
    s = on_tty("fetch", server.url(PATH), "-o", str(tmp_path / "a.json"), "--delay", "0")
    assert s.code == 0, s.text
    lines = [line.strip("\r") for line in s.text.split("\n")]
    assert any(re.fullmatch(r"threadkeep: retrying in \d(\.\d)? s \(HTTP 500\)", line) for line in lines), lines
    server.route(PATH, [Resp(500), Resp(200, seed_html())])
    r = run("fetch", server.url(PATH), "-o", str(tmp_path / "b.json"), "--delay", "0")
    assert r.returncode == 0 and r.stderr == b""  # a cron mail stays empty


# ----------------------------------------------------------------------------- global options


def test_global_options_go_before_or_after_the_command(seed):
    for args in (["-v", "show", str(seed)], ["show", str(seed), "-v"], ["show", "--color=never", str(seed)]):
        assert run(*args).returncode == 0, args


# ----------------------------------------------------------------------------- packaging


def test_the_package_names_its_home_and_project_urls():
    from importlib.metadata import metadata

    urls = dict(u.split(", ", 1) for u in metadata("threadkeep").get_all("Project-URL") or [])
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())


def test_the_shipped_validator_is_the_schema_compiled():
    import fastjsonschema

    from threadkeep import _validator_v1 as shipped
    from threadkeep.store import _schema_text, schema

    assert _schema_text() == shipped.SCHEMA_TEXT  # else: python scripts/gen_validator.py
    fresh = fastjsonschema.compile(schema())
    good = json.loads(run("fetch", str(SEED_PAGE), "--url", SEED_URL).stdout)
    bad = [{**good, "schema_version": "1"}, {**good, "comments": [{"id": 1}]}, {}, {**good, "stats": None}]
    assert shipped.validate(good) == fresh(good)
    for doc in bad:
        with pytest.raises(fastjsonschema.JsonSchemaValueException) as a:
            shipped.validate(doc)
        with pytest.raises(fastjsonschema.JsonSchemaValueException) as b:
            fresh(doc)
        assert str(a.value) == str(b.value)
