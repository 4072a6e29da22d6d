"""Watch lists: the threads and blogs a sync keeps, as one URL a line (`#` comments; `blog URL` for
a whole blog) or TOML (`[defaults]`, `[[thread]]` tables with url, comments, name; `[[blog]]`
tables with url, name, since, comments). Every error names the line or entry."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from threadkeep.errors import InputError
from threadkeep.paths import archive_stem, blog_folder, name_stem
from threadkeep.store import read_file

COMMENT_MODES = ("auto", "page", "feed")


@dataclass
class WatchEntry:
    url: str
    comments: str = "auto"
    name: str | None = None  # the archive's file-name stem (a blog's folder), when chosen in the list
    blog: bool = False  # a whole blog: every post's thread, in DIR/<folder>/
    since: str | None = None  # a blog: only posts published since (UTC instant)
    folder_name: str | None = None  # a blog's post: the blog's folder in DIR

    @property
    def stem(self) -> str:
        return name_stem(self.name) if self.name else archive_stem(self.url)

    @property
    def folder(self) -> str:
        """A blog's folder in DIR: its name, else made from its URL (`blog.example.com`)."""
        return name_stem(self.name) if self.name else blog_folder(self.url)


def check_url(url: Any, where: str) -> str:
    """`url` stripped, when it is an http(s) URL; else InputError naming `where`."""
    return _check_url(url, where)


def _check_url(url: Any, where: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"{where}: a thread needs a url")
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:  # "http://[::1/x": Invalid IPv6 URL
        raise InputError(f"{where}: not a valid URL ({exc}): {url[:200]!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{where}: not an http(s) URL: {url[:200]!r}")
    return url


def read_watchlist(path: str | Path) -> list[WatchEntry]:
    """A watch list: TOML when the name ends in .toml, else one URL a line (`#` starts a comment).

    TOML: optional `[defaults]` (comments = "auto" | "page" | "feed"), then `[[thread]]` tables
    with `url` and optionally `comments` and `name`. Duplicate URLs are read once; two threads
    with one archive name are an error. Every error is an InputError naming the line or entry."""
    path = Path(path)
    raw = read_file(path, "a watch list")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a watch list: the file is not UTF-8 text") from None
    entries = _read_toml(path, text) if path.suffix.lower() == ".toml" else _read_lines(path, text)
    return unique_entries(entries, str(path))


def unique_entries(entries: list[WatchEntry], where: str) -> list[WatchEntry]:
    """Each URL once; InputError when two threads would share an archive or two blogs a folder."""
    out: list[WatchEntry] = []
    seen_urls: set[tuple[bool, str]] = set()
    stems: dict[str, str] = {}
    for e in entries:
        if (e.blog, e.url) in seen_urls:
            continue
        seen_urls.add((e.blog, e.url))
        key = ("blog:" + e.folder if e.blog else e.stem).casefold()  # one name on a case-insensitive file system
        other = stems.get(key)
        if other is not None:
            shared = f"the folder {e.folder}/" if e.blog else f"the archive {e.stem}.json"
            raise InputError(f"{where}: {e.url} and {other} would share {shared}")
        stems[key] = e.url
        out.append(e)
    return out


def _read_lines(path: Path, text: str) -> list[WatchEntry]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        blog = words[0] == "blog"
        if blog:
            words = words[1:]
            if not words or words[0].startswith("#"):
                raise InputError(f"{path}:{n}: 'blog' needs the blog's URL")
        if len(words) > 1 and not words[1].startswith("#"):
            raise InputError(f"{path}:{n}: one URL a line, or 'blog URL' (a comment starts with #)")
        out.append(WatchEntry(_check_url(words[0], f"{path}:{n}"), blog=blog))
    return out


def _read_toml(path: Path, text: str) -> list[WatchEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: not a watch list: TOML nested too deeply") from None
    unknown = set(data) - {"defaults", "thread", "blog"}
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} (expected [defaults], [[thread]], [[blog]])")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"comments"}:
        raise InputError(f"{path}: [defaults] takes only comments")
    threads = data.get("thread") or []
    if not isinstance(threads, list):
        raise InputError(f"{path}: threads are [[thread]] tables")
    out = []
    for i, t in enumerate(threads, start=1):
        where = f"{path}: thread {i}"
        comments, name = _table_common(where, t, ("url", "comments", "name"), defaults)
        out.append(WatchEntry(_check_url(t.get("url"), where), comments, name))
    return out + _read_blogs(path, data.get("blog") or [], defaults)


def _table_common(where: str, table: Any, keys: tuple[str, ...], defaults: dict) -> tuple[str, str | None]:
    """A [[thread]] or [[blog]] table's checks: a table of known keys; its comments and name."""
    if not isinstance(table, dict):
        raise InputError(f"{where}: not a table")
    extra = set(table) - set(keys)
    if extra:
        raise InputError(f"{where}: unknown key {sorted(extra)[0]!r} (expected {', '.join(keys)})")
    comments = table.get("comments", defaults.get("comments", "auto"))
    if comments not in COMMENT_MODES:
        raise InputError(f"{where}: comments must be one of {', '.join(COMMENT_MODES)}, not {comments!r}")
    name = table.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise InputError(f"{where}: name must be a non-empty string")
    return comments, name


def _read_blogs(path: Path, blogs: Any, defaults: dict) -> list[WatchEntry]:
    from threadkeep.discover.model import utc_instant

    if not isinstance(blogs, list):
        raise InputError(f"{path}: blogs are [[blog]] tables")
    out = []
    for i, b in enumerate(blogs, start=1):
        where = f"{path}: blog {i}"
        comments, name = _table_common(where, b, ("url", "name", "since", "comments"), defaults)
        since = b.get("since")
        if since is not None:
            since = utc_instant(since.isoformat() if hasattr(since, "isoformat") else since)
            if since is None:
                raise InputError(f"{where}: since must be a date (2024-05-01 or 2024-05-01T00:00:00Z)")
        out.append(WatchEntry(_check_url(b.get("url"), where), comments, name, blog=True, since=since))
    return out
