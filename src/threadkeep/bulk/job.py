"""The per-file task: one WARC/ARC file in, its threads out. A plain Python function, the same
on one machine (`-j N` processes), on a Dask cluster, or inside a Spark `mapPartitions`.

    threads_in_warc(path)                     the archive dicts of a file's threads, one per page
    extract_warc_file(path, out_dir)          the same written to OUT_DIR (JSON Lines or Parquet),
                                              atomically, with a `.done.json` mark; a FileResult

Every HTTP response record (2xx) whose body is a page or a saved API response goes through the
same pipeline as `threadkeep fetch FILE --url URL` (threadkeep.inputs.thread_from_bytes), offline,
after the byte pre-filter (threadkeep.bulk.prefilter). Each thread gets, beside the archive
format's fields, a `warc` object: the file, the record id, the record's offset and its date.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from threadkeep.bulk.records import MAX_BODY, HttpRecord, Tally, WarcDamage, http_responses

__all__ = ["FileResult", "extract_warc_file", "output_names", "threads_in_warc"]

_NOT_PAGES = ("image/", "audio/", "video/", "font/", "text/css", "javascript", "application/pdf", "application/zip")


@dataclass
class FileResult:
    """What one input gave (picklable: it travels back from worker processes and Dask workers)."""

    input: str
    output: str | None = None
    status: str = "done"  # "done", "failed"
    error: str | None = None  # one line: where and why, for a failed file
    records: int = 0  # WARC records read
    responses: int = 0  # HTTP responses with a URL
    pages: int = 0  # responses read as pages or API responses (2xx, a page's type)
    prefiltered: int = 0  # pages the pre-filter passed over without parsing
    no_comments: int = 0  # pages parsed that hold no comment
    threads: int = 0  # threads written
    comments: int = 0  # their comments
    skipped: int = 0  # not 2xx, not a page, too big, undecodable, or an extraction that failed
    page_errors: list[str] = field(default_factory=list)  # the first few extraction failures
    seconds: float = 0.0
    input_size: int | None = None
    input_mtime: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Counts:
    pages: int = 0
    prefiltered: int = 0
    no_comments: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def output_names(path: str | os.PathLike[str], fmt: str = "jsonl") -> tuple[str, str]:
    """(data file, done mark) names in OUT for an input: its name and a hash of its full path, so
    that two inputs of one name in different folders never share an output."""
    full = os.path.abspath(os.fspath(path))
    stem = Path(full).name
    for suffix in (".gz", ".warc", ".arc"):
        stem = stem.removesuffix(suffix)
    key = hashlib.sha1(full.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    data = f"{stem}-{key}.{'parquet' if fmt == 'parquet' else 'jsonl'}"
    return data, data + ".done.json"


def _is_page_type(content_type: str | None) -> bool:
    ct = (content_type or "").lower()
    return not any(k in ct for k in _NOT_PAGES)


def _thread_of(rec: HttpRecord, name: str, counts: _Counts, words, write_all: bool):
    from threadkeep.bulk.prefilter import may_hold_comments
    from threadkeep.errors import ThreadkeepError
    from threadkeep.inputs import thread_from_bytes
    from threadkeep.merge import stamp_new
    from threadkeep.model import HttpInfo

    if not 200 <= rec.status < 300 or rec.status == 206 or not _is_page_type(rec.content_type):
        counts.skipped += 1
        return None
    counts.pages += 1
    if not may_hold_comments(rec.body, words) and not write_all:
        counts.prefiltered += 1
        return None
    try:
        thread = thread_from_bytes(rec.body, rec.url, name=f"{name}@{rec.offset}", content_type=rec.content_type)
    except ThreadkeepError:
        counts.skipped += 1  # not a page threadkeep reads (binary, no markup, unknown JSON)
        return None
    except (Exception, RecursionError) as exc:  # one page must not stop a file of thousands
        counts.skipped += 1
        if len(counts.errors) < 5:
            counts.errors.append(f"{rec.url} (offset {rec.offset}): {type(exc).__name__}: {str(exc)[:120]}")
        return None
    if not thread.comments and not write_all:
        counts.no_comments += 1
        return None
    if not thread.comments:
        counts.no_comments += 1
    date = _iso(rec.date)
    thread.source.fetched_at = date or thread.source.fetched_at
    thread.source.final_url = rec.url
    thread.source.http = HttpInfo(rec.status, rec.header("etag"), rec.header("last-modified"), rec.content_type)
    stamp_new(thread, date or None)
    data = thread.to_dict()
    data["warc"] = {"file": name, "record_id": rec.record_id, "offset": rec.offset, "date": rec.date}
    return thread, data


def _iso(date: str) -> str:
    """A WARC-Date as the archive writes instants (seconds, Z)."""
    if not date:
        return ""
    return date[:19] + "Z" if len(date) >= 19 and date[10] == "T" else date


def threads_in_warc(
    path: str | os.PathLike[str],
    *,
    write_all: bool = False,
    prefilter: bool = True,
    max_body: int = MAX_BODY,
    name: str | None = None,
    tally: Tally | None = None,
    counts: _Counts | None = None,
    on_record: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The threads of one WARC/ARC file, as archive dicts with their `warc` object, in file order.
    Raises WarcDamage after yielding what came before the damage."""
    for _thread, data in _threads(path, write_all, prefilter, max_body, name, tally, counts, on_record):
        yield data


