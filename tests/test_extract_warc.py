"""extract-warc: a WARC of every page of ../shared/corpus/ plus as many comment-free pages (cut from
the same pages' articles) gives exactly the threads `threadkeep fetch FILE --url URL` gives for each
page, with the record ids and offsets; the same with -j 2 and on a Dask LocalCluster; a run killed
with SIGKILL and restarted holds each thread once; damaged files are named with the offset."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import html as lxml_html
from warcio.archiveiterator import ArchiveIterator

from corpus import CORPUS, needs_corpus, require
from threadkeep.bulk.make import PageRecord, pages_in, write_warc
from threadkeep.bulk.prefilter import may_hold_comments
from threadkeep.bulk.run import RunOptions, expand_inputs, run
from threadkeep.cli import main
from threadkeep.store import validation_errors

VOLATILE_SOURCE = ("fetched_at", "http")


def normalise(archive: dict) -> dict:
    """An archive without what differs between a fetch now and a capture then (times, HTTP facts)."""
    data = json.loads(json.dumps(archive))
    data.pop("warc", None)
    data.pop("last_checked", None)
    data.pop("snapshots", None)
    for key in VOLATILE_SOURCE:
        data["source"].pop(key, None)
    stack = list(data["comments"])
    while stack:
        c = stack.pop()
        c.pop("first_seen", None)
        c.pop("last_seen", None)
        stack.extend(c.get("replies") or [])
    return data


def fetched(path: Path, url: str, out: Path) -> dict:
    """What `threadkeep fetch FILE --url URL -o out` writes (the real command, in this process)."""
    with pytest.raises(SystemExit) as done:
        main(["fetch", str(path), "--url", url, "-o", str(out)])
    assert done.value.code == 0, path
    return json.loads(out.read_text("utf-8"))


def article_only(page: Path, dest: Path) -> None:
    """A comment-free page cut from a real page: its title and the first paragraphs of its text."""
    tree = lxml_html.fromstring(page.read_bytes())
    title = (tree.findtext(".//title") or page.stem).strip()
    paras = [" ".join(p.text_content().split()) for p in tree.iter("p")]
    paras = [p for p in paras if len(p) > 40][:6] or ["(no paragraph text on this page)"]
    body = "".join(f"<p>{lxml_html.escape(p) if hasattr(lxml_html, 'escape') else _esc(p)}</p>" for p in paras)
    dest.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{_esc(title)}</title></head>"
        f"<body><article><h1>{_esc(title)}</h1>{body}</article></body></html>",
        "utf-8",
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def corpus_warcs(tmp_path_factory):
    """Two WARCs: every corpus page (gzip), and the comment-free cuts (plain); and per URL what fetch gives."""
    require()  # every test using these needs the real-page corpus
    base = tmp_path_factory.mktemp("warcs")
    pages = pages_in(CORPUS)
    cuts_dir = base / "cuts"
    cuts_dir.mkdir()
    cuts = []
    for i, p in enumerate(pp for pp in pages if pp.path.suffix == ".html"):
        dest = cuts_dir / f"cut-{i:02d}.html"
        article_only(p.path, dest)
        cuts.append(PageRecord(dest, f"http://cuts.example/{i:02d}/{p.path.stem}", "text/html"))
    while len(cuts) < len(pages):  # as many comment-free pages as corpus pages
        first = cuts[len(cuts) % len(cuts)]
        cuts.append(PageRecord(first.path, first.url + f"?again={len(cuts)}", "text/html"))
    ids: dict[str, tuple[str, str]] = {}  # record id -> (file, url)
    expected: dict[str, dict] = {}  # record id -> what fetch gives for that record's page
    warc_a, warc_b = base / "corpus.warc.gz", base / "cuts.warc"
    out = base / "fetched.json"
    for warc, group in ((warc_a, pages), (warc_b, cuts)):
        for p, rid in write_warc(group, warc):
            ids[rid] = (str(warc), p.url)
            expected[rid] = fetched(p.path, p.url, out)
    return warc_a, warc_b, ids, expected


def lines_in(out: Path) -> list[dict]:
    rows = []
    for f in sorted(out.glob("*.jsonl")):
        for line in f.read_text("utf-8").splitlines():
            rows.append(json.loads(line))
    return rows


def check_output(out: Path, corpus_warcs, *, write_all: bool = False) -> None:
    _warc_a, _warc_b, ids, expected = corpus_warcs
    rows = lines_in(out)
    want = {key for key, a in expected.items() if write_all or a["stats"]["comments"] > 0}
    got = {}
    for row in rows:
        w = row["warc"]
        assert w["record_id"] in ids, w
        file, url = ids[w["record_id"]]
        assert os.path.samefile(w["file"], file)
        assert row["source"]["url"] == url
        assert validation_errors(row) == []  # each line is an archive (with its `warc` object)
        assert w["record_id"] not in got, f"{url} twice"
        got[w["record_id"]] = row
        with open(file, "rb") as fh:  # the offset is where that record starts
            fh.seek(w["offset"])
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_headers.get_header("WARC-Record-ID") == w["record_id"]
            assert rec.rec_headers.get_header("WARC-Date") == w["date"]
    assert set(got) == want
    for key in want:
        assert normalise(got[key]) == normalise(expected[key]), ids[key]
        assert got[key]["source"]["fetched_at"] == got[key]["warc"]["date"]
        assert got[key]["source"]["http"]["status"] == 200


def test_the_corpus_in_a_warc_gives_what_fetch_gives(corpus_warcs, tmp_path):
    warc_a, warc_b, _ids, expected = corpus_warcs
    threads = sum(1 for a in expected.values() if a["stats"]["comments"] > 0)
    assert threads >= 25  # the corpus pages with a thread (the NEGATIVE ones and the cuts have none)
    report = run([str(warc_a), str(warc_b)], tmp_path / "out", RunOptions(jobs=1))
    assert report.exit_code == 0
    check_output(tmp_path / "out", corpus_warcs)
    assert report.total("threads") == threads
    assert report.total("pages") == len(expected)
    assert report.total("no_comments") + report.total("prefiltered") == len(expected) - threads


def test_with_two_worker_processes_and_all_pages(corpus_warcs, tmp_path):
    warc_a, warc_b, _ids, expected = corpus_warcs
    report = run([str(warc_a), str(warc_b)], tmp_path / "out", RunOptions(jobs=2, write_all=True))
    assert report.exit_code == 0 and report.total("threads") == len(expected)
    check_output(tmp_path / "out", corpus_warcs, write_all=True)


def test_on_a_dask_local_cluster(corpus_warcs, tmp_path):
    pytest.importorskip("distributed")
    warc_a, warc_b, *_ = corpus_warcs
    report = run([str(warc_a), str(warc_b)], tmp_path / "out", RunOptions(jobs=2, engine="dask"))
    assert report.exit_code == 0, [r.error for r in report.failed]
    check_output(tmp_path / "out", corpus_warcs)


def test_the_prefilter_loses_no_thread_and_passes_over_the_cuts(corpus_warcs, tmp_path):
    warc_a, warc_b, _ids, _expected = corpus_warcs
    off = run([str(warc_a), str(warc_b)], tmp_path / "off", RunOptions(jobs=1, prefilter=False))
    on = run([str(warc_a), str(warc_b)], tmp_path / "on", RunOptions(jobs=1))
    assert off.total("threads") == on.total("threads")
    assert off.total("prefiltered") == 0
    assert on.total("prefiltered") > 0
    for page in pages_in(CORPUS):  # every page with a thread passes
        assert may_hold_comments(page.path.read_bytes()), page.path
    import csv

    corpus2 = CORPUS.parent / "corpus2"
    with (corpus2 / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        with_comments = [r["file"] for r in csv.DictReader(fh, delimiter="\t") if int(r["comments"] or 0) > 0]
    assert len(with_comments) >= 25
    for name in with_comments:  # and the second corpus's pages that hold comments (their MANIFEST)
        assert may_hold_comments((corpus2 / "pages" / name).read_bytes()), name


def test_parquet_one_row_per_comment(corpus_warcs, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    warc_a, _b, ids, expected = corpus_warcs
    report = run([str(warc_a)], tmp_path / "out", RunOptions(jobs=1, fmt="parquet"))
    assert report.exit_code == 0
    table = pq.read_table(next((tmp_path / "out").glob("*.parquet"))).to_pylist()
    want = sum(a["stats"]["comments"] for rid, a in expected.items() if ids[rid][0] == str(warc_a))
    assert len(table) == want
    assert {r["warc_record_id"] for r in table} <= set(ids)
    assert all(r["warc_offset"] >= 0 and r["comment_id"] for r in table)


def test_inputs_globs_folders_and_stdin(tmp_path):
    for name in ("a.warc.gz", "b.warc", "c.arc.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert expand_inputs([str(tmp_path / "*.warc*")]) == [str(tmp_path / "a.warc.gz"), str(tmp_path / "b.warc")]
    assert len(expand_inputs([str(tmp_path)])) == 3
    import io

    listed = io.StringIO(f"# some files\n{tmp_path / 'b.warc'}\n\n{tmp_path / 'a.warc.gz'}\n")
    assert expand_inputs(["-"], stdin=listed) == [str(tmp_path / "b.warc"), str(tmp_path / "a.warc.gz")]


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "threadkeep", *args], capture_output=True, text=True, timeout=300, **kw
    )


def record_offsets(path: Path) -> list[int]:
    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        return [it.get_record_offset() for _ in it]


def test_damaged_files_are_named_with_the_offset_and_the_others_done(corpus_warcs, tmp_path):
    warc_a, warc_b, *_ = corpus_warcs
    good = tmp_path / "good.warc.gz"
    shutil.copy(warc_a, good)
    data = warc_a.read_bytes()
    offsets = record_offsets(warc_a)
    cut = (offsets[10] + offsets[11]) // 2  # inside the 11th record
    (tmp_path / "truncated.warc.gz").write_bytes(data[:cut])
    plain = warc_b.read_bytes()
    plain_offsets = record_offsets(warc_b)
    bad_at = plain_offsets[5]
    (tmp_path / "broken.warc").write_bytes(plain[:bad_at] + b"GARBAGE, not a record\r\n\r\n" + plain[bad_at:])
    (tmp_path / "nonsense.warc").write_bytes(b"this is not a web archive at all\n" * 50)
    out = tmp_path / "out"
    proc = run_cli("extract-warc", str(tmp_path / "*.warc*"), "-o", str(out), "-j", "2")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("threadkeep: error:")]
    assert len(errors) == 3, proc.stderr
    text = "\n".join(errors)
    assert f"truncated.warc.gz: damaged at offset {offsets[10]}:" in text
    assert f"broken.warc: damaged at offset {bad_at}:" in text
    assert "nonsense.warc: damaged at offset 0:" in text
    assert "Traceback" not in proc.stderr
    assert "4 files (1 done, 3 failed)" in proc.stdout
    done = [json.loads(p.read_text()) for p in out.glob("*.done.json")]
    assert sorted(d["status"] for d in done) == ["done", "failed", "failed", "failed"]
    good_rows = [json.loads(x) for x in next(out.glob("good-*.jsonl")).read_text().splitlines()]
    trunc_rows = [json.loads(x) for x in next(out.glob("truncated-*.jsonl")).read_text().splitlines()]
    assert len(good_rows) > len(trunc_rows) > 0  # what came before the damage is kept
    assert all(r["warc"]["offset"] < offsets[10] for r in trunc_rows)


def test_sigkill_mid_run_then_rerun_holds_each_thread_once(corpus_warcs, tmp_path):
    warc_a, *_ = corpus_warcs
    inputs = []
    for i in range(6):
        p = tmp_path / f"part-{i}.warc.gz"
        shutil.copy(warc_a, p)
        inputs.append(str(p))
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "threadkeep", "extract-warc", *inputs, "-o", str(out), "-j", "2", "-q"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.done.json"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes, at once
    proc.wait()
    finished = {p.name.removesuffix(".done.json") for p in out.glob("*.done.json")}
    assert 2 <= len(finished) < 6, "the run was to be killed mid-way"
    per_file = None
    for f in out.glob("*.jsonl"):  # whatever is in view is whole
        rows = [json.loads(x) for x in f.read_text("utf-8").splitlines()]
        per_file = per_file or len(rows)
        assert len(rows) == per_file
    rerun = run_cli("extract-warc", *inputs, "-o", str(out), "-j", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(finished)} done before" in rerun.stdout
    keys = [(r["warc"]["file"], r["warc"]["record_id"]) for r in lines_in(out)]
    assert len(keys) == len(set(keys)) == 6 * per_file
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


@needs_corpus
def test_warc_command_and_an_arc_file(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    page = CORPUS / "wordpress" / "lemire.me_2019-08_json-parsing-simdjson.html"  # 5 comments (MANIFEST)
    shutil.copy(page, pages / "lemire.html")
    (pages / "urls.tsv").write_text("lemire.html\thttps://lemire.me/blog/2019/08/02/json/\n", "utf-8")
    made = run_cli("warc", str(pages), "-o", str(tmp_path / "x.warc.gz"))
    assert made.returncode == 0 and "1 page written" in made.stdout, made.stderr
    with (tmp_path / "x.warc.gz").open("rb") as fh:
        recs = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)]
    assert recs == [("warcinfo", None), ("response", "https://lemire.me/blog/2019/08/02/json/")]
    # an ARC (version 1) file of the same page, written by hand from the format's description
    body = page.read_bytes()
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    head = b"1 0 threadkeep-test\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = b"filedesc://test.arc 0.0.0.0 20190802120000 text/plain %d\n" % len(head) + head + b"\n"
    arc = filedesc + b"https://lemire.me/blog/2019/08/02/json/ 10.0.0.1 20190802120000 text/html %d\n" % len(http)
    arc += http + b"\n"
    (tmp_path / "old.arc").write_bytes(arc)
    report = run([str(tmp_path / "old.arc"), str(tmp_path / "x.warc.gz")], tmp_path / "out", RunOptions(jobs=1))
    assert report.exit_code == 0, [r.error for r in report.failed]
    rows = lines_in(tmp_path / "out")
    assert [r["stats"]["comments"] for r in rows] == [5, 5]
    assert normalise(rows[0]) == normalise(rows[1])
    arc_row = next(r for r in rows if r["warc"]["file"].endswith(".arc"))
    assert arc_row["warc"]["date"].startswith("2019-08-02T12:00:00")


def test_both_readers_give_the_same_records(corpus_warcs):
    pytest.importorskip("fastwarc")
    from threadkeep.bulk.records import http_responses

    for warc in corpus_warcs[:2]:
        fast = [
            (r.url, r.record_id, r.offset, r.date, r.status, r.body) for r in http_responses(warc, reader="fastwarc")
        ]
        slow = [(r.url, r.record_id, r.offset, r.date, r.status, r.body) for r in http_responses(warc, reader="warcio")]
        assert fast == slow and len(fast) == 31


def test_content_encoding_and_chunking_are_removed(tmp_path):
    """threadkeep's own captures keep the payload as sent (gzip, chunked): both readers undo it."""
    pytest.importorskip("fastwarc")
    import gzip
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from threadkeep.bulk.records import http_responses

    page = b"<html><body><div id='comments'><p>hello</p></div></body></html>"
    packed = gzip.compress(page)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(packed), packed)
    path = tmp_path / "enc.warc.gz"
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record("http://x.example/", "response", payload=io.BytesIO(chunked), http_headers=http)
        )
    for reader in ("fastwarc", "warcio"):
        assert [r.body for r in http_responses(path, reader=reader)] == [page], reader


