"""`threadkeep export PATH`: find the archives, read them, hand them to an exporter, write the result.

PATH is an archive or a directory of them, laid out as `sync` lays them out: its `*.json` files and
those of its folders one level down (a kept blog's `DIR/NAME/`), never deeper, never hidden ones.
Exports of a directory keep that layout (`OUT/NAME/post.html`, `OUT/NAME/post.md`).
In a directory an archive that cannot be read is reported (one line) and left out,
the others are exported, and the run ends with exit code 1; a single archive that cannot be read
is an input error (exit 2). Every file is written atomically (store.write_atomic); the SQLite
database is updated in transactions (export/sqlite.py).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from threadkeep.errors import InputError, ThreadkeepError
from threadkeep.model import Thread
from threadkeep.paths import is_archive_file

ONE_ARCHIVE_FORMATS = ("json", "tree")
TABLE_FORMATS = ("csv", "jsonl", "parquet")
FORMATS = ("md", "json", "tree", "html", "sqlite", *TABLE_FORMATS)


@dataclass
class ExportResult:
    summary: str = ""
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def find_archives(path: Path, *, skip: tuple[Path, ...] = ()) -> tuple[list[Path], Path | None]:
    """The archive files PATH names, and the directory they were found in (None for one file)."""
    path = Path(path)
    if path.is_dir():
        skipped = {p.resolve() for p in skip}
        folders = [path, *sorted(p for p in path.iterdir() if not p.name.startswith(".") and _is_folder(p))]
        files = [
            p
            for folder in folders
            for p in sorted(folder.iterdir())
            if is_archive_file(p) and p.resolve() not in skipped
        ]
        if not files:
            raise InputError(f"{path}: no archives (*.json) in this directory or its folders")
        return files, path
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    return [path], None


def _is_folder(p: Path) -> bool:
    """A real folder (a link to one elsewhere is not followed: sync never makes one)."""
    return p.is_dir() and not p.is_symlink()


def relative_name(archive: Path, directory: Path) -> Path:
    """Where an archive sits in the directory it was found in (`post.json`, `NAME/post.json`)."""
    try:
        return archive.relative_to(directory)
    except ValueError:
        return Path(archive.name)


class _Reader:
    """Reads archives one by one; in a directory, failures are reported and skipped."""

    def __init__(self, files: list[Path], directory: Path | None, on_error: Callable[[str], None]) -> None:
        self.files, self.directory, self.on_error = files, directory, on_error
        self.failed: list[str] = []

    def load(self, path: Path) -> Thread:
        from threadkeep.store import load_archive

        return load_archive(path)

    def __iter__(self) -> Iterator[tuple[Path, Thread]]:
        for path in self.files:
            try:
                yield path, self.load(path)
            except ThreadkeepError as exc:
                if self.directory is None:
                    raise
                self.failed.append(str(exc))
                self.on_error(str(exc))


def page_name(archive: Path) -> str:
    """The HTML page of an archive in a directory export (never index.html, the index's own)."""
    stem = archive.stem
    return f"{stem}-thread.html" if stem == "index" else f"{stem}.html"


def export_path(
    path: Path,
    fmt: str,
    output: Path | None,
    *,
    metadata: Path | None = None,
    on_error: Callable[[str], None],
    stdout=None,
) -> ExportResult:
    """Export PATH (an archive or a directory of them) in fmt to output (stdout when None and the
    format allows it). Returns the summary line to print and the archives that failed."""
    from threadkeep.store import write_atomic

    out = stdout if stdout is not None else sys.stdout
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}")
    if fmt == "sqlite":
        return _sqlite(path, output, metadata, on_error)
    if metadata is not None:
        raise InputError("--metadata goes with --format sqlite")
    files, directory = find_archives(path)
    reader = _Reader(files, directory, on_error)
    if fmt in TABLE_FORMATS:
        return _table(reader, fmt, output, out)
    if directory is None:
        from threadkeep.export import EXPORTERS

        text = EXPORTERS[fmt](reader.load(files[0]))
        if output is not None and output.is_dir():
            output = output / (page_name(files[0]) if fmt == "html" else f"{files[0].stem}.{fmt}")
        if output is None:
            out.write(text)
            out.flush()
            return ExportResult()
        write_atomic(output, text)
        return ExportResult(f"{output}")
    if fmt in ONE_ARCHIVE_FORMATS:
        raise InputError(f"{path}: --format {fmt} takes one archive; for a directory use md, html, sqlite or csv")
    if output is None:
        raise InputError(f"{path}: a directory exports to a directory: give one with -o DIR")
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: not a directory (a directory of archives exports to a directory)")
    output.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        return _html_pages(reader, output)
    from threadkeep.export.markdown import to_markdown

    n = 0
    for archive, thread in reader:
        target = output / relative_name(archive, directory).with_suffix(".md")
        target.parent.mkdir(exist_ok=True)
        write_atomic(target, to_markdown(thread))
        n += 1
    return ExportResult(f"{output}: {n:,} Markdown files", reader.failed)


