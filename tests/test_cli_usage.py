"""The command line's words (issue 15): help that reads whole, usage errors in one plain line with
exit 2, view options refused where they would be ignored, `reextract` doing what its help says,
and a start-up that imports only what the command needs. Real processes, as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import SEED_PAGE, SEED_URL

EXE = [sys.executable, "-m", "threadkeep"]
COMMANDS = [
    "fetch", "show", "export", "reextract", "schema", "update", "sync", "discover", "diff", "sites",
    "extract-warc", "warc",
]  # fmt: skip


def run(*args: str, columns: int = 100, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [*EXE, *args], capture_output=True, text=True, timeout=120, env={**base, "COLUMNS": str(columns), **(env or {})}
    )


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "seed.json"
    r = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


# ----------------------------------------------------------------------------- help


def _commands_section(text: str) -> dict[str, str]:
    """{command: its summary, the wrapped lines joined} from `threadkeep --help`."""
    section = text.split("Commands:\n", 1)[1]
    rows: dict[str, str] = {}
    name = None
    for line in section.splitlines():
        m = re.match(r"  (\S+)\s{2,}(.*)", line)
        if m:
            name = m.group(1)
            rows[name] = m.group(2).strip()
        elif line.strip() and name:
            rows[name] += " " + line.strip()
    return rows


@pytest.mark.parametrize("columns", [60, 100])
def test_the_command_list_gives_every_summary_whole(columns):
    r = run("--help", columns=columns)
    assert r.returncode == 0
    rows = _commands_section(r.stdout)
    assert sorted(rows) == sorted(COMMANDS)
    for name, summary in rows.items():
        assert "..." not in summary and summary.endswith("."), (name, summary)  # a whole sentence
    assert "Rebuild an archive from its raw capture (WARC), offline." in rows["reextract"]
    assert max(len(line) for line in r.stdout.splitlines()) <= columns


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_readably(command):
    r = run(command, "--help")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    usage = text.splitlines()[0]
    assert usage.startswith(f"Usage: threadkeep {command} [OPTIONS]")
    assert "{" not in usage and "}" not in usage  # not typer's `{source}`
    assert not re.search(r"<[a-z][a-z ]*>|<[a-z]+\[", text), text  # no `<float range>`, `<path>`, `<list[str]>`
    assert "x>=" not in text and "x<=" not in text  # ranges in words
    for arg in re.findall(r"^  (\S+)\s{2,}", text.split("Arguments:\n", 1)[-1].split("Options:", 1)[0], re.M):
        assert arg.rstrip(".").replace("_", "").isupper(), arg  # SOURCE, ARCHIVE, INPUT...


def test_fetch_help_names_its_values():
    text = run("fetch", "--help").stdout
    shown = ["Usage: threadkeep fetch [OPTIONS] SOURCE", "-o, --output PATH", "--timeout SECONDS", "--depth N"]
    shown += ["--format [json|md|tree|html]", "--comments [auto|page|feed]", "at least 1"]
    for words in shown:
        assert words in text, words


# ----------------------------------------------------------------------------- usage errors

USAGE_ERRORS = [
    (["fetch", "x", "--format", "xml"], ["--format", "'xml'", "json, md, tree, html", "threadkeep fetch --help"]),
    (["fetch"], ["SOURCE", "threadkeep fetch --help"]),
    (["show", "x.json", "--bogus"], ["--bogus", "threadkeep show --help"]),
    (["show", "x.json", "--ful"], ["--ful", "--full"]),
    (["fecth", "x"], ["'fecth'", "fetch", "threadkeep --help"]),
    (["nonsense"], ["'nonsense'"]),
    (["fetch", "x", "--timeout", "abc"], ["--timeout", "'abc'", "not a number"]),
    (["fetch", "x", "--timeout", "nan"], ["--timeout", "'nan'"]),
    (["show", "x.json", "--depth", "0"], ["--depth", "0", "less than 1"]),
    (["show", "x.json", "--depth", "two"], ["--depth", "'two'", "whole number"]),
    (["--color", "purple", "show", "x.json"], ["--color", "'purple'", "auto, always, never"]),
    (["sync", "list.txt"], ["--dir", "threadkeep sync --help"]),
    (["show", "a.json", "b.json"], ["b.json"]),
    (["fetch", "x", "--url"], ["--url", "value"]),
]


@pytest.mark.parametrize("args, words", USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_a_usage_error_is_one_plain_line_and_exit_2(args, words, tmp_path):
    r = subprocess.run(
        [*EXE, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}
    )
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("threadkeep: error: "), r.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    for foreign in ("Usage:", "Invalid value", "Error:", "Try '", "Input should", "Value error", "│", "╭", "Traceback"):
        assert foreign not in r.stderr, (foreign, r.stderr)


def test_the_readme_documents_exit_2_for_usage_errors():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| 2 | usage or input error: "))
    for words in ("an unknown command or option", "a bad option value", "a missing argument"):
        assert words in row


# ----------------------------------------------------------------------------- view options


@pytest.mark.parametrize("fmt", ["json", "html"])
@pytest.mark.parametrize("option", [["--depth", "1"], ["--no-article"]])
def test_view_options_are_refused_where_they_would_be_ignored(fmt, option, seed, tmp_path):
    out = tmp_path / "x.out"
    fetch = ["fetch", str(SEED_PAGE), "--url", SEED_URL, "-f", fmt, "-o", str(out)]
    for args in (fetch, ["show", str(seed), "-f", fmt]):
        r = run(*args, *option)
        assert r.returncode == 2 and r.stdout == ""
        assert len(r.stderr.splitlines()) == 1
        assert f"{option[0]} goes with --format md or tree" in r.stderr
        assert not out.exists()  # refused before anything was written


def test_view_options_shape_md_and_tree(seed):
    whole = run("show", str(seed), "-f", "md").stdout
    shallow = run("show", str(seed), "-f", "md", "--depth", "1", "--no-article")
    assert shallow.returncode == 0
    assert "**2.1**" in whole and "**2.1**" not in shallow.stdout and "*(+4 replies)*" in shallow.stdout
    tree = run("fetch", str(SEED_PAGE), "--url", SEED_URL, "-f", "tree", "--depth", "1")
    assert tree.returncode == 0 and "(+4 replies)" in tree.stdout
    assert "md and tree" in run("fetch", "--help", columns=200).stdout.split("--depth", 1)[1].splitlines()[0]


# ----------------------------------------------------------------------------- reextract


@pytest.fixture
def fetched(server, tmp_path) -> Path:
    server.route("/robots.txt", status=404)
    server.route("/2016/09/post.html", SEED_PAGE.read_text("utf-8"))
    out = tmp_path / "ms.json"
    r = run("fetch", server.url("/2016/09/post.html"), "-o", str(out), "--delay", "0")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ms.warc.gz").exists()
    return out


def test_reextract_rebuilds_in_place_as_its_help_says(fetched, server):
    server.close()  # no network needed
    help_text = " ".join(run("reextract", "--help").stdout.split())
    assert "in place" in help_text and "instead of over ARCHIVE" in help_text
    assert "standard output" not in help_text
    before = json.loads(fetched.read_text("utf-8"))
    inode = fetched.stat().st_ino
    r = run("reextract", str(fetched))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{fetched}: rebuilt from ms.warc.gz (8 comments)\n"
    after = json.loads(fetched.read_text("utf-8"))
    assert fetched.stat().st_ino != inode  # written anew (renamed into place)
    assert [c["id"] for c in after["comments"]] == [c["id"] for c in before["comments"]]
    assert after["comments"][0]["first_seen"] == before["comments"][0]["first_seen"]  # what it learned is kept


def test_reextract_to_o_leaves_the_archive_alone_and_waits_for_no_lock(fetched, server, tmp_path):
    server.close()
    original = fetched.read_bytes()
    other = tmp_path / "sub"
    other.mkdir()
    r = run("reextract", str(fetched), "-o", str(other / "again.json"))
    assert r.returncode == 0, r.stderr
    assert fetched.read_bytes() == original
    assert json.loads((other / "again.json").read_text("utf-8"))["stats"]["comments"] == 8
    bad = run("reextract", str(fetched), "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def test_reextract_in_place_takes_the_directory_lock(fetched, server):
    from threadkeep.sync.lock import directory_lock

    server.close()
    original = fetched.read_bytes()
    with directory_lock(fetched.parent):
        r = run("reextract", str(fetched))
    assert r.returncode == 3 and "lock" in r.stderr
    assert fetched.read_bytes() == original


# ----------------------------------------------------------------------------- start-up

HEAVY = ("typer", "click", "rich", "pydantic", "httpx", "lxml", "bs4", "dateparser", "warcio", "sqlite_utils")
OURS_HEAVY = ("threadkeep.pipeline", "threadkeep.export", "threadkeep.store", "threadkeep.sites", "threadkeep.net")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return set(r.stdout.split())


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_importing_the_package_and_the_cli_loads_nothing_heavy():
    loaded = _loaded_after("import threadkeep, threadkeep.cli")
    assert not _tops(loaded) & set(HEAVY)
    assert not {m for m in loaded if m.startswith(OURS_HEAVY)}
    assert "typing" not in loaded  # not even typing: `threadkeep --version` starts in no time


def test_the_commands_module_loads_typer_but_no_network_html_or_rich():
    loaded = _loaded_after("import threadkeep.cli.app, threadkeep.cli.warc_commands")
    assert "typer" in loaded
    assert not _tops(loaded) & {"rich", "pydantic", "httpx", "lxml", "bs4", "dateparser", "warcio", "sqlite_utils"}
    assert not {m for m in loaded if m.startswith(OURS_HEAVY)}


def _loaded_by_run(*args: str) -> set[str]:
    code = (
        "import io, contextlib\nfrom threadkeep.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        main({list(args)!r})\n    except SystemExit as e:\n        assert e.code == 0, e.code"
    )
    return _loaded_after(code)


def test_version_is_answered_before_typer_is_imported():
    assert "typer" not in _loaded_by_run("--version")
    r = run("--color", "never", "--version")
    assert r.returncode == 0 and r.stdout.startswith("threadkeep 0.")


def test_help_and_show_read_their_options_without_pydantic(seed):
    for args in (["fetch", "--help"], ["--help"], ["show", str(seed), "--no-pager"]):
        loaded = _tops(_loaded_by_run(*args))
        assert "pydantic" not in loaded, args  # typer would import it to read every option (~50 ms)
        assert not loaded & {"httpx", "lxml", "bs4", "dateparser"}, args
