"""`--format csv|jsonl|parquet`: one row per comment, read back with csv, json and pyarrow.

The expected rows are built here from the archive files read with the json module (one row per
comment, reading order), not from the exporter; every format must give back exactly those rows.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from export_data import archive_data, make_archives, reading_order, require
from threadkeep.export import batch, tables
from threadkeep.model import Author, Comment, Revision, Source, Thread
from threadkeep.store import save_archive
from threadkeep.tree import number_comments

EXE = [sys.executable, "-m", "threadkeep"]
HEADER = [
    "thread_url", "thread_title", "comment_id", "number", "parent_number", "depth", "author", "author_url",
    "is_post_author", "published", "kind", "deleted", "removed_upstream_at", "edit_count", "permalink", "text",
]  # fmt: skip
AWKWARD = (
    'Commas, "quotes", a tab\there,\r\na CRLF and a lone \r CR, é ü 中文 🙂, =SUM(A1:A9), '
    "\u202eoverride\u202c, \x85NEL and \u2028LS"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tables")
    make_archives(d / "archives")
    awkward = [
        Comment(
            id="a1",
            text=AWKWARD,
            html="<p>x</p>",
            author=Author('Jo "the, quoter"', "https://example.org/jo", True),
            published="2020-01-02T03:04:05+02:00",
            replies=[Comment(id="a2", text="", deleted=True, kind="pingback")],
        ),
        Comment(
            id="a3", text="edited", history=[Revision("before", "", None)], removed_upstream_at="2021-01-01T00:00:00Z"
        ),
    ]
    number_comments(awkward)
    save_archive(
        Thread(source=Source(url="https://example.org/post?a=1,b=2", platform="generic"), comments=awkward),
        d / "archives" / "zz-awkward.json",
    )
    return d / "archives"


def expected_rows(directory: Path) -> list[dict]:
    out = []
    for path in sorted(directory.glob("*.json")):
        data = archive_data(path)
        url = data["article"]["url"] or data["source"]["url"] or data["source"]["final_url"]
        number_of = {}
        for c in reading_order(data["comments"]):
            number_of[c["id"]] = c["number"]
            out.append(
                {
                    "thread_url": url,
                    "thread_title": data["article"]["title"],
                    "comment_id": c["id"],
                    "number": c["number"],
                    "parent_number": number_of[c["parent_id"]] if c["parent_id"] else None,
                    "depth": c["depth"],
                    "author": c["author"]["name"],
                    "author_url": c["author"]["url"],
                    "is_post_author": c["author"]["is_post_author"],
                    "published": c["published"],
                    "kind": c["kind"],
                    "deleted": c["deleted"],
                    "removed_upstream_at": c["removed_upstream_at"],
                    "edit_count": len(c["history"]),
                    "permalink": c["permalink"],
                    "text": c["text"],
                }
            )
    return out


def test_csv_round_trip(archive_dir, tmp_path):
    out = tmp_path / "comments.csv"
    r = run("export", str(archive_dir), "--format", "csv", "-o", str(out))
    assert r.returncode == 0, r.stderr
    expected = expected_rows(archive_dir)
    assert f"{len(expected):,} comments" in r.stdout
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        raw = list(reader)
    assert header == HEADER
    assert len(raw) == len(expected) == sum(1 for _ in expected)
    # read with the csv module alone, by the documented rules: empty = missing, true/false
    for fields, want in zip(raw, expected, strict=True):
        got = dict(zip(header, fields, strict=True))
        for key, value in want.items():
            if value is None:
                assert got[key] == "", key
            elif isinstance(value, bool):
                assert got[key] == ("true" if value else "false"), key
            else:
                assert got[key] == str(value), (key, got[key], value)
    with out.open(encoding="utf-8", newline="") as fh:
        assert tables.read_csv(fh) == expected
    assert out.read_bytes().count(b"\r\n") >= len(expected)  # RFC 4180 line ends
    awkward = [row for row in expected if row["comment_id"] == "a1"]
    assert awkward and awkward[0]["text"] == AWKWARD


def test_jsonl_round_trip(archive_dir, tmp_path):
    out = tmp_path / "comments.jsonl"
    assert run("export", str(archive_dir), "--format", "jsonl", "-o", str(out)).returncode == 0
    raw = out.read_bytes()
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == ""
    rows = [json.loads(line) for line in lines[:-1]]
    assert rows == expected_rows(archive_dir)
    assert all(list(row) == HEADER for row in rows)
    # the text a terminal would act on is escaped in the file, the same text once parsed
    assert "\u202e".encode() not in raw and b"\\u202e" in raw and "\x85".encode() not in raw
    # to stdout too, byte for byte
    r = subprocess.run([*EXE, "export", str(archive_dir), "--format", "jsonl"], capture_output=True, timeout=120)
    assert r.returncode == 0 and r.stdout == raw


def _pyarrow_parquet():
    try:
        import pyarrow.parquet
    except ImportError:
        require(False, "pyarrow is not installed (the parquet extra)")
    return pyarrow.parquet


def test_parquet_round_trip(archive_dir, tmp_path):
    pq = _pyarrow_parquet()
    out = tmp_path / "comments.parquet"
    assert run("export", str(archive_dir), "--format", "parquet", "-o", str(out)).returncode == 0
    table = pq.read_table(out)
    assert table.column_names == HEADER
    types = {f.name: str(f.type) for f in table.schema}
    assert types["depth"] == types["edit_count"] == "int32"
    assert types["deleted"] == types["is_post_author"] == "bool"
    assert types["number"] == types["text"] == "string"
    assert table.to_pylist() == expected_rows(archive_dir)


def test_all_formats_agree_and_counts_match(archive_dir, tmp_path):
    _pyarrow_parquet()
    for fmt in ("csv", "jsonl", "parquet"):
        assert run("export", str(archive_dir), "-f", fmt, "-o", str(tmp_path / f"t.{fmt}")).returncode == 0
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        from_csv = tables.read_csv(fh)
    from_jsonl = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text("utf-8").splitlines()]
    from_parquet = tables.read_parquet(tmp_path / "t.parquet")
    assert from_csv == from_jsonl == from_parquet
    total = sum(len(reading_order(archive_data(p)["comments"])) for p in archive_dir.glob("*.json"))
    assert len(from_csv) == total


def test_one_archive_and_errors(archive_dir, tmp_path, monkeypatch):
    seed = archive_dir / "seed.json"
    r = run("export", str(seed), "--format", "csv")
    assert r.returncode == 0
    assert len(list(csv.reader(io.StringIO(r.stdout)))) == 1 + 8
    r = run("export", str(archive_dir), "--format", "parquet")
    assert r.returncode == 2 and "-o FILE.parquet" in r.stderr
    broken = tmp_path / "with-broken"
    shutil.copytree(archive_dir, broken)
    (broken / "nope.json").write_text("not json")
    r = run("export", str(broken), "--format", "csv", "-o", str(tmp_path / "b.csv"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "nope.json" in r.stderr
    with (tmp_path / "b.csv").open(encoding="utf-8", newline="") as fh:
        assert len(tables.read_csv(fh)) == len(expected_rows(archive_dir))
    # without pyarrow: one line that says what to install, and nothing written
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    errors: list[str] = []
    target = tmp_path / "none.parquet"
    with pytest.raises(Exception) as info:
        batch.export_path(archive_dir, "parquet", target, on_error=errors.append)
    assert "pip install 'threadkeep[parquet]'" in str(info.value)
    assert getattr(info.value, "exit_code", None) == 2
    assert not target.exists()
