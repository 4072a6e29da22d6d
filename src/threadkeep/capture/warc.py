"""Raw capture: every HTTP exchange of a run, kept in a gzip WARC 1.1 file, and read back.

    with WarcRecorder("capture.warc.gz") as rec:
        Fetcher(config, recorder=rec).get(url)
    for r in read_responses("capture.warc.gz"):  # no network: `threadkeep reextract`
        r.url, r.status, r.body

The file holds a warcinfo record, then per exchange a `response` record and a `request` record that
point at each other with WARC-Concurrent-To and share WARC-Date (when the request was sent). The
response record keeps the HTTP headers as received and the payload as sent on the wire (still
Content-Encoded, so the headers stay true for replay tools), with the transfer coding removed and
its Transfer-Encoding header dropped (see threadkeep.fetch). A body cut short carries WARC-Truncated.

The file is written to a temporary file in the same directory and renamed into place by close();
used as a context manager, an exception discards it (a capture is all or nothing).
"""

from __future__ import annotations

import io
import os
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

from threadkeep._version import HOMEPAGE, __version__
from threadkeep.errors import ArchiveError, InputError
from threadkeep.files import make_temporary, open_regular, write_failure
from threadkeep.net.fetch import RequestInfo, ResponseInfo

__all__ = ["CapturedResponse", "WarcRecorder", "read_responses"]

WARC_VERSION = "WARC/1.1"


