"""The plugin API: the complete example of docs/sites.md, loaded from the doc itself, archives a
real page; `threadkeep sites` lists it first with where it came from; entry points load; a broken
plugin is one line naming its file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from corpus import REPO, SHARED, needs_corpus
from threadkeep import sites
from threadkeep.errors import InputError
from threadkeep.inputs import archive_file

DOC = REPO / "docs" / "sites.md"
BBC = SHARED / "corpus2" / "pages" / "bbc.co.uk_news_magazine-22025328_class-calculator.html"
BBC_GOLD = SHARED / "corpus2" / "gold" / "bbc.co.uk_news_magazine-22025328_class-calculator.json"


def doc_plugin() -> str:
    """The one `python` block of docs/sites.md that defines a site."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    found = [b for b in blocks if "class " in b and "(SoupSite)" in b]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    (tmp_path / "bbc_dna.py").write_text(doc_plugin(), "utf-8")
    monkeypatch.setenv("THREADKEEP_SITES", str(tmp_path))
    sites.reset()
    yield tmp_path
    monkeypatch.delenv("THREADKEEP_SITES")
    sites.reset()


@needs_corpus
def test_the_documented_plugin_archives_the_page_as_the_gold_says(plugin_dir):
    gold = json.loads(BBC_GOLD.read_text("utf-8"))["comments"]
    registry = sites.registry()
    assert registry[0].name == "bbc-dna" and registry[0].origin == str(plugin_dir / "bbc_dna.py")
    thread = archive_file(str(BBC))
    assert thread.source.platform == "bbc-dna"
    comments = list(thread.all_comments())
    assert len(comments) == len(gold) == 5
    for got, want in zip(comments, gold, strict=True):
        assert got.author.name == want["author"]
        assert " ".join(got.text.split()).startswith(want["text_start"])
        assert " ".join(got.text.split()).endswith(want["text_end"])
        assert got.published is None  # "1 Hour ago": relative, never an invented instant
        assert got.permalink.startswith("http://www.bbc.co.uk/news/magazine-22025328?postId=")
    assert comments[0].id == "115828776"
    assert [c.number for c in comments] == ["1", "2", "3", "4", "5"]


@needs_corpus
def test_the_plugin_does_not_claim_other_pages(plugin_dir):
    other = SHARED / "corpus" / "wordpress" / "lemire.me_2019-08_json-parsing-simdjson.html"
    assert archive_file(str(other)).source.platform == "wordpress"


@needs_corpus
def test_threadkeep_sites_lists_the_plugin_first_with_its_file(plugin_dir):
    env = {**os.environ, "THREADKEEP_SITES": str(plugin_dir)}
    out = subprocess.run([sys.executable, "-m", "threadkeep", "sites"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:2] == ["1.", "bbc-dna"] and lines[0].endswith(f"[{plugin_dir / 'bbc_dna.py'}]")
    assert [line.split()[1] for line in lines[1:]] == [s.name for s in sites.registry()[1:]]
    assert lines[-1].split()[1] == "generic"


@needs_corpus
def test_sites_option_names_a_plugin_directory(tmp_path):
    (tmp_path / "bbc_dna.py").write_text(doc_plugin(), "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "THREADKEEP_SITES"}
    out = subprocess.run(
        [sys.executable, "-m", "threadkeep", "--sites", str(tmp_path), "fetch", str(BBC)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["source"]["platform"] == "bbc-dna"


@needs_corpus
def test_an_entry_point_plugin_is_loaded(tmp_path, monkeypatch):
    """An installed package's entry point in the group threadkeep.sites (a real dist-info on sys.path)."""
    (tmp_path / "tk_example_sites.py").write_text(doc_plugin(), "utf-8")
    dist = tmp_path / "tk_example_sites-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tk-example-sites\nVersion: 1.0\n", "utf-8")
    (dist / "entry_points.txt").write_text("[threadkeep.sites]\nbbc-dna = tk_example_sites:DnaCommentsSite\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sites.reset()
    try:
        first = sites.registry()[0]
        assert first.name == "bbc-dna" and first.origin.startswith("entry point bbc-dna")
        assert archive_file(str(BBC)).source.platform == "bbc-dna"
    finally:
        sites.reset()


@needs_corpus
def test_a_broken_plugin_is_one_line_naming_its_file(tmp_path, monkeypatch):
    (tmp_path / "broken.py").write_text("import no_such_module_anywhere\n", "utf-8")
    monkeypatch.setenv("THREADKEEP_SITES", str(tmp_path))
    sites.reset()
    try:
        with pytest.raises(InputError, match=r"broken\.py: plugin failed to load: ModuleNotFoundError"):
            sites.registry()
    finally:
        sites.reset()
    env = {**os.environ, "THREADKEEP_SITES": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "threadkeep", "fetch", str(BBC)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "broken.py" in out.stderr and "Traceback" not in out.stderr


def test_a_missing_plugin_directory_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADKEEP_SITES", str(tmp_path / "nope"))
    sites.reset()
    try:
        with pytest.raises(InputError, match="plugin directory not found"):
            sites.registry()
    finally:
        sites.reset()
