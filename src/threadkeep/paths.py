"""File names for archives made from URLs: readable, stable, collision-free, and always inside DIR.

    archive_stem("https://blog.example/2016/09/post.html?showComment=1#c2")
    -> "blog.example_2016_09_post.html_showComment_1_c2-3f9a1c0b2e"

The rule (`threadkeep sync` names every archive this way; docs/sync.md repeats it):

- the readable part is host (lower case, with `_PORT` when a port is given), path, query and
  fragment; every run of characters outside [A-Za-z0-9._-] becomes one `_`, every run of dots and
  underscores one `_` (or one `.` when it holds no `_`); leading and trailing `._-` are stripped
  and it is cut to `MAX_READABLE` characters;
- then `-` and the first 10 hex digits of the SHA-256 of the whole URL, exactly as written in the
  watch list: two URLs never share a name even when their readable parts agree (40 bits: a
  collision among a million URLs has odds of about one in two million);
- a readable part whose first dot-separated piece is a Windows device name (CON, PRN, AUX, NUL,
  COM0-9, LPT0-9, CONIN$, CONOUT$) gets a leading `_`; an empty one becomes `thread`.

So a name has only [A-Za-z0-9._-], never starts with `.` or `-`, is never `..`, holds no separator
and no NUL, and is at most 91 characters before `.json` / `.warc.gz`: far below the 255-byte limit
of common file systems, with room for the temporary-file prefixes of atomic writes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from threadkeep.errors import InputError

__all__ = ["MAX_READABLE", "archive_path", "archive_stem", "blog_folder", "name_stem"]

MAX_READABLE = 80
HASH_DIGITS = 10
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
_UNDERSCORES = re.compile(r"[._]*_[._]*")  # a run of dots and underscores holding an underscore
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def _safe(text: str, limit: int = MAX_READABLE) -> str:
    s = _UNSAFE.sub("_", text)
    s = _UNDERSCORES.sub("_", s)
    s = _DOTS.sub(".", s)
    s = s.strip("._-")[:limit].rstrip("._-")
    if not s:
        return "thread"
    if s.split(".", 1)[0].lower() in _WINDOWS_DEVICES:
        s = ("_" + s)[:limit].rstrip("._-")  # still within the limit
    return s


def _readable(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # a port that is not a number, say: fall back to the raw text
        return url
    if not host:
        return url
    host = f"{host}_{port}" if port else host
    rest = parts.path + (f"_{parts.query}" if parts.query else "") + (f"_{parts.fragment}" if parts.fragment else "")
    return host + rest


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]


def archive_stem(url: str) -> str:
    """The file-name stem for a URL's archive (without .json): see the module docstring."""
    return f"{_safe(_readable(url))}-{url_hash(url)}"


def blog_folder(url: str) -> str:
    """A blog's folder in a sync DIR, from its URL: the readable part alone (`blog.example.com`,
    `example.com_blog`), made safe by the same rule as archive names."""
    return _safe(_readable(url))


def name_stem(name: str) -> str:
    """The stem for a name chosen in the watch list (`name = "..."`): made safe, no hash added."""
    if name.lower().endswith(".json"):
        name = name[: -len(".json")]
    return _safe(name, MAX_READABLE + 1 + HASH_DIGITS)


_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")


def _is_safe(stem: str) -> bool:
    return (
        _SAFE_NAME.fullmatch(stem) is not None
        and ".." not in stem
        and stem.split(".", 1)[0].lower() not in _WINDOWS_DEVICES
    )


def archive_path(directory: str | Path, stem: str) -> Path:
    """DIR/stem.json, refusing anything that would not be a plain file name directly in DIR."""
    directory = Path(directory)
    if not _is_safe(stem):
        raise InputError(f"{stem!r}: not a safe archive name")
    path = directory / f"{stem}.json"
    if path.parent != directory or path.name != f"{stem}.json":
        raise InputError(f"{stem!r}: not a safe archive name")
    return path


INDEX_NAME = "index.json"  # a sync DIR's listing (threadkeep.sync.index), not an archive


def is_archive_file(p: Path) -> bool:
    """Whether a file in a sync DIR (or one of its blog folders) is an archive: `*.json`, not
    hidden (the state, temporaries), not the collection's index."""
    return p.suffix == ".json" and not p.name.startswith(".") and p.name != INDEX_NAME and p.is_file()
