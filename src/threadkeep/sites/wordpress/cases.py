"""The WordPress site's own cases: saved pages and the facts each must yield (MANIFEST shapes of
../shared/corpus/, shapes and facts from the gold files of ../shared/corpus2/)."""

from __future__ import annotations

from threadkeep.sites.base import Case

CASES = (
    *tuple(  # shapes from ../shared/corpus/MANIFEST.tsv
        Case(f"corpus/{page}", comments=n, top_level=top, max_depth=depth)
        for page, n, top, depth in (
            ("wordpress/killsixbilliondemons.com_king-of-swords-10-141.html", 217, 86, 10),
            ("wordpress/foxyfolksy.com_chocolate-buttercream.html", 80, 39, 4),
            ("wordpress/moritz-meyer.net_vreni-frost-abmahnung.html", 36, 27, 4),
            ("wordpress/gormulus.wordpress.com_2012-12_durfen.html", 45, 20, 3),
            ("wordpress/zulang.wordpress.com_2015-12_genitalverstuemmelung.html", 6, 2, 4),
            ("wordpress/businessjargons.com_leadership-styles.html", 9, 6, 4),
            ("wordpress/pewresearch.org_2014-11_fact-tank-mexico.html", 24, 16, 3),
            ("wordpress/framablog.org_2017-12_avancer-ensemble.html", 8, 5, 3),
            ("wordpress/jacobbrazeal.wordpress.com_2020-11_learning-chess.html", 25, 13, 3),
            ("wordpress/thechrisellefactor.com_2016-01_productive-apps.html", 48, 27, 2),
            ("wordpress/geekonomics10000.com_988_weigang-wan.html", 13, 11, 2),
            ("wordpress/lemire.me_2019-08_json-parsing-simdjson.html", 5, 3, 2),
            ("dragnet/R55_blogohblog.com_breathtaking-movies.html", 45, 40, 2),
        )
    ),
    *(  # Disqus's server-rendered list inside a WordPress page (read through the registry's embed hook)
        Case(
            "corpus2/pages/mashable.com_2010-08_how-not-to-ask-someone-out-online.html",
            comments=12,
            top_level=12,
            facts={"1": {"author": "Harry Ward", "text_start": "Seriously? You're just promoting"}},
        ),
        Case(
            "corpus2/pages/techcrunch.com_2010-08_gantto-project-management.html",
            comments=20,
            top_level=20,
            facts={"1": {"author": "raj", "text_start": "holy cow!"}},
        ),
    ),
    *tuple(  # the layouts of the family, shapes and facts from ../shared/corpus2/ (MANIFEST, gold)
        Case(page, comments=n, top_level=top, max_depth=depth, facts=facts)
        for page, n, top, depth, facts in (
            (
                "corpus2/pages/crookedtimber.org_2012-11_climatic-case-for-obama.html",
                53,
                53,
                1,
                {
                    "1": {
                        "author": "Tim Worstall",
                        "text_start": "“I would vote for",
                        "published": "2012-11-06T11:06:00",
                    },
                    "53": {
                        "author": "Martin Bento",
                        "text_start": "The difference is",
                        "published": "2012-11-07T00:32:00",
                    },
                },
            ),
            (
                "corpus2/pages/home-ec101.com_2012-10_lets-make-soup-this-fall-and-winter.html",
                20,
                17,
                2,
                {
                    "1": {
                        "author": "Melinda",
                        "text_start": "I really need to",
                        "published": "2012-10-22T13:57:00",
                    },
                    "1.1": {
                        "author": "Heather Solos",
                        "text_start": "In your case, I’d",
                        "published": "2012-10-22T14:03:00",
                    },
                    "17": {
                        "author": "Jennifer",
                        "text_start": "Awesome. I make Mustgo",
                        "published": "2012-10-27T22:42:00",
                    },
                },
            ),
            (
                "corpus2/pages/hearya.com_2006-12_hit-paraders-top-100-metal-vocalists.html",
                38,
                38,
                1,
                {
                    "1": {
                        "author": "Armanox",
                        "text_start": "Really, no Shagrath? Mustaine",
                        "published": "2015-06-28T22:25:00",
                    },
                    "38": {
                        "author": "Gnrforever",
                        "text_start": "How the f you",
                        "published": "2018-09-25T01:34:00",
                    },
                },
            ),
            (
                "corpus2/pages/tichyseinblick.de_2019-10_no-peace-for-our-time-pence-syrien-tuerkei.html",
                18,
                10,
                3,
                {
                    "1": {"author": "Nibelung", "text_start": "Gewisse Ähnlichkeiten zwischen 1938"},
                    "6.1": {"author": "Bummi", "text_start": "Haben Sie sich mal"},
                    "10.2": {"author": "H. Priess", "text_start": "Richtig, Putin wird es"},
                },
            ),
            (
                "corpus2/pages/oekonomenstimme.org_2015-01_keynes-hicks-multiplikator.html",
                32,
                29,
                2,
                {
                    "1": {
                        "author": "berg2012",
                        "text_start": "Ich hätte eine andere",
                        "published": "2015-01-21T19:04:00",
                    },
                    "3.1": {
                        "author": "wScherf",
                        "text_start": "Auch eine kurze Antwort",
                        "published": "2015-01-21T21:36:00",
                    },
                    "29": {
                        "author": "GeorgQuaas",
                        "text_start": "Ergänzungen und Präzisierungen zu",
                        "published": "2015-05-26T17:23:00",
                    },
                },
            ),
            (
                "corpus2/pages/glosslip.com_2008-01_jessica-sierra-rehab.html",
                7,
                7,
                1,
                {
                    "1": {
                        "author": "D-Bomb",
                        "text_start": "could always be worse….she",
                        "published": "2008-01-07T20:21:00",
                    },
                    "7": {
                        "author": "Blythe Kango",
                        "text_start": "This actually sounds like",
                        "published": "2008-01-08T01:36:00",
                    },
                },
            ),
            (
                "corpus2/pages/gizmodo.com.au_2010-08_xbox-kinect-fight-club.html",
                3,
                3,
                1,
                {
                    "1": {
                        "author": "Insp. Dent",
                        "text_start": "His name was Robert",
                        "published": "2010-08-19T12:42:00",
                    },
                    "3": {
                        "author": "olearymo",
                        "text_start": "Stephen, you have just",
                        "published": "2010-08-20T09:10:00",
                    },
                },
            ),
            (
                "corpus2/pages/wptavern.com_2017-03_stack-overflow-jobs-reactjs.html",
                13,
                4,
                4,
                {
                    "1": {
                        "author": "Sallie Goetsch (rhymes with sketch)",
                        "text_start": "If there were really",
                        "published": "2017-03-10T00:20:00",
                    },
                    "2.1": {
                        "author": "Barry Kooij",
                        "text_start": "I feel like you’re",
                        "published": "2017-03-10T02:56:00",
                    },
                    "4.1.1.1": {
                        "author": "Sallie Goetsch (rhymes with sketch)",
                        "text_start": "Were you volunteering to",
                        "published": "2017-03-10T23:43:00",
                    },
                },
            ),
            ("corpus2/pages/NEGATIVE_surgezirc.co.uk_storm-ciaran.html", 0, 0, 0, {}),
            ("corpus2/pages/NEGATIVE_kentnews.online_thanet-drug-dealers.html", 0, 0, 0, {}),
        )
    ),
)
