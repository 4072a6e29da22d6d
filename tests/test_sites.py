"""Every site's own cases (`Site.CASES`: a saved page and the facts it must yield), run offline,
and the ownership rule: each case is claimed by its own site and by no other (generic aside).

The facts in the cases come from the pages (the corpus MANIFEST's shapes, the seed README),
not from threadkeep's output."""

from __future__ import annotations

import pytest

from corpus import SHARED, needs_corpus
from threadkeep.html.page import Page
from threadkeep.inputs import archive_file
from threadkeep.sites import registry

CASES = [(site, case) for site in registry() for case in site.CASES]


def _id(item) -> str:
    site, case = item
    return f"{site.name}:{case.page.rsplit('/', 1)[-1][:60]}"


def test_every_built_in_site_but_disqus_has_cases():
    without = [s.name for s in registry() if not s.CASES and s.origin == "built-in"]
    assert without == ["disqus"]  # Disqus threads are never in a page: its tests use the API server


@needs_corpus
@pytest.mark.parametrize("item", CASES, ids=[_id(i) for i in CASES])
def test_case(item):
    site, case = item
    thread = archive_file(str(SHARED / case.page), url=case.url)
    assert thread.source.platform == site.name
    stats = thread.stats()
    for key in ("comments", "top_level", "max_depth"):
        if getattr(case, key) is not None:
            assert stats[key] == getattr(case, key), key
    if case.title is not None:
        assert thread.article.title == case.title
    by_number = {c.number: c for c in thread.all_comments()}
    for number, facts in case.facts.items():
        c = by_number[number]
        for key, want in facts.items():
            if key == "author":
                assert c.author.name == want
            elif key == "text_start":
                assert c.text.startswith(want)
            else:
                assert getattr(c, key) == want, key


@needs_corpus
@pytest.mark.parametrize("item", [i for i in CASES if i[1].page.endswith((".html", ".htm"))], ids=_id)
def test_case_is_claimed_by_its_own_site_only(item):
    site, case = item
    page = Page.from_bytes((SHARED / case.page).read_bytes(), case.url)
    claims = [s.name for s in registry() if s.name != "generic" and s.recognise(page) is not None]
    assert claims == ([] if site.name == "generic" else [site.name])


def test_a_site_note_reaches_the_cli_as_an_event_it_can_print(capsys):
    """A site's note ("WordPress REST API not used: …") is an event like the fetcher's: the CLI's
    printer shows it with -v and passes over it without (it used to read .kind off a string)."""
    from threadkeep.cli.ui import State, event_printer
    from threadkeep.pipeline import FetchOptions
    from threadkeep.sites.base import Completion

    seen = []
    Completion(None, FetchOptions(on_event=seen.append)).note("WordPress REST API not used: HTTP 404")
    assert [(e.kind, str(e)) for e in seen] == [("note", "WordPress REST API not used: HTTP 404")]
    printer = event_printer()
    verbose = State.verbose
    try:
        State.verbose = False
        printer(seen[0])
        assert capsys.readouterr().err == ""
        State.verbose = True
        printer(seen[0])
        assert capsys.readouterr().err == "threadkeep: WordPress REST API not used: HTTP 404\n"
    finally:
        State.verbose = verbose
