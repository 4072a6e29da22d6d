"""WordPress: the post and its comment tree from the page, completed from its comment pages and
the REST API.

Recognised by content (generator meta, `wp-content` assets, the REST API link, the comment
markup of `Walker_Comment`), so custom domains and WordPress.com blogs are both claimed.

Comments are read from the markup `wp_list_comments()` writes in all its variants: HTML5
(`li#comment-N > article#div-comment-N.comment-body`), the older html4 one
(`li#comment-N > div#div-comment-N`, text loose in `.comment-body`), and theme callbacks
(`li#li-comment-N > article#comment-N`, `.comment-text`, ...). A comment's own element is the
outermost element for its id; its parent is the nearest enclosing comment element, whatever
list (`ul.children`, `ol.children`, `div.children`) holds it. Widgets and sidebars (recent
comments) are never read. The tree is walked with explicit stacks: no recursion, any depth.

The family's other layouts: the Thesis theme's `dl#comment_list` (a `dt` header and the `dd` body
after it are one comment, replies in the `dd`), wpDiscuz (`wpd-comm-N_P` / `wc-comm-N_P` wrappers,
replies inside them, "load more" pages `?wpdParentID=N`), the classic and Kubrick themes'
bylines ("Comment by X — date @ time", "X says:"), and lists of class-less `li#comment-N`.
Plugins' prefixed class names (`wpd-comment-author`, `epoch-comment-content`) count as
WordPress's own. Where a theme marks neither author nor date, a short dated line of the
comment's own is its byline. The author line and the date never stay in the text.

The parts: markup.py (the selectors, as data), nodes.py (finding comment elements), comment.py
and content.py (one comment's fields and text), when.py (numeric dates in the page's order),
post.py (the article), paging.py (comment pages, wpDiscuz's "load more", the REST API),
discover.py (whole blogs: the REST API's posts and comments, the sitemaps, the feeds).
"""

from __future__ import annotations

from threadkeep.errors import FetchError
from threadkeep.html.page import Page
from threadkeep.model import Comment
from threadkeep.sites.base import Completion, Extraction, Site
from threadkeep.sites.wordpress.cases import CASES
from threadkeep.sites.wordpress.comment import comment_of, dedupe_ids
from threadkeep.sites.wordpress.discover import WordPressBlog, wordpress_blog
from threadkeep.sites.wordpress.markup import COMMENT_ID, OTHER_GENERATORS
from threadkeep.sites.wordpress.nodes import find_comment_nodes
from threadkeep.sites.wordpress.paging import comments_from_rest, has_more_comments, more_comment_urls, rest_api_url
from threadkeep.sites.wordpress.post import find_post_id, post_article
from threadkeep.sites.wordpress.when import NumericDates
from threadkeep.tree import build_tree, merge_sources

_GENERATOR_CASE = str.maketrans("GENERATOR", "generator")  # as XPath translate() would
_WP_PATHS = ("/wp-json/", "/wp-content/", "/wp-includes/")


def _shows_nothing(c: Comment) -> bool:
    return not c.text.strip() and not c.author.name and not c.published and not c.html.strip()


def _listed_with_another(li) -> bool:
    """Whether li#comment-N stands in a list beside another li#comment-M."""
    if COMMENT_ID.match(li.get("id") or "") is None or li.getparent() is None or li.getparent().tag not in ("ul", "ol"):
        return False
    sibling = li.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return sibling is not None and sibling.tag == "li" and COMMENT_ID.match(sibling.get("id") or "") is not None


def merge_comments(page_comments: list[Comment], other_comments: list[Comment]) -> list[Comment]:
    """One tree of every comment once by id: the page's fields first, the other source's (another
    comment page, the REST API) filling gaps; the page's order kept, the other's comments placed
    among their siblings by date. Neither input is changed."""
    return merge_sources(page_comments, other_comments, order="first")


