"""The HTTP responses of a WARC or ARC file, streamed one at a time (memory stays bounded).

    for rec in http_responses("CC-MAIN-….warc.gz"):
        rec.url, rec.record_id, rec.offset, rec.date, rec.status, rec.content_type, rec.body

WARC files (gzip or plain) are read with FastWARC when it is installed (`threadkeep[bulk]`), about
2.5 times warcio's speed on the same records (docs/performance.md); ARC files, and WARC files when
FastWARC is missing, with warcio (arc2warc). Either way the payload comes out with its transfer
coding and Content-Encoding removed. A record whose decoded body is over `max_body` bytes is
skipped (counted in `Tally.too_big`), never held whole.

A damaged file (corrupt gzip, a broken record header, a file cut short in a record) raises
`WarcDamage` naming the offset of the record where it went wrong, after yielding every good
record before it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from threadkeep.errors import ThreadkeepError

__all__ = ["HttpRecord", "Tally", "WarcDamage", "http_responses", "reader_name"]

MAX_BODY = 20 * 1024 * 1024  # as `fetch` (FetchOptions.max_bytes)


class WarcDamage(ThreadkeepError):
    """The file is damaged at `offset` (the start of the record that could not be read)."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"damaged at offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


@dataclass
class HttpRecord:
    url: str
    record_id: str
    offset: int  # where the record starts in the file (of its gzip member, for .warc.gz)
    date: str  # WARC-Date, ISO 8601
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


@dataclass
class Tally:
    records: int = 0  # every record of the file
    responses: int = 0  # HTTP response records yielded
    too_big: int = 0  # response bodies over max_body, skipped
    undecodable: int = 0  # Content-Encoding that would not decode, skipped
    extra: dict[str, int] = field(default_factory=dict)


def _fastwarc():
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:  # pragma: no cover - the extra is not installed
        return None
    return ArchiveIterator, WarcRecordType


def reader_name(path: str | Path) -> str:
    """Which reader http_responses uses for this file: "fastwarc" or "warcio"."""
    return "fastwarc" if _fastwarc() is not None and _is_warc(path) else "warcio"


