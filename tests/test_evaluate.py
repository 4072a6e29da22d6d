"""The evaluation: per-comment scoring against gold (threadkeep.scoring), and the corpora in CI
with floors (the figures main reaches; raised as it improves, never lowered)."""

from __future__ import annotations

import subprocess
import sys

from corpus import CORPUS, REPO, SHARED, needs_corpus
from threadkeep.evaluate import evaluate_corpus, gold_totals, unmet
from threadkeep.model import Author, Comment
from threadkeep.scoring import field_percents, same_date, score_page

CORPUS2 = SHARED / "corpus2"
GOLD = REPO / "tests" / "gold"

# Floors (percent) for ../shared/corpus2/: issue 12's targets (found >= 98, invented <= 1, parents,
# authors and texts >= 98, dates >= 95), which main meets after the three parts of issue 12 merged
# (found 100.0, invented 0.0, parents 100.0, authors 99.8, dates 100.0, texts 99.9, all-exact 91).
# The figures before issue 12: found 36.9, invented 20.1, parents 36.6, authors 28.6, dates 33.3,
# texts 35.5, all-exact 27. "invented" is a ceiling. Raised as main improves, never lowered.
CORPUS2_FLOORS = {
    "found": 98.0,
    "invented": 1.0,
    "parents": 98.0,
    "authors": 98.0,
    "dates": 95.0,
    "texts": 98.0,
    "exact": 85.0,
}


def _gold(*comments):
    return {"comments": [dict(c) for c in comments]}


G0 = {
    "parent": None,
    "author": "Ann Lee",
    "date_text": "July 4, 2013 at 5:29 pm",
    "iso": "2013-07-04T17:29",
    "text_start": "First words of the comment",
    "text_end": "and its last words.",
}
G1 = {
    "parent": 0,
    "author": "Bob",
    "date_text": "5 July 2013",
    "iso": "2013-07-05",
    "text_start": "A reply",
    "text_end": "a reply.",
}


def test_a_faithful_extraction_is_all_exact():
    reply = Comment("b", text="A reply that ends as a reply.", author=Author("bob"), published="2013-07-05T09:00:00")
    top = Comment(
        "a",
        text="First  words of the\ncomment and its last words.",
        author=Author("Ann  Lee"),
        published="2013-07-04T17:29:40",
        replies=[reply],
    )
    s = score_page("p", _gold(G0, G1), [top])
    assert (s.found, s.invented, s.parents, s.authors, s.dates, s.texts, s.exact) == (2, 0, 2, 2, 2, 2, True)


def test_author_line_left_in_the_text_is_found_but_the_text_is_wrong():
    c = Comment("a", text="Ann Lee\nJuly 4, 2013 at 5:29 pm\nFirst words of the comment and its last words.")
    s = score_page("p", _gold(G0), [c])
    assert s.found == 1 and s.texts == 0 and s.authors == 0 and s.dates == 0 and not s.exact


def test_flat_reply_is_a_wrong_parent_and_extra_comments_are_invented():
    top = Comment("a", text="First words of the comment and its last words.", author=Author("Ann Lee"))
    reply = Comment("b", text="A reply, a reply.", author=Author("Bob"))
    share = Comment("c", text="Share on Twitter", author=Author("facebook"))
    s = score_page("p", _gold(G0, G1), [top, reply, share])
    assert s.found == 2 and s.parents == 1 and s.invented == 1
    assert field_percents(s)["invented"] == 100 / 3


def test_dates_compare_minutes_days_and_instants():
    assert same_date("2013-07-04T17:29", "2013-07-04T17:29:59+02:00")  # wall clock as written
    assert not same_date("2013-07-04T17:29", "2013-07-04T17:30:00")
    assert same_date("2013-07-04", "2013-07-04T23:59:00")
    assert same_date("2013-07-04T17:29-07:00", "2013-07-05T00:29:00Z")  # both fix the instant
    assert not same_date("2013-07-04T17:29-07:00", "2013-07-04T17:29:00Z")
    assert not same_date("2013-07-04", None)


def test_duplicated_texts_are_matched_in_order():
    g = [dict(G0, author="A"), dict(G0, author="B")]
    cs = [Comment("1", text=G0["text_start"] + " " + G0["text_end"], author=Author(n)) for n in ("A", "B")]
    s = score_page("p", {"comments": g}, cs)
    assert s.found == 2 and s.authors == 2


@needs_corpus
def test_the_old_corpus_keeps_its_shape_and_its_gold_pages_are_exact():
    results = evaluate_corpus(CORPUS, [GOLD])
    assert [r.file for r in results if not r.ok] == []
    scored = [r for r in results if r.score is not None]
    assert len(scored) >= 3
    assert [r.file for r in scored if not r.score.exact] == []


@needs_corpus
def test_corpus2_meets_its_floors():
    results = evaluate_corpus(CORPUS2)
    total, pages, _exact = gold_totals(results)
    assert pages == 33 and total.gold == 1000
    assert unmet(results, list(CORPUS2_FLOORS.items())) == []
    negatives = [r for r in results if r.file.startswith("NEGATIVE_")]
    assert len(negatives) == 3 and all(r.found[0] == 0 for r in negatives)


@needs_corpus
def test_the_command_prints_the_tables_and_fails_below_a_threshold():
    cmd = [sys.executable, "-m", "threadkeep.evaluate", str(CORPUS2)]
    r = subprocess.run([*cmd, "--min", "found=100.1"], capture_output=True, timeout=300, text=True)
    assert r.returncode == 1
    assert "| page | gold | found | invented | parents | authors | dates | texts | all-exact |" in r.stdout
    assert "below threshold: found" in r.stdout
    bad = subprocess.run([*cmd, "--min", "speed=3"], capture_output=True, timeout=60, text=True)
    assert bad.returncode == 2 and "FIELD=PERCENT" in bad.stderr
