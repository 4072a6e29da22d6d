"""phpBB 2 topic pages (subSilver's viewtopic_body.tpl) and a topic of two pages followed over a
real HTTP server. The corpus2 page is among PhpBBSite's cases."""

from __future__ import annotations

from threadkeep import extract
from threadkeep.pipeline import FetchOptions, archive_url


def post(pid: int, name: str, when: str, message: str) -> str:
    return f"""<tr><td class="row1" valign="top"><span class="name"><a name="{pid}"></a><b>{name}</b></span>
      <br /><span class="postdetails">Member<br />Joined: Jan 01, 2004</span></td>
      <td class="row1" valign="top"><table width="100%"><tr><td width="100%">
        <a href="viewtopic.php?p={pid}#{pid}"><img src="icon_minipost.gif" alt="Post" /></a>
        <span class="postdetails">Posted: {when}<span class="gen">&nbsp;</span> Post subject: Re: Specs</span></td>
        <td align="right"><a href="posting.php?mode=quote&amp;p={pid}"><img alt="Reply with quote" /></a></td></tr>
        <tr><td colspan="2"><hr /></td></tr>
        <tr><td colspan="2"><span class="postbody">{message}</span><span class="gensmall"></span></td></tr>
      </table></td></tr>"""


def topic(posts: str, next_href: str | None = None) -> str:
    goto = (
        f'Goto page <b>1</b>, <a href="{next_href}">2</a>&nbsp;&nbsp;<a href="{next_href}">Next</a>'
        if next_href
        else ""
    )
    return f"""<html><head><title>Specs :: My Forum</title></head><body>
      <a class="maintitle" href="viewtopic.php?t=7">Specs</a>
      <span class="nav">{goto}</span>
      <table class="forumline"><tr><th class="thLeft">Author</th><th class="thRight">Message</th></tr>
      {posts}</table></body></html>"""


def test_phpbb2_posts_names_dates_and_signatures():
    page = topic(
        post(1, "ann", "Wed Feb 02, 2005 10:08 pm", "My specs.<br />_________________<br />Ann's signature")
        + post(2, "bob", "Thu Feb 03, 2005 9:15 am", "Mine are better.")
    )
    thread = extract(page)
    assert thread.source.platform == "phpbb"
    got = [(c.id, c.author.name, c.published, c.text.splitlines()[0]) for c in thread.all_comments()]
    assert got == [
        ("1", "ann", "2005-02-02T22:08:00", "My specs."),
        ("2", "bob", "2005-02-03T09:15:00", "Mine are better."),
    ]
    assert next(iter(thread.all_comments())).text.endswith("Ann's signature")


def test_phpbb2_topic_pages_are_followed(server):
    server.route("/robots.txt", status=404)
    server.route("/viewtopic.php", topic(post(1, "ann", "Wed Feb 02, 2005 10:08 pm", "First page."), "/page2.html"))
    server.route("/page2.html", topic(post(3, "cy", "Fri Feb 04, 2005 8:00 am", "Second page.")))
    thread = archive_url(server.url("/viewtopic.php"), FetchOptions(min_delay=0, retries=1))
    assert [c.text for c in thread.all_comments()] == ["First page.", "Second page."]
