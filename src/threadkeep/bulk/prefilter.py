"""The byte pre-filter: "no comment markup here", decided before any parse.

Most pages of a web crawl hold no discussion; parsing each one costs far more than reading it
(docs/performance.md). A page can yield a comment only through a site that recognises it or the
generic finder, and every one of them needs a word in the page's markup:

    the generic finder    a class or id naming a comment region (threadkeep.finder.names.REGION_RE:
                          comment, kommentar, respons, discussion, disqus, replies, reactions, talkback)
    Blogger, WordPress, Movable Type, Substack, Reddit's page, Disqus   "comment"
    Hacker News           "comtr" / "fatitem"
    vBulletin, MyBB, phpBB   "post_message_", "post_body", "postbody"
    saved API responses   "post_stream" (Discourse), "children" (HN), "listing" (Reddit), "blogger" (Blogger)

so a body that holds none of these words, in any case, holds no thread threadkeep can read, and is
counted without being parsed. The test is one multi-word search of the lowered bytes: Aho-Corasick
(ahocorasick-rs, `threadkeep[bulk]`), about 0.5 ms for a 220 KB page with none of the words, or
else one regular expression (about 3.5 ms; seventeen `in` tests took 7.7 ms).

A plugin site may add its own words as a `prefilter_words` attribute (bytes, lower case); while a
plugin without one is loaded the pre-filter lets every page through.
"""

from __future__ import annotations

import re
from functools import cache

WORDS: tuple[bytes, ...] = (
    b"comment",
    b"kommentar",
    b"respons",
    b"discussion",
    b"disqus",
    b"replies",
    b"reactions",
    b"talkback",
    b"comtr",
    b"fatitem",
    b"post_message_",
    b"post_body",
    b"postbody",
    b"post_stream",
    b"children",
    b"listing",
    b"blogger",
)


def words() -> tuple[bytes, ...] | None:
    """The words of the built-in sites and the loaded plugins; None when a plugin gives none."""
    from threadkeep.sites import registry

    extra: list[bytes] = []
    for site in registry():
        if site.origin == "built-in":
            continue
        given = getattr(site, "prefilter_words", None)
        if not given:
            return None
        extra.extend(w.lower() for w in given)
    return WORDS + tuple(extra)


@cache
def _matcher(words: tuple[bytes, ...]):
    """A function: does this (lowered) text hold one of the words?"""
    try:
        from ahocorasick_rs import BytesAhoCorasick
    except ImportError:
        pattern = re.compile(b"|".join(re.escape(w) for w in words))
        return lambda text: pattern.search(text) is not None
    automaton = BytesAhoCorasick(list(words))
    return lambda text: bool(automaton.find_matches_as_indexes(text))


def may_hold_comments(body: bytes, words: tuple[bytes, ...] | None = WORDS) -> bool:
    """False only when no word of `words` is in body (any case): then no thread is there."""
    if words is None:
        return True
    return _matcher(words)(body.lower())
