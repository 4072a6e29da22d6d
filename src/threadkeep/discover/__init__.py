"""Whole blogs: every post's URL, and what changed since a run.

    from threadkeep.discover.engine import discover_blog
    listing = discover_blog(fetcher, "https://blog.example/", options)   # Listing: posts newest first

The parts:

- `model.py`: a `Post` (url, title, published, comments), a `Listing`, the `Changes` a blog
  reports since a time, and `BlogSource`, what a site hands back for a blog it recognises: pages
  of posts, newest first, and (where the platform can say) the comments that changed since then;
- `feeds.py`: RSS and Atom feeds (feedparser): posts with their comment counts (`slash:comments`,
  `thr:total`), Atom paging (`rel="next"`), comment feeds;
- `sitemaps.py`: sitemaps and sitemap indexes (ultimate-sitemap-parser reads the bytes threadkeep's
  own fetcher got; sub-sitemaps are fetched here, politely, one by one);
- `engine.py`: the front page fetched, each site asked in registry order whether it knows the
  blog (Blogger, WordPress, then the generic feed and sitemap reader), the pages read to the end
  or, for a later run, until the known posts.

Every request goes through threadkeep's Fetcher: robots.txt, the delay, retries, the deadline.
This package's `__init__` imports nothing, so that sites may use the toolkit modules.
"""
