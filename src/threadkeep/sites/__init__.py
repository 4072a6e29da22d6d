"""The registry: every site, in the order they are tried, the generic one last.

    for site in registry(): ...
    site_for_url(url)      the site that reads this URL's thread from its API, or None
    recognise(page)        (site, extraction) of the first site that claims the page
    site_named("disqus")   by name (what an archive's `source.platform` says)

Plugin sites (a Python file in a directory named by THREADKEEP_SITES or `--sites DIR`, or an
installed package's entry point in the group `threadkeep.sites`) come first, so that a user's
site wins over a built-in one for the pages it claims; then the built-in sites, most specific
first; then the generic one, which claims every page. Adding a built-in site is one module and
one line in BUILT_IN below (docs/sites.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from threadkeep.sites.base import Case, Completion, Extraction, Site
from threadkeep.sites.blogger import BloggerSite
from threadkeep.sites.discourse import DiscourseSite
from threadkeep.sites.disqus import DisqusSite
from threadkeep.sites.forums import MyBBSite, PhpBBSite, VBulletinSite
from threadkeep.sites.generic import GenericSite
from threadkeep.sites.hn import HNSite
from threadkeep.sites.movabletype import MovableTypeSite
from threadkeep.sites.reddit import RedditSite
from threadkeep.sites.substack import SubstackSite
from threadkeep.sites.wordpress import WordPressSite

if TYPE_CHECKING:
    from threadkeep.html.page import Page

BUILT_IN: tuple[type[Site], ...] = (
    BloggerSite,
    WordPressSite,
    HNSite,
    RedditSite,
    VBulletinSite,
    MyBBSite,
    PhpBBSite,
    SubstackSite,
    MovableTypeSite,
    DisqusSite,
    DiscourseSite,  # matched by path (/t/SLUG/ID) on any host: after the sites that know their hosts
)

_registry: list[Site] | None = None
_plugin_dirs: list[str] = []


def use_plugin_dir(path: str) -> None:
    """Load plugin sites from this directory too (the CLI's --sites DIR); rebuilds the registry."""
    global _registry
    if path not in _plugin_dirs:
        _plugin_dirs.append(path)
    _registry = None


def registry() -> list[Site]:
    """Every site in the order they are tried: plugins, built-in sites, generic last."""
    global _registry
    if _registry is None:
        from threadkeep.sites.plugins import load_plugins

        sites = [*load_plugins(_plugin_dirs), *(cls() for cls in BUILT_IN), GenericSite()]
        Site.embedders[:] = [s for s in sites if type(s).embedded is not Site.embedded]
        Site.renderers[:] = [s for s in sites if type(s).rendered is not Site.rendered]
        _registry = sites
    return _registry


def reset() -> None:
    """Forget the registry (tests that change THREADKEEP_SITES)."""
    global _registry
    _registry = None
    _plugin_dirs.clear()


def site_for_url(url: str) -> Site | None:
    """The site that reads this URL's thread from its API, or None (a page for the page sites)."""
    if not isinstance(url, str) or not url.strip():
        return None
    return next((s for s in registry() if s.matches_url(url)), None)


def site_named(name: str) -> Site | None:
    return next((s for s in registry() if s.name == name), None)


def recognise(page: Page) -> tuple[Site, Extraction]:
    """The first site that claims the page, and what it extracted (the generic site claims all)."""
    for site in registry():
        found = site.recognise(page)
        if found is not None:
            return site, found
    raise AssertionError("the generic site claims every page")  # pragma: no cover


__all__ = [
    "BUILT_IN",
    "Case",
    "Completion",
    "Extraction",
    "Site",
    "recognise",
    "registry",
    "reset",
    "site_for_url",
    "site_named",
    "use_plugin_dir",
]
