"""Make a WARC file from saved pages (`threadkeep warc PAGE_DIR -o pages.warc.gz`), so that
`extract-warc` can be tried, and tested, without a crawl.

Each file becomes one `response` record (HTTP/1.1 200, the bytes as saved, a Content-Type from
the file's kind), dated by the file's modification time. Its URL is the page's own canonical
address (`<link rel=canonical>`, else `og:url`) when it names one, else BASE_URL + the file's
path under PAGE_DIR, or what a `urls.tsv` in PAGE_DIR says (`relative/path<TAB>url` a line).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from threadkeep.errors import InputError

__all__ = ["PageRecord", "pages_in", "write_warc"]

SUFFIXES = {".html": "text/html", ".htm": "text/html", ".json": "application/json", ".xml": "application/atom+xml"}
_CANONICAL = re.compile(
    rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty\s*=\s*[\"']og:url[\"'][^>]*>", re.I
)
_HREF = re.compile(rb"\b(?:href|content)\s*=\s*[\"']([^\"'<>\s]+)[\"']", re.I)


class PageRecord:
    """One saved page, as it goes into the WARC."""

    def __init__(self, path: Path, url: str, content_type: str) -> None:
        self.path, self.url, self.content_type = path, url, content_type

    def __repr__(self) -> str:
        return f"PageRecord({self.path!s}, {self.url!r})"


def canonical_url(raw: bytes) -> str | None:
    """The absolute http(s) address a page gives for itself, if any (in its first 256 KB)."""
    for tag in _CANONICAL.finditer(raw, 0, 256 * 1024):
        m = _HREF.search(tag.group())
        if m:
            url = m.group(1).decode("ascii", "replace").replace("&amp;", "&")
            if url.lower().startswith(("http://", "https://")):
                return url
    return None


def _url_map(directory: Path) -> dict[str, str]:
    listing = directory / "urls.tsv"
    if not listing.is_file():
        return {}
    out = {}
    for line in listing.read_text("utf-8").splitlines():
        if "\t" in line and not line.startswith("#"):
            rel, url = line.split("\t", 1)
            out[rel.strip()] = url.strip()
    return out


def pages_in(directory: str | os.PathLike[str], base_url: str = "http://localhost/") -> list[PageRecord]:
    """The saved pages under directory (.html, .htm, .json, .xml), sorted, with their URLs."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    given = _url_map(directory)
    base = base_url if base_url.endswith("/") else base_url + "/"
    out = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
        rel = path.relative_to(directory).as_posix()
        url = given.get(rel)
        if url is None:
            with path.open("rb") as fh:
                head = fh.read(256 * 1024)
            url = canonical_url(head) if path.suffix.lower() in (".html", ".htm") else None
        out.append(PageRecord(path, url or base + quote(rel), SUFFIXES[path.suffix.lower()]))
    return out


def _warc_date(path: Path) -> str:
    when = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(
    pages: Iterable[PageRecord], output: str | os.PathLike[str], *, gzip: bool | None = None
) -> Iterator[tuple[PageRecord, str]]:
    """Write one response record per page to output (atomically: the file appears when done);
    yields each page with its WARC-Record-ID as it is written. gzip: by the name (.gz) unless told."""
    from threadkeep._version import HOMEPAGE, __version__
    from threadkeep.bulk.atomic import atomic_binary

    output = Path(output)
    compress = output.name.endswith(".gz") if gzip is None else gzip
    with atomic_binary(output) as fh:
        writer = WARCWriter(fh, gzip=compress, warc_version="WARC/1.1")
        info = {"software": f"threadkeep/{__version__} (+{HOMEPAGE})", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(output.name, info))
        for page in pages:
            body = page.path.read_bytes()
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", page.content_type), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                page.url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                warc_headers_dict={"WARC-Date": _warc_date(page.path)},
                http_headers=http,
            )
            writer.write_record(record)
            yield page, record.rec_headers.get_header("WARC-Record-ID")
