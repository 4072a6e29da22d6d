"""One row per comment, for analysis: CSV, JSON Lines, Parquet.

Every format holds the same rows, with the columns of `COLUMNS` in that order:

    CSV      RFC 4180 (comma, double quotes, CRLF), UTF-8; a missing value is an empty field
             (the columns of NOT_NULL are never missing: an empty `text` is ""), booleans are
             `true` / `false`
    JSONL    one JSON object a line, UTF-8; a missing value is null; characters a terminal acts on
             (C1 controls, bidi controls) written as \\uXXXX escapes, the same text when parsed
    Parquet  typed columns (strings, int32, booleans), written with pyarrow (`pip install
             'threadkeep[parquet]'`)

`number` and `parent_number` are strings ("2.10" is not 2.1): tell pandas (`dtype=str`) or R
(`colClasses`) so when reading the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from threadkeep.errors import InputError
from threadkeep.model import Thread
from threadkeep.tree import walk

COLUMNS: dict[str, type] = {
    "thread_url": str,
    "thread_title": str,
    "comment_id": str,
    "number": str,
    "parent_number": str,
    "depth": int,
    "author": str,
    "author_url": str,
    "is_post_author": bool,
    "published": str,
    "kind": str,
    "deleted": bool,
    "removed_upstream_at": str,
    "edit_count": int,
    "permalink": str,
    "text": str,
}
# Strings that are never missing ("" for an empty text): the rest are null when the page did not say.
NOT_NULL = frozenset({"comment_id", "number", "depth", "is_post_author", "kind", "deleted", "edit_count", "text"})


def rows(threads: Iterable[Thread]) -> Iterator[dict[str, Any]]:
    """Every comment of every thread, in reading order, as a row of COLUMNS."""
    for thread in threads:
        url = thread.article.url or thread.source.url or thread.source.final_url
        title = thread.article.title
        numbers: dict[str, str] = {}
        for c in walk(thread.comments):
            numbers[c.id] = c.number
            yield {
                "thread_url": url,
                "thread_title": title,
                "comment_id": c.id,
                "number": c.number,
                "parent_number": numbers.get(c.parent_id) if c.parent_id else None,
                "depth": c.depth,
                "author": c.author.name,
                "author_url": c.author.url,
                "is_post_author": c.author.is_post_author,
                "published": c.published,
                "kind": c.kind,
                "deleted": c.deleted,
                "removed_upstream_at": c.removed_upstream_at,
                "edit_count": len(c.history),
                "permalink": c.permalink,
                "text": c.text,
            }


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(records: Iterable[dict[str, Any]], fh: TextIO) -> int:
    """Write the rows as CSV to fh (opened with newline=""); returns how many."""
    writer = csv.writer(fh)
    writer.writerow(COLUMNS)
    n = 0
    for r in records:
        writer.writerow([_csv_value(r[k]) for k in COLUMNS])
        n += 1
    return n


def read_csv(fh: TextIO) -> list[dict[str, Any]]:
    """Rows of a CSV written by write_csv, typed back (for tests and scripts)."""
    out = []
    for raw in csv.DictReader(fh):
        row: dict[str, Any] = {}
        for key, kind in COLUMNS.items():
            value = raw[key]
            if kind is bool:
                row[key] = value == "true"
            elif kind is int:
                row[key] = int(value)
            else:
                row[key] = value if value != "" or key in NOT_NULL else None
        out.append(row)
    return out


_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def jsonl_line(record: dict[str, Any]) -> str:
    from threadkeep.html.sanitize import no_surrogates

    text = json.dumps({k: record[k] for k in COLUMNS}, ensure_ascii=False)
    if text.isascii():
        return text + "\n"
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", no_surrogates(text)) + "\n"


def write_jsonl(records: Iterable[dict[str, Any]], fh: TextIO) -> int:
    n = 0
    for r in records:
        fh.write(jsonl_line(r))
        n += 1
    return n


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'threadkeep[parquet]'") from None
    return pyarrow


def arrow_schema():
    pa = _pyarrow()
    types = {str: pa.string(), int: pa.int32(), bool: pa.bool_()}
    return pa.schema([pa.field(k, types[kind], nullable=k not in NOT_NULL) for k, kind in COLUMNS.items()])


def parquet_bytes(records: Iterable[dict[str, Any]]) -> tuple[bytes, int]:
    """The rows as a Parquet file (zstd-compressed), and how many."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    schema = arrow_schema()
    buffer = io.BytesIO()
    n = 0
    with pq.ParquetWriter(buffer, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for r in records:
            batch.append(r)
            n += 1
            if len(batch) >= 10_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return buffer.getvalue(), n


def read_parquet(path: str | Path) -> list[dict[str, Any]]:
    _pyarrow()
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()