@needs_corpus
def test_the_prefilter_without_ahocorasick_says_the_same(monkeypatch):
    from threadkeep.bulk import prefilter

    pages = [p.path.read_bytes() for p in pages_in(CORPUS)]
    fast = [prefilter.may_hold_comments(b) for b in pages]
    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    prefilter._matcher.cache_clear()
    try:
        slow = [prefilter.may_hold_comments(b) for b in pages]
        assert not prefilter.may_hold_comments(b"<html><body><p>Nothing to see</p></body></html>")
        assert prefilter.may_hold_comments(b"<li class='Comment-Body'>")
    finally:
        prefilter._matcher.cache_clear()
    assert fast == slow == [True] * len(pages)


PLUGIN = """
from threadkeep.sites.base import Site


class ShoutboxSite(Site):
    name = "shoutbox"
    description = "a test plugin"
    {words}
"""


@pytest.mark.parametrize("given", [None, b"shout-item"])
def test_a_plugin_site_adds_its_words_or_turns_the_prefilter_off(given, tmp_path, monkeypatch):
    from threadkeep import sites
    from threadkeep.bulk.prefilter import WORDS, words

    line = f"prefilter_words = ({given!r},)" if given else ""
    (tmp_path / "shoutbox.py").write_text(PLUGIN.format(words=line), "utf-8")
    monkeypatch.setenv("THREADKEEP_SITES", str(tmp_path))
    sites.reset()
    try:
        assert words() == (None if given is None else (*WORDS, given))
        assert may_hold_comments(b"<div class='shout-item'>hi</div>", words()) is True
    finally:
        monkeypatch.delenv("THREADKEEP_SITES")
        sites.reset()
    assert words() == WORDS


