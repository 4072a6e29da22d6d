"""A blog in a sync: which of its posts' threads to check this run, asked of the blog first.

    plan = plan_blog(fetcher, entry, directory, state_of_blog, sync_options, threads_state)
    plan.threads          # WatchEntry per post to check now (archives in DIR/<folder>/)
    plan.state()          # what to keep in DIR's state for the next run

The rules (docs/sync.md has them for users):

- **The first run, and every `full_every` days** (default 7; 0: every run), is a *full* run: the
  blog is listed to the end and every post's thread is checked (a conditional GET for those already
  archived), so that edits and deletions the blog's change sources do not report are seen.
- **Other runs ask the blog what changed.** The listing is read only up to the posts already known
  (one page, usually: the new posts), then the blog's own report of new comments since the last
  run (Blogger's blog-wide comment feed, WordPress's REST comments or comment RSS; `BlogSource.changes`),
  and the posts whose comment count in the listing moved (feeds' `slash:comments`, Blogger's
  `thr$total`). Only those threads are fetched, with the new posts, the posts whose archive is
  missing (a run killed before it wrote them) and those that failed or were deferred last time.
  A change source that may have missed something (`complete=False`), or that fails, makes the run
  check every thread, as a full run would.
- **The window.** Changes are asked for since the last run's start less `MARGIN` (clocks differ,
  comments arrive during a run); a change already acted on (its comment id and time) is not acted
  on again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from threadkeep.discover.model import Post
from threadkeep.errors import FetchError, InputError, ThreadkeepError
from threadkeep.paths import archive_path
from threadkeep.timefmt import clock, utc_iso
from threadkeep.watchlist import WatchEntry

MARGIN = timedelta(minutes=10)


@dataclass
class BlogPlan:
    entry: WatchEntry
    folder: Path
    threads: list[WatchEntry] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)  # every post known after this run's listing
    full: bool = True
    how: str = ""
    platform: str = ""
    error: str | None = None
    new_posts: int = 0
    reported: int = 0  # threads the blog said changed
    notes: list[str] = field(default_factory=list)
    previous: dict[str, Any] = field(default_factory=dict)
    started: str = ""
    seen_changes: list[str] = field(default_factory=list)
    changes_ok: bool = False  # the blog was asked what changed (or the run was full): the window moves on

    @property
    def label(self) -> str:
        from urllib.parse import urlsplit

        return self.entry.name or urlsplit(self.entry.url).netloc or self.entry.url

    def state(self) -> dict[str, Any]:
        """This blog's part of DIR's state after the run."""
        prev = self.previous
        if self.error is not None and not self.posts:
            return prev
        out = {
            "folder": self.folder.name,
            "platform": self.platform or prev.get("platform"),
            "how": self.how or prev.get("how"),
            "last_run": self.started,
            "last_full": self.started if self.full and self.error is None else prev.get("last_full"),
            "changes_since": prev.get("changes_since"),
            "seen_changes": prev.get("seen_changes", []),
            "posts": {url: _post_state(p) for url, p in self.posts.items()},
        }
        if self.changes_ok:
            since = datetime.fromisoformat(self.started.replace("Z", "+00:00")) - MARGIN
            out["changes_since"] = utc_iso(since)
            out["seen_changes"] = self.seen_changes
        return out


def _post_state(p: Post) -> dict[str, Any]:
    return {
        k: v
        for k, v in (("title", p.title), ("published", p.published), ("comments", p.comments), ("id", p.id))
        if v is not None
    }


def _known(previous: dict[str, Any]) -> dict[str, Post]:
    posts = previous.get("posts")
    out = {}
    if isinstance(posts, dict):
        for url, d in posts.items():
            if isinstance(url, str) and isinstance(d, dict):
                out[url] = Post(url, d.get("title"), d.get("published"), None, d.get("comments"), d.get("id"))
    return out


def _due(previous: dict[str, Any], full_every_days: float, now: datetime) -> bool:
    last = previous.get("last_full")
    if full_every_days <= 0 or not isinstance(last, str):
        return True
    try:
        then = datetime.fromisoformat(last.replace("Z", "+00:00"))
    except ValueError:
        return True
    return now - then >= timedelta(days=full_every_days)


def plan_blog(
    fetcher,
    entry: WatchEntry,
    directory: Path,
    previous: dict[str, Any] | None,
    fetch_options,
    full_every_days: float,
    threads_state: dict[str, Any],
    on_note=None,
) -> BlogPlan:
    """Which posts of the blog to check this run (see the module's docstring). Never raises for
    the blog's own failures: `error` says what went wrong (the run goes on with what is known)."""
    from threadkeep.discover.engine import DiscoveryContext, discover_blog

    now = clock()
    previous = previous if isinstance(previous, dict) else {}
    plan = BlogPlan(entry, directory / entry.folder, previous=previous, started=utc_iso(now))
    try:
        plan.folder.mkdir(exist_ok=True)
    except OSError as exc:
        plan.error = f"{plan.folder}: cannot create the folder: {exc.strerror or exc}"
        return plan
    known = _known(previous)
    plan.full = not known or _due(previous, full_every_days, now)
    ctx = DiscoveryContext(fetcher, fetch_options, on_note=on_note)
    try:
        listing, source = discover_blog(
            fetcher, entry.url, fetch_options, since=entry.since, known=None if plan.full else set(known), ctx=ctx
        )
    except ThreadkeepError as exc:
        if isinstance(exc, InputError):
            raise
        plan.error = str(exc)
        plan.posts = known
        plan.threads = [_thread(entry, url) for url in known if _unfinished(plan.folder, url, threads_state)]
        return plan
    plan.how, plan.platform = listing.how, listing.platform
    posts = dict(known)
    moved: set[str] = set()
    for p in listing.posts:
        old = posts.get(p.url)
        if old is not None and p.comments is not None and old.comments is not None and p.comments != old.comments:
            moved.add(p.url)
        if old is not None:
            p.id = p.id or old.id
            p.title = p.title or old.title
            p.published = p.published or old.published
        posts[p.url] = p
    plan.posts = posts
    new = [p.url for p in listing.posts if p.url not in known]
    plan.new_posts = len(new)
    if plan.full:
        plan.changes_ok = True
        chosen = list(posts)
    else:
        reported, complete = _reported(ctx, source, previous, known, plan)
        plan.reported = len(reported | moved)
        if not complete:
            chosen = list(posts)
        else:
            unfinished = {u for u in posts if _unfinished(plan.folder, u, threads_state)}
            wanted = set(new) | reported | moved | unfinished
            chosen = [u for u in posts if u in wanted]
    plan.notes = ctx.notes
    if len(chosen) == len(posts):
        plan.changes_ok = True  # every thread checked: the next run asks from this one on
    order = {u: i for i, u in enumerate(p.url for p in listing.posts)}
    chosen.sort(key=lambda u: order.get(u, len(order)))
    plan.threads = [_thread(entry, url) for url in chosen]
    return plan


def _reported(ctx, source, previous: dict[str, Any], known: dict[str, Post], plan: BlogPlan) -> tuple[set[str], bool]:
    """The posts the blog says have new comments since the last run, and whether it could tell."""
    since = previous.get("changes_since")
    if not isinstance(since, str):
        return set(), False
    try:
        changes = source.changes(ctx, since, known)
    except FetchError as exc:
        ctx.note(f"{plan.entry.url}: could not ask what changed ({exc}); every thread is checked")
        return set(), False
    if changes is None:  # only the listing's counts tell
        plan.changes_ok = True
        return set(), True
    seen = set(previous.get("seen_changes") or [])
    by_id = {p.id: u for u, p in plan.posts.items() if p.id}
    out = set()
    for c in changes.items:
        if c.key in seen:
            continue
        url = c.post_url if c.post_url in plan.posts else by_id.get(c.post_id or "")
        if url is not None:
            out.add(url)
    plan.seen_changes = sorted({c.key for c in changes.items})
    plan.changes_ok = True
    if not changes.complete:
        ctx.note(f"{plan.entry.url}: {changes.how} may not hold every change since {since}; every thread is checked")
    return out, changes.complete


def _unfinished(folder: Path, url: str, threads_state: dict[str, Any]) -> bool:
    """A post whose archive is missing, or whose last check failed or was deferred."""
    from threadkeep.paths import archive_stem

    try:
        path = archive_path(folder, archive_stem(url))
    except InputError:
        return False
    last = threads_state.get(url)
    failed = isinstance(last, dict) and last.get("last_result") in ("failed", "deferred")
    return failed or not path.exists()


def _thread(entry: WatchEntry, url: str) -> WatchEntry:
    return WatchEntry(url, entry.comments, folder_name=entry.folder)


@dataclass
class BlogRun:
    """A blog's part of a sync report: its plan and the results of the threads it checked."""

    plan: BlogPlan
    results: list = field(default_factory=list)  # ThreadResult, in the plan's order

    def counts(self) -> dict[str, int]:
        t = {"posts": len(self.plan.posts), "checked": len(self.results), "new": 0, "changed": 0, "unchanged": 0}
        t.update({"failed": 0, "deferred": 0, "new_comments": 0, "new_posts": self.plan.new_posts})
        for r in self.results:
            t[r.status] += 1
            if r.status == "changed" and r.changes is not None:
                t["new_comments"] += len(r.changes.added)
        return t

    def summary(self) -> str:
        """'blog.example.com: 1,204 posts, 3 threads changed, 12 new comments'."""
        from threadkeep.html.textsafe import terminal_safe

        t = self.counts()
        label = terminal_safe(self.plan.label)
        if self.plan.error is not None and not self.results:
            return f"{label}: {t['posts']:,} posts known; the blog could not be read"
        parts = [f"{t['posts']:,} post{'s' * (t['posts'] != 1)}"]
        if t["new"]:
            parts.append(f"{t['new']:,} new archive{'s' * (t['new'] != 1)}")
        parts.append(f"{t['changed']:,} thread{'s' * (t['changed'] != 1)} changed")
        parts.append(f"{t['new_comments']:,} new comment{'s' * (t['new_comments'] != 1)}")
        if t["failed"]:
            parts.append(f"{t['failed']:,} failed")
        if t["deferred"]:
            parts.append(f"{t['deferred']:,} deferred")
        return f"{label}: {', '.join(parts)}"

    def to_dict(self) -> dict[str, Any]:
        p = self.plan
        return {
            "blog": p.entry.url,
            "folder": p.folder.name,
            "summary": self.summary(),
            "platform": p.platform or None,
            "listed_from": p.how or None,
            "full": p.full,
            "error": p.error,
            "notes": p.notes,
            "totals": self.counts(),
            "threads_reported_changed": p.reported,
            "results": [r.to_dict() for r in self.results],
        }