def _html_pages(reader: _Reader, output: Path) -> ExportResult:
    from threadkeep.export.html import IndexEntry, index_html, to_html
    from threadkeep.store import write_atomic

    entries: list[IndexEntry] = []
    for archive, thread in reader:
        folder = relative_name(archive, reader.directory).parent  # "." or a blog's NAME
        name = (folder / page_name(archive)).as_posix()
        (output / folder).mkdir(exist_ok=True)
        up = "../" * len(folder.parts)
        write_atomic(output / name, to_html(thread, index_href=f"{up}index.html"))
        for c in thread.all_comments():  # the index needs only counts and titles: keep little
            c.html = c.text = ""
        thread.article.html = thread.article.text = ""
        entries.append(IndexEntry(name, thread))
    write_atomic(output / "index.html", index_html(entries, title=f"Archived threads: {reader.directory.name}"))
    return ExportResult(f"{output}: {len(entries):,} thread pages and index.html", reader.failed)


def _table(reader: _Reader, fmt: str, output: Path | None, out) -> ExportResult:
    from threadkeep.export import tables
    from threadkeep.store import write_atomic

    records = tables.rows(thread for _, thread in reader)
    if fmt == "parquet":
        if output is None:
            raise InputError("Parquet is binary: give a file with -o FILE.parquet")
        tables.arrow_schema()  # fails early, with one line, when pyarrow is missing
        data, n = tables.parquet_bytes(records)
        write_atomic(output, data)
    else:
        buffer = io.StringIO(newline="")
        n = tables.write_csv(records, buffer) if fmt == "csv" else tables.write_jsonl(records, buffer)
        if output is None:
            out.write(buffer.getvalue())
            out.flush()
            return ExportResult("", reader.failed)
        write_atomic(output, buffer.getvalue())
    return ExportResult(f"{output}: {n:,} comments", reader.failed)


def _sqlite(path: Path, output: Path | None, metadata: Path | None, on_error) -> ExportResult:
    from threadkeep.export.datasette import write_metadata
    from threadkeep.export.sqlite import export_sqlite

    if output is None:
        raise InputError("an SQLite export needs a file: -o FILE.db")
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give the database file with -o FILE.db")
    if not output.parent.is_dir():
        raise InputError(f"{output}: the directory {output.parent} does not exist")
    metadata = metadata if metadata is not None else output.parent / "metadata.json"
    files, directory = find_archives(path, skip=(metadata,))
    import sqlite3

    try:
        report = export_sqlite(files, output, directory=directory, on_error=on_error if directory is not None else None)
    except sqlite3.Error as exc:  # locked by another writer, read-only, disk full: nothing half-written
        raise ThreadkeepError(f"{output}: SQLite: {exc}") from None
    if directory is None and report.failed:
        raise InputError(report.failed[0])
    write_metadata(metadata, output)
    return ExportResult(f"{report.summary()}; Datasette metadata in {metadata}", report.failed)


def open_in_browser(thread: Thread, archive: Path) -> Path:
    """Write the thread's HTML view to a fresh temporary directory and open it in the browser."""
    import tempfile
    import webbrowser

    from threadkeep.export.html import to_html
    from threadkeep.store import write_atomic

    page = Path(tempfile.mkdtemp(prefix="threadkeep-")) / page_name(Path(archive))
    write_atomic(page, to_html(thread))
    if not webbrowser.open(page.resolve().as_uri()):
        raise ThreadkeepError(f"no web browser found to open {page} (set BROWSER to one)")
    return page