def _threads(path, write_all, prefilter, max_body, name, tally, counts, on_record):
    from threadkeep.bulk.prefilter import words

    tally = tally if tally is not None else Tally()
    counts = counts if counts is not None else _Counts()
    chosen = words() if prefilter else None
    name = name or os.fspath(path)
    for rec in http_responses(path, max_body=max_body, tally=tally):
        found = _thread_of(rec, name, counts, chosen, write_all)
        if on_record is not None:
            on_record(tally.records)
        if found is not None:
            yield found


def _json_line(data: dict[str, Any]) -> bytes:
    from threadkeep.html.sanitize import no_surrogates
    from threadkeep.store import _UNSAFE_IN_JSON

    text = json.dumps(data, ensure_ascii=False)
    if not text.isascii():
        text = _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", no_surrogates(text))
    return (text + "\n").encode("utf-8")


def extract_warc_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str = "jsonl",
    write_all: bool = False,
    prefilter: bool = True,
    max_body: int = MAX_BODY,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> FileResult:
    """Extract one file's threads into out_dir; never raises for a bad input (the result says).

    The data file and then its `.done.json` mark are each written aside and renamed into place:
    a run killed at any instant leaves a file done (both there) or not done (its data file, if
    any, is rewritten whole by the next run), never half a file."""
    from threadkeep.bulk.atomic import atomic_binary

    started = time.monotonic()
    path = os.fspath(path)
    data_name, done_name = output_names(path, fmt)
    out = Path(out_dir)
    result = FileResult(input=path, output=str(out / data_name))
    try:
        st = os.stat(path)
        result.input_size, result.input_mtime = st.st_size, st.st_mtime
    except OSError as exc:
        result.status, result.output = "failed", None
        result.error = f"{path}: {exc.strerror or exc}"
        return result
    tally, counts = Tally(), _Counts()
    last = [0.0]

    def on_record(n: int) -> None:
        now = time.monotonic()
        if on_progress is not None and now - last[0] > 0.25:
            last[0] = now
            on_progress(path, n, result.threads)

    threads = _threads(path, write_all, prefilter, max_body, None, tally, counts, on_record)
    try:
        with atomic_binary(out / data_name) as fh:
            writer = _ParquetOut(fh) if fmt == "parquet" else None
            try:
                for thread, data in threads:
                    result.threads += 1
                    result.comments += data["stats"]["comments"]
                    if writer is not None:
                        writer.add(thread, data["warc"])
                    else:
                        fh.write(_json_line(data))
            except WarcDamage as exc:
                result.status, result.error = "failed", f"{path}: {exc}"
            finally:
                if writer is not None:
                    writer.close()
    except OSError as exc:
        result.status, result.error = "failed", f"{path}: cannot write {out / data_name}: {exc.strerror or exc}"
    except Exception as exc:  # a bug must still name the file and let the others run
        result.status, result.error = "failed", f"{path}: {type(exc).__name__}: {exc}"
    result.records, result.responses = tally.records, tally.responses
    result.pages, result.prefiltered, result.no_comments = counts.pages, counts.prefiltered, counts.no_comments
    result.skipped = counts.skipped + tally.too_big + tally.undecodable
    result.page_errors = counts.errors
    result.seconds = round(time.monotonic() - started, 3)
    if on_progress is not None:
        on_progress(path, result.records, result.threads)
    try:
        with atomic_binary(out / done_name) as fh:
            fh.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError as exc:
        result.status, result.error = "failed", f"{path}: cannot write {out / done_name}: {exc.strerror or exc}"
    return result


class _ParquetOut:
    """One row per comment (the tables export's columns and the record's WARC file, id, offset,
    date), written in batches: memory holds at most one batch."""

    BATCH = 5000

    def __init__(self, fh) -> None:
        from threadkeep.export.tables import _pyarrow, arrow_schema

        pa = _pyarrow()
        import pyarrow.parquet as pq

        self.pa = pa
        base = arrow_schema()
        self.schema = pa.schema(
            [
                *base,
                pa.field("warc_file", pa.string(), nullable=False),
                pa.field("warc_record_id", pa.string(), nullable=False),
                pa.field("warc_offset", pa.int64(), nullable=False),
                pa.field("warc_date", pa.string()),
            ]
        )
        self.writer = pq.ParquetWriter(fh, self.schema, compression="zstd")
        self.batch: list[dict[str, Any]] = []
        self.rows = 0

    def add(self, thread, warc: dict[str, Any]) -> None:
        from threadkeep.export.tables import rows

        for row in rows([thread]):
            row["warc_file"], row["warc_record_id"] = warc["file"], warc["record_id"]
            row["warc_offset"], row["warc_date"] = warc["offset"], warc["date"]
            self.batch.append(row)
            if len(self.batch) >= self.BATCH:
                self.flush()

    def flush(self) -> None:
        if self.batch:
            self.writer.write_table(self.pa.Table.from_pylist(self.batch, schema=self.schema))
            self.rows += len(self.batch)
            self.batch = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
