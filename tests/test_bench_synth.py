"""The benchmark's synthetic threads are what they claim: the extractors count them exactly.

Keeps `bench/run.py` honest (a builder that lost comments would make the scaling figures look
better than they are). No timing here: the benchmark is a script, not a test.
"""

from __future__ import annotations

import itertools
import sys

import pytest

from corpus import REPO, needs_corpus

sys.path.insert(0, str(REPO / "bench"))
synth = pytest.importorskip("synth")

import threadkeep  # noqa: E402


def test_shape_is_exact_and_bounded():
    for n in (1, 4, 5, 6, 999, 1000, 1001):
        for max_depth in (2, 3):
            depths = synth.shape(n, max_depth)
            assert len(depths) == n
            assert depths[0] == 1
            assert max(depths) <= max_depth
            # pre-order: a comment is at most one level deeper than the one before it
            assert all(b <= a + 1 for a, b in itertools.pairwise(depths))


@pytest.mark.parametrize("platform", synth.PLATFORMS)
@needs_corpus
def test_thousand_comment_thread_counts_exactly(platform):
    page, url, expected = synth.build(platform, 1000)
    thread = threadkeep.extract(page, url)
    assert thread.source.platform == platform
    assert thread.stats() == expected
    assert expected == {"comments": 1000, "top_level": 400, "max_depth": synth.MAX_DEPTH[platform], "deleted": 0}
    comments = list(thread.all_comments())
    assert len({c.id for c in comments}) == 1000  # fresh ids, no template id left over
    assert len({c.published for c in comments}) == 1000  # fresh times, one per comment
    assert all(c.text and c.author.name and c.author.name.startswith("Reader ") for c in comments)


@pytest.mark.parametrize("platform", synth.PLATFORMS)
@needs_corpus
def test_build_is_deterministic(platform):
    assert synth.build(platform, 50)[0] == synth.build(platform, 50)[0]