class WordPressSite(Site):
    name = "wordpress"
    description = "WordPress (HTML5 and older comment markup, theme callbacks, comment pages, the REST API)"
    CASES = CASES  # sites/wordpress/cases.py

    def matches(self, page: Page) -> bool:
        # Walks by tag (lxml filters in C) rather than `//x[...]` queries: same answers, and a
        # 10k-comment page is not scanned four times over.
        tree = page.tree
        generator = " ".join(
            (el.get("content") or "")
            for el in page.meta_elements
            if (el.get("name") or "").translate(_GENERATOR_CASE) == "generator"
        ).lower()
        if "wordpress" in generator:
            return True
        if any(other in generator for other in OTHER_GENERATORS):
            return False  # a forum or blog engine that merely shares a WordPress site's theme assets
        for el in tree.iter("link", "script"):
            if el.tag == "link":
                href = el.get("href") or ""
                if el.get("rel") == "https://api.w.org/" or any(p in href for p in _WP_PATHS):
                    return True
            elif any(p in (el.get("src") or "") for p in _WP_PATHS[1:]):
                return True
        # The comment markup of Walker_Comment alone: a comment item with its depth class, or a
        # list of `li#comment-N` items (the themes of WordPress 1.x-2.6 wrote them without classes).
        for el in tree.iter("li", "a"):
            if el.tag == "li":
                el_id = el.get("id") or ""
                if not el_id.startswith(("comment-", "li-comment-")):
                    continue
                if "depth-" in (el.get("class") or "") or _listed_with_another(el):
                    return True
            elif "comment-reply-link" in (el.get("class") or "") and "replytocom=" in (el.get("href") or ""):
                return True
        return False

    def extract(self, page: Page) -> Extraction:
        nodes = find_comment_nodes(page.tree)
        post_id = find_post_id(page)
        article, body = post_article(page, post_id, nodes)
        numeric = NumericDates(page.tree.get("lang"), article.published)
        comments = [comment_of(page, node, article, numeric) for node in nodes]
        numeric.settle()
        # An element that showed nothing (a theme's empty wrapper around a reply list) is no
        # comment: its replies go to its parent.
        phantom = {id(n) for c, n in zip(comments, nodes, strict=True) if _shows_nothing(c)}
        by_node = {id(n): c for c, n in zip(comments, nodes, strict=True)}
        parents = {}
        for c, n in zip(comments, nodes, strict=True):
            parent = n.parent
            while parent is not None and id(parent) in phantom:
                parent = parent.parent
            parents[c.id] = by_node[id(parent)].id if parent is not None else None
        if phantom:
            comments = [c for c, n in zip(comments, nodes, strict=True) if id(n) not in phantom]
        dedupe_ids(comments, parents)
        roots = build_tree(comments, parents)
        external = None
        if not roots:
            # A comment service embedded by script, whose comments the page does not hold (the
            # registry then takes the list such a service may have rendered into the page too).
            external = self.embedded_comments(page)
        return Extraction(
            platform=self.name,
            article=article,
            body=body,
            comments=roots,
            complete=not has_more_comments(page),
            post_id=post_id,
            external_comments=external,
        )

    def blog(self, page: Page, ctx: Completion) -> WordPressBlog | None:
        """A WordPress blog: the REST API, else its sitemaps, else its feed."""
        return wordpress_blog(page) if self.matches(page) else None

    def complete(self, extraction: Extraction, page: Page, ctx: Completion) -> None:
        """Follow the comment pages; then the REST API where the thread is still incomplete (or asked)."""
        if not ctx.reads_more(extraction):
            return
        comments = extraction.comments
        seen = {page.url}
        queue = [u for u in more_comment_urls(page) if u not in seen]
        while queue and len(seen) < ctx.max_pages:
            next_url = queue.pop(0)
            if next_url in seen:
                continue
            seen.add(next_url)
            other = ctx.page(next_url)
            comments = merge_comments(comments, self.extract(other).comments)
            queue.extend(u for u in more_comment_urls(other) if u not in seen)
            ctx.progress("comment pages", len(seen), None)
        if extraction.post_id and (ctx.mode == "feed" or len(seen) == 1):
            items: list = []
            page_no = 1
            try:
                while page_no <= ctx.max_pages:
                    batch = ctx.json(rest_api_url(page.url, extraction.post_id, page_no))
                    if not isinstance(batch, list) or not batch:
                        break
                    items.extend(batch)
                    ctx.progress("REST API", len(items), None)
                    if len(batch) < 100:
                        break
                    page_no += 1
            except FetchError as exc:
                if not items or exc.status not in (400, 404):
                    ctx.note(f"WordPress REST API not used: {exc}")
            if items:
                comments = merge_comments(comments, comments_from_rest(items, page.url))
        extraction.comments = comments
