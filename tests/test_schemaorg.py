"""schema.org Comment markup (microdata, RDFa, JSON-LD) read by threadkeep.html.schemaorg, and
taken by the generic site before its finder. Pages written here from schema.org's own
examples of the Comment type and its properties."""

from __future__ import annotations

import json

from threadkeep import extract
from threadkeep.html.page import Page
from threadkeep.html.schemaorg import schema_comments

ARTICLE = "<h1>A post</h1><div class='entry'><p>The post's own text, which is long enough to be a body.</p></div>"


def rows(comments, depth=0):
    for c in comments:
        yield depth, c.author.name, c.author.url, c.published, c.text
        yield from rows(c.replies, depth + 1)


def test_microdata_comments_nest_and_keep_their_own_properties():
    html = f"""<html><body><article itemscope itemtype="https://schema.org/BlogPosting">{ARTICLE}
      <div itemprop="comment" itemscope itemtype="https://schema.org/Comment" id="c1">
        <span itemprop="author" itemscope itemtype="https://schema.org/Person">
          <a itemprop="url" href="https://ann.example/"><span itemprop="name">Ann</span></a></span>
        <time itemprop="dateCreated" datetime="2020-05-08T22:31:00Z">May 8, 2020</time>
        <div itemprop="text"><p>The first comment.</p></div>
        <div itemprop="comment" itemscope itemtype="http://schema.org/Comment" id="c2">
          <span itemprop="author">Bob says:</span>
          <meta itemprop="datePublished" content="2020-05-09">
          <div itemprop="text"><p>A reply to Ann.</p></div>
        </div>
      </div>
      <div itemprop="comment" itemscope itemtype="https://schema.org/Comment">
        <span itemprop="author">Cy</span><div itemprop="text">Second thread.</div></div>
    </article></body></html>"""
    comments, elements = schema_comments(Page(html))
    assert list(rows(comments)) == [
        (0, "Ann", "https://ann.example/", "2020-05-08T22:31:00+00:00", "The first comment."),
        (1, "Bob", None, "2020-05-09", "A reply to Ann."),
        (0, "Cy", None, None, "Second thread."),
    ]
    assert len(elements) == 2
    thread = extract(html)
    assert thread.source.platform == "generic"
    assert [c.number for c in thread.all_comments()] == ["1", "1.1", "2"]
    assert "The first comment" not in thread.article.text


def test_rdfa_comments():
    html = f"""<html><body vocab="https://schema.org/">{ARTICLE}
      <div typeof="Comment" resource="#c9">
        <span property="author" typeof="Person"><span property="name">Dee</span></span>
        <span property="dateCreated" content="2019-01-02T03:04:00+01:00">2 Jan</span>
        <div property="text"><p>RDFa comment.</p></div></div></body></html>"""
    comments, _ = schema_comments(Page(html))
    assert list(rows(comments)) == [(0, "Dee", None, "2019-01-02T03:04:00+01:00", "RDFa comment.")]
    assert comments[0].id == "#c9"


def test_json_ld_comments_with_replies_and_parent_items():
    data = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": "A post",
        "comment": [
            {
                "@type": "Comment",
                "@id": "#a",
                "text": "JSON first.",
                "author": {"@type": "Person", "name": "Eve", "url": "https://eve.example/"},
                "dateCreated": "2021-02-03T04:05:06Z",
                "comment": [{"@type": "Comment", "text": "<p>Nested <b>reply</b>.</p>", "author": "Fay"}],
            },
            {"@type": "Comment", "text": "Points at #a.", "author": "Gus", "parentItem": {"@id": "#a"}},
            {"@type": "Comment", "text": "  ", "author": "Empty"},
        ],
    }
    html = f"""<html><head><script type="application/ld+json">{json.dumps(data)}</script></head>
      <body>{ARTICLE}</body></html>"""
    comments, elements = schema_comments(Page(html))
    assert elements == []
    assert list(rows(comments)) == [
        (0, "Eve", "https://eve.example/", "2021-02-03T04:05:06+00:00", "JSON first."),
        (1, "Fay", None, None, "Nested reply."),
        (1, "Gus", None, None, "Points at #a."),
    ]


def test_no_comment_markup_no_comments():
    html = f"""<html><body>{ARTICLE}<div itemscope itemtype="https://schema.org/Comment"></div>
      <script type="application/ld+json">{{"@type": "Article", "commentCount": 3}}</script></body></html>"""
    assert schema_comments(Page(html)) == ([], [])


def test_deep_json_ld_is_no_internal_error():
    html = (
        f"<html><head><script type='application/ld+json'>{'[' * 100_000}\"Comment\"</script></head><body></body></html>"
    )
    assert schema_comments(Page(html)) == ([], [])


def test_old_usercomments_vocabulary():
    html = f"""<html><body>{ARTICLE}
      <li itemprop="comment" itemscope itemtype="http://schema.org/UserComments">
        <span itemprop="creator" itemscope itemtype="http://schema.org/Person"><span itemprop="name">Hal</span></span>
        <time itemprop="commentTime" datetime="2012-06-01T08:00:00+00:00">June 1, 2012</time>
        <div itemprop="commentText"><p>Old vocabulary.</p></div></li></body></html>"""
    comments, _ = schema_comments(Page(html))
    assert list(rows(comments)) == [(0, "Hal", None, "2012-06-01T08:00:00+00:00", "Old vocabulary.")]
