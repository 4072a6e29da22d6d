"""Archive file names from URLs: readable, stable, collision-free, and never outside DIR."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import SEED_URL
from threadkeep.errors import InputError
from threadkeep.paths import archive_path, archive_stem, name_stem

SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def check(stem: str) -> None:
    assert SAFE.match(stem), stem
    assert len(stem) <= 91 and ".." not in stem and stem not in (".", "..")
    assert stem.split(".", 1)[0].lower() not in DEVICES


def test_readable_and_stable():
    stem = archive_stem(SEED_URL)
    assert stem.startswith("multiple-sclerosis-research.blogspot.com_2016_09_researchspeak-interferon")
    assert re.search(r"-[0-9a-f]{10}$", stem) and stem == archive_stem(SEED_URL)
    assert archive_stem("http://127.0.0.1:8080/p.html").startswith("127.0.0.1_8080_p.html-")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/../../../etc/passwd",
        "http://example.com/%2e%2e/%2e%2e/x",
        "/etc/passwd",
        "..",
        "http://nul/",
        "http://CON.example/",
        "http://example.com/a\x00b",
        "http://example.com/" + "x" * 5000,
        "http://example.com/" + "é" * 300,
        "http://[::1]:99/x",
        "http://example.com:notaport/x",
        "C:\\Windows\\system32",
        "",
        "-rf",
        ".hidden",
    ],
)
def test_hostile_urls_give_plain_names_inside_dir(url, tmp_path):
    stem = archive_stem(url)
    check(stem)
    path = archive_path(tmp_path, stem)
    assert path.parent == tmp_path and path.resolve().parent == tmp_path.resolve()


def test_reserved_windows_names_are_prefixed():
    assert archive_stem("http://nul/").startswith("_nul-")
    assert archive_stem("http://com1.example/").startswith("_com1.example-")
    assert name_stem("CON") == "_CON" and name_stem("aux.json") == "_aux"


def test_similar_urls_do_not_collide():
    urls = [
        "http://a.example/x/y",
        "http://a.example/x_y",
        "http://a.example/x?y",
        "http://a.example/x#y",
        "http://a.example/x/y/",
        "https://a.example/x/y",
        "http://A.example/x/y",
    ]
    stems = {archive_stem(u) for u in urls}
    assert len(stems) == len(urls)
    readable = {s.rsplit("-", 1)[0] for s in stems}
    assert len(readable) < len(urls)  # the hash is what tells them apart


def test_long_urls_are_shortened_but_kept_apart():
    a = "http://example.com/" + "a" * 300 + "/1"
    b = "http://example.com/" + "a" * 300 + "/2"
    assert archive_stem(a) != archive_stem(b) and len(archive_stem(a)) == 91


def test_archive_path_refuses_unsafe_stems(tmp_path):
    for bad in ("../x", "a/b", "", "..", ".", "a\x00b", ".hidden", "x" * 5 + "/"):
        with pytest.raises(InputError):
            archive_path(tmp_path, bad)
    assert archive_path(tmp_path, "seed_thread") == tmp_path / "seed_thread.json"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_safe_name(text):
    stem = archive_stem(text)
    check(stem)
    assert archive_path(Path("/srv/archive"), stem).parent == Path("/srv/archive")
    check(name_stem(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), min_size=2, max_size=20, unique=True))
def test_distinct_urls_distinct_names(paths):
    urls = [f"http://example.com/{p}" for p in paths]
    assert len({archive_stem(u) for u in urls}) == len(urls)