@dataclass
class CapturedResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]  # as recorded, in order
    body: bytes  # the payload with Content-Encoding (and any chunking) removed
    date: str  # WARC-Date, ISO 8601 UTC
    truncated: str | None = None  # WARC-Truncated: "length", "time", "disconnect"… or None

    def header(self, name: str) -> str | None:
        """The first header called `name` (case-insensitive), or None."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class WarcRecorder:
    """A recorder for threadkeep.fetch.Fetcher that writes a gzip WARC file; thread-safe."""

    def __init__(
        self, path: str | os.PathLike[str], *, info: dict[str, str] | None = None, label: Path | None = None
    ) -> None:
        self.path = Path(path)
        self.label = label or self.path  # the file errors name (the capture, not a temporary)
        self.count = 0  # exchanges recorded
        self._lock = threading.Lock()
        self._closed = False
        fd, self._tmp = make_temporary(self.path, ".part")  # the umask's mode, not mkstemp's 0600
        try:
            self._fh = os.fdopen(fd, "wb")
            self._writer = WARCWriter(self._fh, gzip=True, warc_version=WARC_VERSION)
            self._start(info)
        except BaseException as exc:
            try:
                os.close(fd) if not hasattr(self, "_fh") else self._fh.close()
            except OSError:
                pass
            self._tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise write_failure(self.label, exc) from None
            raise

    def _start(self, info: dict[str, str] | None) -> None:
        fields = {
            "software": f"threadkeep/{__version__} (+{HOMEPAGE})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **(info or {}),
        }
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, fields))

    def record(self, request: RequestInfo, response: ResponseInfo) -> None:
        """Write one exchange: a response record, then its request record."""
        resp_id = StatusAndHeadersParser.make_warc_id()
        req_id = StatusAndHeadersParser.make_warc_id()
        date = request.date or response.date
        resp_warc = {"WARC-Record-ID": resp_id, "WARC-Date": date, "WARC-Concurrent-To": req_id}
        if response.remote_ip:
            resp_warc["WARC-IP-Address"] = response.remote_ip
        if response.truncated:
            resp_warc["WARC-Truncated"] = response.truncated
        status_line = f"{response.status} {response.reason}".strip()
        resp_http = StatusAndHeaders(status_line, response.headers, protocol=response.http_version or "HTTP/1.1")
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_http = StatusAndHeaders(
            f"{request.method} {target} {request.http_version or 'HTTP/1.1'}", request.headers, is_http_request=True
        )
        req_warc = {"WARC-Record-ID": req_id, "WARC-Date": date, "WARC-Concurrent-To": resp_id}
        with self._lock:
            if self._closed:
                raise ValueError("WarcRecorder is closed")
            try:
                w = self._writer
                w.write_record(
                    w.create_warc_record(
                        response.url,
                        "response",
                        payload=io.BytesIO(response.body),
                        length=len(response.body),
                        warc_headers_dict=resp_warc,
                        http_headers=resp_http,
                    )
                )
                w.write_record(
                    w.create_warc_record(
                        request.url,
                        "request",
                        payload=io.BytesIO(b""),
                        length=0,
                        warc_headers_dict=req_warc,
                        http_headers=req_http,
                    )
                )
            except OSError as exc:
                raise write_failure(self.label, exc) from None
            self.count += 1

    def close(self) -> None:
        """Finish the file and move it into place (atomically). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                try:
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
                finally:
                    self._fh.close()
                os.replace(self._tmp, self.path)
            except BaseException as exc:
                self._tmp.unlink(missing_ok=True)
                if isinstance(exc, OSError):
                    raise write_failure(self.label, exc) from None
                raise

    def abort(self) -> None:
        """Discard the file being written."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._fh.close()
            except OSError:
                pass  # a full disk: the file goes anyway
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def read_responses(path: str | os.PathLike[str], *, max_body: int | None = None) -> list[CapturedResponse]:
    """The HTTP responses of a WARC file, in file order (other records are skipped).

    Raises ArchiveError with a one-line message for a missing, empty or corrupt file, or a body
    over `max_body` bytes once decoded."""
    path = Path(path)
    out: list[CapturedResponse] = []
    seen = 0
    try:
        with open_regular(path, "a WARC file", no_link=True) as fh:
            _check_gzip(fh)
            for rec in ArchiveIterator(fh, check_digests="raise"):
                seen += 1
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                if not url.lower().startswith(("http://", "https://")):
                    continue
                try:
                    status = int(rec.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    raise ArchiveError(f"{path}: bad HTTP status line for {url}") from None
                body = _read_body(rec.content_stream(), max_body, path, url)
                out.append(
                    CapturedResponse(
                        url=url,
                        status=status,
                        headers=list(rec.http_headers.headers),
                        body=body,
                        date=rec.rec_headers.get_header("WARC-Date") or "",
                        truncated=rec.rec_headers.get_header("WARC-Truncated"),
                    )
                )
    except ArchiveError:
        raise
    except InputError as exc:
        raise ArchiveError(str(exc)) from None
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ArchiveError(f"{path}: is a directory") from None
    except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, OSError) as exc:
        raise ArchiveError(f"{path}: not a valid WARC file ({_one_line(exc)})") from None
    if seen == 0:
        raise ArchiveError(f"{path}: not a valid WARC file (no records)")
    return out


def _check_gzip(fh: io.BufferedReader) -> None:
    """Inflate a gzip file once, in bounded steps, to catch truncation (warcio stops quietly at it)."""
    if fh.read(2) != b"\x1f\x8b":
        fh.seek(0)
        return  # not gzip: warcio will judge
    fh.seek(0)
    d: Any = None
    for chunk in iter(lambda: fh.read(1 << 16), b""):
        data = chunk
        while data:
            if d is None:
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            d.decompress(data, 1 << 20)
            while d.unconsumed_tail:
                d.decompress(d.unconsumed_tail, 1 << 20)
            data = b""
            if d.eof:
                data, d = d.unused_data, None
    if d is not None:
        raise ValueError("truncated gzip data")
    fh.seek(0)


def _read_body(stream: io.RawIOBase | io.BufferedIOBase, max_body: int | None, path: Path, url: str) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if max_body is not None and size > max_body:
            raise ArchiveError(f"{path}: body of {url} over the limit ({max_body} bytes)")
        parts.append(chunk)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text or type(exc).__name__)[:200]
