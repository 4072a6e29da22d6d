"""What a site is: the `Site` base class, the `Extraction` a site returns, the `Completion` it is
handed to reach past the page, and the `Case` records that say what a site must yield.

A site is one platform, comment system or template family, and it owns everything about itself:

- **recognising** a page (`matches`, by content: custom domains are common) or a URL whose thread
  it reads from an API instead of a page (`matches_url`);
- **extracting** a parsed page into records (`extract` → `Extraction`): the article's metadata,
  the post body element (the pipeline finds the abstract in it and sanitises it), the comment
  tree in display order; never fetching, never printing;
- **completing** a thread past the page (`complete`: comment feeds, comment pages, REST APIs),
  through the `Completion` it is handed (polite fetches, progress, notes);
- **archiving from an API** (`archive_url`) for URLs it matched;
- **being embedded** in another site's page (`embedded`: Disqus) and completing that
  (`complete_embedded`);
- **reading saved responses** of its API (`from_saved`: a Discourse topic JSON, a Blogger feed);
- **knowing whole blogs** (`blog`): from a blog's front page, a `BlogSource` that lists every
  post and says what changed since a run (threadkeep.discover; the generic site reads feeds and
  sitemaps);
- **its own cases** (`CASES`): saved pages and the facts each must yield; one generated test
  runs every site's cases, and checks that each case is claimed by its own site and no other.

The pipeline (threadkeep.pipeline) names no platform: it asks the registry (threadkeep.sites)
which site claims a URL or a page, then does what is the same for every site (abstract,
sanitising, numbering). docs/sites.md is the guide to writing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from threadkeep.comment_ids import CommentIds, content_id
from threadkeep.model import Article, Comment, ExternalComments, Thread

if TYPE_CHECKING:
    from threadkeep.discover.model import BlogSource
    from threadkeep.html.page import Page


@dataclass
class Extraction:
    """What a site finds on a page: article metadata, the post body element, the comment tree."""

    platform: str
    article: Article = field(default_factory=Article)
    body: Any = None  # the post body (an lxml element); the pipeline cleans it and finds the abstract
    comments: list[Comment] = field(default_factory=list)  # nested, in display order, not yet numbered
    external_comments: ExternalComments | None = None
    not_archived: int = 0
    complete: bool = True  # False when the page shows that comments are missing (Load more, paging)
    post_id: str | None = None  # the platform's id of the post, when the page gives it
    declared: int | None = None  # how many comments the page says the thread has ("32 Comments")


@dataclass(frozen=True)
class Case:
    """A saved page a site must claim, and facts it must yield (from the page, read by eye or by
    independent rules; never from threadkeep's own output).

    page: a path under the shared ground truth (`../shared/`), e.g. "corpus/wordpress/x.html".
    comments/top_level/max_depth: the thread's shape (None: not checked).
    facts: per comment, by reader's number: {"2.1": {"author": "James", "published": "2016-…",
    "text_start": "I had my first"}}; only the keys given are checked.
    """

    page: str
    url: str | None = None
    comments: int | None = None
    top_level: int | None = None
    max_depth: int | None = None
    title: str | None = None
    facts: dict[str, dict[str, str]] = field(default_factory=dict)


GetJson = Callable[[str], Any]


class Completion:
    """What `Site.complete` is handed: polite fetches (robots.txt, delays, retries, the capture),
    the user's options, and the progress and note callbacks. A site never builds its own client."""

    def __init__(self, fetcher, options) -> None:
        self.fetcher = fetcher
        self.options = options

    @property
    def mode(self) -> str:
        """Where comments come from: "auto" (past the page when it is incomplete), "page", "feed"."""
        return self.options.comments

    @property
    def max_pages(self) -> int:
        return self.options.max_feed_pages

    def reads_more(self, extraction: Extraction) -> bool:
        """Whether to look past the page: always with "feed", never with "page", and with "auto"
        when the page shows that it does not hold the whole thread."""
        return self.mode == "feed" or (self.mode == "auto" and not extraction.complete)

    def json(self, url: str) -> Any:
        """The parsed JSON at url (FetchError on failure)."""
        return self.fetcher.get(url, accept="json").json()

    def page(self, url: str) -> Page:
        """The page at url, decoded and ready to parse (FetchError on failure)."""
        from threadkeep.html.page import Page

        resp = self.fetcher.get(url, accept="html")
        return Page.from_bytes(resp.content, resp.final_url, resp.content_type)

    def api_key(self, site: str) -> str | None:
        """The user's API key for a site (`--disqus-key`), if any."""
        return (self.options.api_keys or {}).get(site)

    def api_base(self, site: str) -> str | None:
        """Where a site's API is, when not its public address (tests point it at 127.0.0.1)."""
        return (self.options.api_bases or {}).get(site)

    def progress(self, what: str, done: int, total: int | None = None) -> None:
        if self.options.on_progress is not None:
            self.options.on_progress(what, done, total)

    def note(self, message: str) -> None:
        """Something the user may want to know (shown with -v): an event of kind "note", like
        the fetcher's own events (on_event receives FetchEvent objects only)."""
        if self.options.on_event is not None:
            from threadkeep.net.http import FetchEvent

            self.options.on_event(FetchEvent("note", "", message))


