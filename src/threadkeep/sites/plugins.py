"""Sites from outside the package: plugin files and entry points, and the BeautifulSoup API for
writing one (docs/sites.md).

A plugin is a `Site` subclass defined in

- a Python file in a directory named by the environment variable THREADKEEP_SITES (several
  directories separated by the platform's path separator) or by `--sites DIR`: every `*.py`
  file there not starting with `_` is loaded, and every Site subclass it defines (not imported)
  is registered;
- an installed package, through an entry point in the group `threadkeep.sites` that names the
  class (`mysite = "mypackage.sites:MySite"`).

`SoupSite` lets a plugin read the page with BeautifulSoup and return plain `Record`s (id,
parent, author, date as shown or ISO, HTML); the pipeline sanitises, dates, nests and numbers
them as it does for built-in sites. A plugin that fails to load is reported as one line
(ExtractError) naming the file or entry point; it never half-loads.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadkeep.dates import displayed_date, parse_date
from threadkeep.errors import InputError
from threadkeep.html.sanitize import clean_html, html_to_text
from threadkeep.html.text import make_author
from threadkeep.model import Article, Comment
from threadkeep.sites.base import CommentIds, Extraction, Site
from threadkeep.sites.generic import article_body, fill_metadata
from threadkeep.tree import break_cycles, build_tree

if TYPE_CHECKING:
    from threadkeep.html.page import Page

ENV = "THREADKEEP_SITES"
ENTRY_POINT_GROUP = "threadkeep.sites"


@dataclass
class Record:
    """One comment as a plugin finds it. Only `html` (its own text, as markup) is needed; `id`
    and `parent` (another record's id) give the tree, else records are top level in order."""

    html: str = ""
    id: str | None = None
    parent: str | None = None
    author: str | None = None
    author_url: str | None = None
    date: str | None = None  # ISO 8601, or the date as the page shows it ("May 8, 2020 at 10:31 pm")
    permalink: str | None = None
    deleted: bool = False


class SoupSite(Site):
    """A site written against BeautifulSoup: override `matches(page)` (use `page.soup()` or the
    URL) and `records(soup, page)`; optionally `article(soup, page)` and `body(soup, page)`."""

    def records(self, soup: Any, page: Page) -> Iterable[Record]:
        raise NotImplementedError(f"{type(self).__name__}.records")

    def article(self, soup: Any, page: Page) -> Article:
        """The post's title, author, dates (default: from the page's metadata)."""
        return Article()

    def body(self, soup: Any, page: Page) -> Any:
        """The post body as a BeautifulSoup tag, or None for the usual markers."""
        return None

    def extract(self, page: Page) -> Extraction:
        soup = page.soup()
        article = self.article(soup, page)
        fill_metadata(article, page)
        tag = self.body(soup, page)
        body = page.element_of(tag) if tag is not None else article_body(page)
        return Extraction(
            platform=self.name, article=article, body=body, comments=comments_from_records(self.records(soup, page))
        )


def comments_from_records(records: Iterable[Record], *, base_url: str | None = None) -> list[Comment]:
    """Comments from plain records: HTML sanitised, dates read, nested by parent ids (cycles and
    unknown parents made top level), in the records' order."""
    ids = CommentIds()
    flat: list[Comment] = []
    parents: dict[str, str | None] = {}
    given: dict[str, str] = {}
    for r in records:
        html = clean_html(r.html or "")
        text = html_to_text(html) if html else ""
        published = parse_date(r.date) if r.date and r.date[:4].isdecimal() else None
        published = published or displayed_date(r.date)
        cid = ids.make(r.id, r.author, published, text)
        if r.id:
            given[r.id] = cid
        comment = Comment(
            id=cid,
            text=text,
            html=html,
            author=make_author(r.author, r.author_url),
            published=published,
            permalink=r.permalink,
            deleted=r.deleted,
        )
        flat.append(comment)
        parents[cid] = r.parent
    known = {c.id for c in flat}
    for cid, parent in parents.items():
        pid = given.get(parent) if parent is not None else None
        parents[cid] = pid if pid in known and pid != cid else None
    break_cycles(parents)
    return build_tree(flat, parents)


# ---------------------------------------------------------------------- loading


def plugin_dirs(extra: Iterable[str] = ()) -> list[Path]:
    dirs = [Path(d) for d in (os.environ.get(ENV) or "").split(os.pathsep) if d.strip()]
    return [*dirs, *(Path(d) for d in extra)]


def load_plugins(extra_dirs: Iterable[str] = ()) -> list[Site]:
    """Every plugin site: from the directories, then from entry points, each once."""
    sites: list[Site] = []
    for directory in plugin_dirs(extra_dirs):
        if not directory.is_dir():
            raise InputError(f"{directory}: plugin directory not found ({ENV} or --sites)")
        for path in sorted(directory.glob("*.py")):
            if not path.name.startswith("_"):
                sites.extend(_sites_in_file(path))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:
            raise InputError(f"entry point {ep.name} ({ep.value}): cannot load: {type(exc).__name__}: {exc}") from None
        if not (inspect.isclass(cls) and issubclass(cls, Site)):
            raise InputError(f"entry point {ep.name} ({ep.value}): not a threadkeep Site subclass")
        sites.append(_instance(cls, f"entry point {ep.name} ({ep.value})"))
    return sites


def _sites_in_file(path: Path) -> list[Site]:
    name = f"threadkeep_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"{path}: cannot load as a plugin")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise InputError(f"{path}: plugin failed to load: {type(exc).__name__}: {exc}") from None
    found = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, Site) and obj.__module__ == name and obj.name
    ]
    return [_instance(cls, str(path)) for cls in found]


def _instance(cls: type[Site], origin: str) -> Site:
    if not cls.name:
        raise InputError(f"{origin}: the site {cls.__name__} has no name")
    try:
        site = cls()
    except Exception as exc:
        raise InputError(f"{origin}: {cls.__name__}() failed: {type(exc).__name__}: {exc}") from None
    site.origin = origin
    return site