def _is_warc(path: str | Path) -> bool:
    """WARC (not ARC) by its first bytes, inflated when gzip."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return True  # damaged at once: either reader reports it
    return head.lstrip()[:5] == b"WARC/" or not head.startswith(b"filedesc:")


def http_responses(
    path: str | Path, *, max_body: int = MAX_BODY, tally: Tally | None = None, reader: str | None = None
) -> Iterator[HttpRecord]:
    """Every HTTP response record of the file with an http(s) URL, in file order."""
    tally = tally if tally is not None else Tally()
    which = reader or reader_name(path)
    if which == "fastwarc":
        yield from _with_fastwarc(path, max_body, tally)
    else:
        yield from _with_warcio(path, max_body, tally)
    if tally.records == 0:
        raise WarcDamage(0, "not a WARC or ARC file (no records)")


def _read_capped(stream, limit: int) -> bytes | None:
    """Up to limit bytes of stream, or None when there are more (the rest is left for the reader to skip)."""
    parts, size = [], 0
    while True:
        chunk = stream.read(min(1 << 16, limit + 1 - size))
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)


def _decode(body: bytes, encoding: str | None) -> bytes:
    """The body with its Content-Encoding (gzip, deflate, br; several, comma-separated) removed."""
    for coding in reversed([c.strip().lower() for c in (encoding or "").split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip"):
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
        elif coding == "br":
            import brotli

            body = brotli.decompress(body)
        elif coding != "identity":
            raise ValueError(f"unknown Content-Encoding {coding}")
    return body


def _with_fastwarc(path: str | Path, max_body: int, tally: Tally) -> Iterator[HttpRecord]:
    ArchiveIterator, WarcRecordType = _fastwarc()
    try:
        with open(path, "rb", buffering=1 << 20) as fh:
            for rec in ArchiveIterator(fh, parse_http=False, func_filter=_count_into(tally)):
                if rec.record_type != WarcRecordType.response:
                    continue
                url = rec.headers.get("WARC-Target-URI") or ""
                if not url.lower().startswith(("http://", "https://")):
                    continue
                offset = rec.stream_pos
                declared = int(rec.headers.get("Content-Length") or 0)
                block = _read_capped(rec.reader, max_body + 64 * 1024)
                if block is None:
                    tally.too_big += 1
                    continue
                if len(block) < declared:
                    raise WarcDamage(offset, f"the file ends inside the record of {url}")
                parsed = _http_block(block, url, offset, max_body, tally)
                if parsed is None:
                    continue
                status, headers, body = parsed
                tally.responses += 1
                date = rec.headers.get("WARC-Date") or ""
                yield HttpRecord(url, rec.record_id or "", offset, date, status, headers, body)
    except WarcDamage:
        raise
    except (OSError, ValueError) as exc:
        raise WarcDamage(_resume_offset(path, tally.extra.get("last_offset")), _one_line(exc)) from None
    except BaseException as exc:  # FastWARC's Rust panics are BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise WarcDamage(_resume_offset(path, tally.extra.get("last_offset")), _one_line(exc)) from None


def _count_into(tally: Tally):
    def count(rec) -> bool:
        tally.records += 1
        tally.extra["last_offset"] = rec.stream_pos
        return True

    return count


def _resume_offset(path: str | Path, last: int | None) -> int:
    """Where reading failed: the end of the last record read whole (found again with warcio)."""
    if last is None:
        return 0
    try:
        with open(path, "rb") as fh:
            fh.seek(last)
            it = _quiet_iterator()(fh)
            next(it)
            it.read_to_end()
            end = last + it.get_record_length()
            fh.seek(end)
            tail = fh.read(8)  # a plain WARC's record ends with CRLF CRLF, after its length
            return end + len(tail) - len(tail.lstrip(b"\r\n"))
    except Exception:
        return last


def _http_block(block: bytes, url: str, offset: int, max_body: int, tally: Tally):
    """(status, headers, payload) of an HTTP response block, or None when it is not one we read."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
        if end < 0:
            return None
    head = block[:end].decode("iso-8859-1").splitlines()
    if not head or not head[0].startswith("HTTP/"):
        return None
    parts = head[0].split(None, 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return None
    headers = []
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip(), v.strip()))
    body = block[end + sep :]
    lowered = {k.lower(): v for k, v in headers}
    try:
        if "chunked" in lowered.get("transfer-encoding", "").lower():
            body = _dechunk(body)
        body = _decode(body, lowered.get("content-encoding"))
    except (zlib.error, ValueError, OSError, Exception) as exc:  # brotli.error is a plain Exception
        del exc
        tally.undecodable += 1
        return None
    if len(body) > max_body:
        tally.too_big += 1
        return None
    return status, headers, body


def _dechunk(data: bytes) -> bytes:
    out, pos = [], 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("bad chunked body")
        size = int(data[pos:eol].split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return b"".join(out)
        out.append(data[eol + 2 : eol + 2 + size])
        pos = eol + 2 + size + 2


def _quiet_iterator():
    """warcio's ArchiveIterator without its warning on stderr (a damaged file is reported once, by us)."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietIterator(ArchiveIterator):
        INC_RECORD = ""

    return QuietIterator


def _with_warcio(path: str | Path, max_body: int, tally: Tally) -> Iterator[HttpRecord]:
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    offset = 0
    it = None
    try:
        with open(path, "rb", buffering=1 << 20) as fh:
            it = _quiet_iterator()(fh, arc2warc=True)
            for rec in it:
                tally.records += 1
                offset = it.offset  # where this record starts (get_record_offset() would read it to the end)
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                if not url.lower().startswith(("http://", "https://")):
                    continue
                try:
                    status = int(rec.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    continue
                try:
                    body = _read_capped(rec.content_stream(), max_body)
                except (zlib.error, OSError, ValueError):
                    tally.undecodable += 1
                    continue
                if body is None:
                    tally.too_big += 1
                    continue
                if getattr(rec.raw_stream, "limit", 0):
                    raise WarcDamage(offset, f"the file ends inside the record of {url}")
                tally.responses += 1
                date = rec.rec_headers.get_header("WARC-Date") or ""
                rid = rec.rec_headers.get_header("WARC-Record-ID") or ""
                yield HttpRecord(url, rid, offset, date, status, list(rec.http_headers.headers), body)
    except WarcDamage:
        raise
    except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, OSError) as exc:
        raise WarcDamage(max(offset, getattr(it, "offset", 0) or 0), _one_line(exc)) from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:160]
