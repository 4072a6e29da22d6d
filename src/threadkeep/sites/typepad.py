"""TypePad blogs (hosted Movable Type): the 2005 unwrapped comments (`a#cID`, paragraphs,
`p.posted`), the 2008 `div.comment > div.comment-content + p.comment-footer`, and the 2012
avatar template (the same, with `div.comment-avatar`). The comment templates are Movable
Type's: the reader is shared with sites/movabletype.py."""

from __future__ import annotations

from threadkeep.html.page import Page
from threadkeep.sites.base import Case, Extraction, Site
from threadkeep.sites.movabletype import footer_comments, is_typepad, mt_article


class TypePadSite(Site):
    name = "typepad"
    description = "TypePad blogs (2005 unwrapped, 2008 and 2012 avatar comment templates)"
    CASES = (
        Case(  # corpus2 gold: unwrapped siblings, one comment with an empty name
            "corpus2/pages/alittlepregnant.com_2005-05_keep-your-powder-dry.html",
            comments=26,
            top_level=26,
            facts={
                "1": {"author": "liz", "text_start": "Easy trick. Get rid of the store-bought wipes"},
                "2": {"author": "oly", "published": "2005-05-29T22:46:00"},
            },
        ),
        Case(
            "corpus2/pages/blog.wired.com_autopia_2008-01_tata-nano.html",
            comments=46,
            top_level=46,
            facts={"1": {"author": "Sean", "published": "2008-01-10T16:49:00"}},
        ),
        Case(
            "corpus2/pages/webinknow.com_2012-10_when-newsjacking-is-in-poor-form.html",
            comments=33,
            top_level=33,
            facts={"1": {"author": "Bob James", "text_start": "Slips like these tell you that true vulgarians"}},
        ),
        Case("corpus2/pages/webinknow.com_2012-09_entrenched-music-business-amanda-palmer.html", comments=41),
    )

    def recognise(self, page: Page) -> Extraction | None:
        if "typepad" not in page.html or not is_typepad(page):
            return None
        article, body = mt_article(page, strip_posted=False)
        return Extraction(platform=self.name, article=article, body=body, comments=footer_comments(page))