def test_usage_errors_and_missing_inputs(tmp_path):
    proc = run_cli("extract-warc", str(tmp_path / "none-*.warc.gz"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "none-*.warc.gz: No such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("extract-warc", "x.warc", "-o", str(tmp_path / "out"), "--scheduler", "tcp://h:8786")
    assert proc.returncode == 2 and "--scheduler goes with --engine dask" in proc.stderr
    (tmp_path / "file").write_text("x")
    proc = run_cli("extract-warc", "x.warc", "-o", str(tmp_path / "file"))
    assert proc.returncode == 2 and "not a directory" in proc.stderr


def test_a_progress_bar_on_a_terminal(corpus_warcs, tmp_path):
    warc_a, warc_b, *_ = corpus_warcs
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "threadkeep", "extract-warc", str(warc_a), str(warc_b), "-o", str(tmp_path / "o")],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))  # colours and cursor moves

    assert re.search(r"files .*\d+/2 .*[\d,]+ records, [\d,]+ threads, [\d,]+ records/s", text), text  # the bar
    assert "extract-warc: 2 files (2 done, 0 failed)" in text


def test_the_cli_on_a_dask_scheduler_by_address(corpus_warcs, tmp_path):
    distributed = pytest.importorskip("distributed")
    warc_a, warc_b, *_ = corpus_warcs
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        out = tmp_path / "out"
        args = ("extract-warc", str(warc_a), str(warc_b), "-o", str(out), "--engine", "dask")
        proc = run_cli(*args, "--scheduler", cluster.scheduler_address)
        assert proc.returncode == 0, proc.stderr
        assert "2 files (2 done, 0 failed)" in proc.stdout
        check_output(out, corpus_warcs)
        again = run_cli(*args, "--scheduler", cluster.scheduler_address)
        assert "nothing to do (2 files done before)" in again.stdout
    fresh = ("extract-warc", str(warc_a), "-o", str(tmp_path / "out2"), "--engine", "dask")
    bad = run_cli(*fresh, "--scheduler", "tcp://127.0.0.1:9")
    assert bad.returncode == 2 and "cannot connect" in bad.stderr and "Traceback" not in bad.stderr
