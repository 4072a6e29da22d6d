"""API adapters: threads archived from a platform's JSON API, chosen by URL.

The registry is ordered and the first adapter whose `matches_url` accepts the URL wins: the
adapters that know their hosts (Hacker News, Reddit, Disqus) come before Discourse, which runs
on any domain and is recognised by its /t/SLUG/ID path alone. A URL no adapter claims (None)
is a page for the HTML extractors.

    adapter = adapter_for_url(url)
    thread = adapter.archive(url, get_json, api_key=key)   # get_json: URL -> parsed JSON

Every adapter returns the same archive: source.platform is the adapter's name, the article is
the story / self-post / opening post, comments are nested and numbered (1, 1.1, 2, ...), and
Thread.not_archived counts comments the platform held back (Reddit `more` stubs).
"""

from __future__ import annotations

from threadkeep.adapters.base import Adapter, GetJson
from threadkeep.adapters.discourse import DiscourseAdapter, thread_from_discourse_topic
from threadkeep.adapters.disqus import DISQUS_KEY_ENV, DisqusAdapter, disqus_placeholder, embed_url
from threadkeep.adapters.hn import HNAdapter, thread_from_hn_item
from threadkeep.adapters.reddit import RedditAdapter, thread_from_reddit_listing

ADAPTERS: list[Adapter] = [
    HNAdapter(),
    RedditAdapter(),
    DisqusAdapter(),
    DiscourseAdapter(),  # last: matched by path on any host
]


def adapter_for_url(url: str) -> Adapter | None:
    """The adapter for this URL, or None when it is not a thread of an API platform."""
    if not isinstance(url, str) or not url.strip():
        return None
    for adapter in ADAPTERS:
        if adapter.matches_url(url):
            return adapter
    return None


def adapter_named(name: str) -> Adapter | None:
    return next((a for a in ADAPTERS if a.name == name), None)


__all__ = [
    "ADAPTERS",
    "DISQUS_KEY_ENV",
    "Adapter",
    "DiscourseAdapter",
    "DisqusAdapter",
    "GetJson",
    "HNAdapter",
    "RedditAdapter",
    "adapter_for_url",
    "adapter_named",
    "disqus_placeholder",
    "embed_url",
    "thread_from_discourse_topic",
    "thread_from_hn_item",
    "thread_from_reddit_listing",
]