class Site:
    """One site. Subclasses set `name` (the archive's `source.platform`) and override what they do.

    A page site overrides `matches` and `extract` (or `recognise`, when recognising and
    extracting are one step); an API site overrides `matches_url` and `archive_url`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""  # one line for `threadkeep sites`
    CASES: ClassVar[tuple[Case, ...]] = ()
    origin: str = "built-in"  # set by the registry for plugins: the file or entry point

    # ---- pages
    def matches(self, page: Page) -> bool:
        """Whether this page is of this site (by content, not only by host)."""
        return False

    def extract(self, page: Page) -> Extraction:
        raise NotImplementedError(f"{type(self).__name__}.extract")

    def recognise(self, page: Page) -> Extraction | None:
        """The extraction when this site claims the page, else None (what the pipeline calls)."""
        return self.extract(page) if self.matches(page) else None

    def complete(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Complete the thread past the page (feeds, comment pages, APIs); changes `extraction`."""

    def declared_count(self, page: Page) -> int | None:
        """How many comments the page says the thread has, for `extraction.declared` when the
        site's `extract` left it None. The default reads the page's count labels ("32 Comments",
        "Kommentare (12)"); a site whose platform has its own counter overrides this."""
        from threadkeep.html.counts import declared_count

        return declared_count(page)

    # ---- APIs
    def matches_url(self, url: str) -> bool:
        """Whether this URL's thread is read from this site's API rather than from a page."""
        return False

    def archive_url(self, url: str, ctx: Completion) -> Thread:
        raise NotImplementedError(f"{type(self).__name__}.archive_url")

    def from_saved(self, raw: bytes, data: Any, url: str | None) -> Thread | None:
        """A thread from a saved API response of this site, else None. `data` is the parsed JSON
        (None when the bytes are not JSON)."""
        return None

    # ---- whole blogs
    def blog(self, page: Page, ctx: Completion) -> BlogSource | None:
        """The blog whose front page this is, when it is of this site's platform: a source of
        its posts (newest first) and of what changed since a run (threadkeep.discover.model);
        None when the blog is not this site's. May fetch through `ctx` (politely)."""
        return None

    # ---- embedded in other sites' pages
    def embedded(self, page: Page) -> ExternalComments | None:
        """When this comment service is embedded in the page (its comments are not in the HTML)."""
        return None

    def complete_embedded(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Fetch the embedded comments (an API key may be needed); changes `extraction`."""

    def embedded_list(self, page: Page) -> list[Comment]:
        """The comments this embedded service wrote into the page itself (a server-rendered
        fallback list), whichever site claims the page; the registry asks when that site
        found none."""
        return []

    # ---- the registry fills this in: every site whose `embedded` may find something
    embedders: ClassVar[list[Site]] = []

    def embedded_comments(self, page: Page) -> ExternalComments | None:
        """The first embedded comment service any site finds on the page (for `extract`)."""
        for site in Site.embedders:
            found = site.embedded(page)
            if found is not None:
                return found
        return None

    def __repr__(self) -> str:
        return f"<site {self.name} ({self.origin})>"


__all__ = ["Case", "CommentIds", "Completion", "Extraction", "GetJson", "Site", "content_id"]
