"""The one date reader: every date a site reads goes through here.

- `parse_date`: a machine-readable date (ISO 8601, RFC 2822, an attribute's `datetime`), with
  dateutil behind the ISO fast path; offsets kept as given, naive dates stay naive.
- `displayed_date`: a date as a page shows it beside a comment ("19. Juni 2018 um 15:28 Uhr",
  "May 8, 2020, 10:31 pm", "八月 26, 2016 - 3:57 下午"): fast patterns for the common shapes in
  the languages blogs are written in, and dateparser behind them for the long tail.
- `find_date`: the first absolute date written anywhere in a piece of free text.

A relative date ("3 months ago", "yesterday") is never turned into an instant: it has no fixed
meaning once the page is saved. A date without a day, a month and a year is not read.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from functools import lru_cache

from threadkeep.html.text import squash


def parse_date(value: str | None, *, default_tz=None) -> str | None:
    """An ISO 8601 string for a date written any common way; None when it cannot be read.

    Offsets are kept as given; a naive date stays naive (no offset invented) unless default_tz.
    """
    if not value:
        return None
    value = squash(value)
    if not value:
        return None
    from dateutil import parser as dparser

    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = dparser.parse(value, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None
    if dt.tzinfo is None and default_tz is not None:
        dt = dt.replace(tzinfo=default_tz)
    return dt.isoformat()


_FOREIGN_MONTHS = {
    # German, French, Spanish, Italian, Dutch, Portuguese month names -> English
    "januar": "January",
    "jänner": "January",
    "janvier": "January",
    "enero": "January",
    "gennaio": "January",
    "januari": "January",
    "janeiro": "January",
    "februar": "February",
    "février": "February",
    "fevrier": "February",
    "febrero": "February",
    "febbraio": "February",
    "februari": "February",
    "fevereiro": "February",
    "märz": "March",
    "maerz": "March",
    "mars": "March",
    "marzo": "March",
    "maart": "March",
    "março": "March",
    "avril": "April",
    "abril": "April",
    "aprile": "April",
    "mai": "May",
    "mayo": "May",
    "maggio": "May",
    "mei": "May",
    "maio": "May",
    "juni": "June",
    "juin": "June",
    "junio": "June",
    "giugno": "June",
    "junho": "June",
    "juli": "July",
    "juillet": "July",
    "julio": "July",
    "luglio": "July",
    "julho": "July",
    "august": "August",
    "août": "August",
    "aout": "August",
    "agosto": "August",
    "augustus": "August",
    "september": "September",
    "septembre": "September",
    "septiembre": "September",
    "settembre": "September",
    "setembro": "September",
    "oktober": "October",
    "octobre": "October",
    "octubre": "October",
    "ottobre": "October",
    "outubro": "October",
    "november": "November",
    "novembre": "November",
    "noviembre": "November",
    "novembro": "November",
    "dezember": "December",
    "décembre": "December",
    "decembre": "December",
    "diciembre": "December",
    "dicembre": "December",
    "december": "December",
    "dezembro": "December",
}
_CJK_MONTHS = ["十二月", "十一月", "十月", "九月", "八月", "七月", "六月", "五月", "四月", "三月", "二月", "一月"]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH_NO = {n.lower()[:3]: i for i, n in enumerate(_EN_MONTHS, 1)}
_LETTERS = re.compile(r"[^\W\d_]+")  # a word, which _month_word turns into English when it is a month


def _month_word(m: re.Match) -> str:
    word = m.group(0)
    return _FOREIGN_MONTHS.get(word.lower(), word)


_MONTH_RE = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIME_RE = (
    r"(?:\s*(?:,|at|um|à|a las|alle|om|às|-|—|–|@)?\s*"
    r"(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_DATE_PATTERNS = [
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+" + _MONTH_RE + r",?\s+(?P<year>\d{4})" + _TIME_RE, re.I),
    re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME_RE, re.I),
    re.compile(r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME_RE, re.I),
]
# 07/04/2013, 21.01.2015, 11.06.12: which number is the day depends on the page (see _numeric)
_NUMERIC = re.compile(
    r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/-]|\.\d)" + _TIME_RE,
    re.I,
)
# languages whose pages write the month first in numeric dates (US English)
MONTH_FIRST_LANGUAGES = ("en",)


def numeric_order(texts) -> str | None:
    """ "dmy" or "mdy", when a page's numeric dates show it (a first number over 12 is a day,
    so is a second one); None when they do not say."""
    first = second = False
    for text in texts:
        for m in _NUMERIC.finditer(text or ""):
            a, b = int(m.group("a")), int(m.group("b"))
            first = first or (a > 12 >= b)
            second = second or (b > 12 >= a)
    if first != second:
        return "dmy" if first else "mdy"
    return None


def _numeric(text: str, languages: tuple[str, ...] | None, order: str | None) -> str | None:
    m = _NUMERIC.search(text)
    if not m:
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    if order not in ("dmy", "mdy"):
        if a > 12:
            order = "dmy"
        elif b > 12:
            order = "mdy"
        else:
            order = "mdy" if languages and languages[0] in MONTH_FIRST_LANGUAGES else "dmy"
    day, month = (a, b) if order == "dmy" else (b, a)
    year = int(m.group("year"))
    if year < 100:
        year += 2000 if year < 70 else 1900
    hour, minute = int(m.group("hour") or 0), int(m.group("minute") or 0)
    ampm = (m.group("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        dt = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return dt.isoformat() if m.group("hour") else dt.date().isoformat()


def displayed_date(
    text: str | None, *, languages: tuple[str, ...] | None = None, order: str | None = None
) -> str | None:
    """An ISO date for a date as a comment shows it ("19. Juni 2018 um 15:28 Uhr", "May 8, 2020,
    10:31 pm", "八月 26, 2016 - 3:57 下午"); None unless a day, a month and a year are all there.

    Numeric dates (07/04/2013, 11.06.12) are read in `order` ("dmy" or "mdy": what the page's
    other dates show, `numeric_order`); without it a number over 12 decides, else the language:
    month first in US English pages, day first elsewhere.

    The shapes pages use most are read by the patterns below; what they miss goes to dateparser
    (the long tail of languages and orders), in the page's languages when known."""
    if not text:
        return None
    original = text
    if not text.isascii():  # the CJK names and 下午/上午 are not ASCII
        for i, cjk in enumerate(_CJK_MONTHS):
            text = text.replace(cjk, _EN_MONTHS[11 - i] + " ")
        text = text.replace("下午", " pm").replace("上午", " am")
    text = _LETTERS.sub(_month_word, text)
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groupdict()
        if g.get("month"):
            month = _MONTH_NO.get(g["month"].lower()[:3])
            if month is None:  # not an English month's first three letters after all (re.I is wider than lower())
                month = next(i for i, n in enumerate(_EN_MONTHS, 1) if n.lower().startswith(g["month"].lower()[:3]))
        else:
            month = int(g["mon"])
        hour, minute = int(g["hour"] or 0), int(g["minute"] or 0)
        ampm = (g.get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            dt = datetime(int(g["year"]), month, int(g["day"]), hour, minute)
        except ValueError:
            continue
        return dt.isoformat() if g["hour"] else dt.date().isoformat()
    numeric = _numeric(text, languages, order)
    if numeric:
        return numeric
    return _long_tail(original, languages)


_MONTH_NAMES_RE = (
    r"jan(?:uary|uar)?|feb(?:ruary|ruar)?|m(?:ar|är)(?:ch|z)?|apr(?:il)?|ma[iy]|june?|juni|july?|juli|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?"
)
_TIME = r"(?:,?\s*(?:at|um|-|@)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?"
DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}{_TIME}"
    rf"|(?:{_MONTH_NAMES_RE})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}{_TIME}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:{_MONTH_NAMES_RE})\.?,?\s+\d{{4}}{_TIME}",
    re.IGNORECASE,
)
RELATIVE_TIME_RE = re.compile(
    r"(?:\b\d+\s*|\b(?:an?|one)\s+)(?:sec|second|min|minute|hr|hour|day|week|month|year|yr)s?\.?\s+ago\b"
    r"|\b(?:today|yesterday|heute|gestern)\b",
    re.IGNORECASE,
)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?:,?\s*(\d{1,2}):(\d{2}))?")


def find_date(text: str | None) -> str | None:
    """An ISO date for the first absolute date written in text (dotted dates are day first)."""
    if not text:
        return None
    m = DATE_RE.search(text)
    if not m:
        return None
    found = m.group(0)
    dotted = _DOTTED.fullmatch(found.strip())
    if dotted:
        day, month, year, hour, minute = dotted.groups()
        year_n = int(year) + (2000 if len(year) == 2 else 0)
        try:
            from datetime import datetime

            dt = datetime(year_n, int(month), int(day), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
        return dt.isoformat() if hour else dt.date().isoformat()
    quick = _quick_date(found)
    if quick:
        return quick
    found = re.sub(r"\s(?:at|um|@)\s", " ", found)
    return parse_date(found)


_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january", "januar"),
            ("feb", "february", "februar"),
            ("mar", "march", "mär", "märz", "marz"),
            ("apr", "april"),
            ("may", "mai"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "okt", "october", "oktober"),
            ("nov", "november"),
            ("dec", "dez", "december", "dezember"),
        ),
        start=1,
    )
    for name in names
}
_WORDY = re.compile(
    r"(?:(?P<m1>[a-zä]+)\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m2>[a-zä]+)\.?,?)"
    r"\s+(?P<y>\d{4})(?:,?\s*(?:at|um|-|@)?\s*(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?:(?P<ap>[ap])m)?)?",
    re.IGNORECASE,
)


def _quick_date(found: str) -> str | None:
    """Dates written with a month name, read without dateutil (it is slow on every comment)."""
    from datetime import datetime

    m = _WORDY.fullmatch(found.strip().rstrip(".").replace(".m", "m").replace("m.", "m"))
    if not m:
        return None
    month = _MONTH_NUMBER.get((m.group("m1") or m.group("m2") or "").lower())
    if not month:
        return None
    hour = int(m.group("h") or 0)
    ap = (m.group("ap") or "").lower()
    if ap == "p" and hour < 12:
        hour += 12
    elif ap == "a" and hour == 12:
        hour = 0
    try:
        dt = datetime(
            int(m.group("y")),
            month,
            int(m.group("d1") or m.group("d2")),
            hour,
            int(m.group("mi") or 0),
            int(m.group("s") or 0),
        )
    except ValueError:
        return None
    return dt.isoformat() if m.group("h") else dt.date().isoformat()


# ---------------------------------------------------------------------- the long tail: dateparser

_YEAR = re.compile(r"(?<!\d)(?:19[7-9]\d|20[0-4]\d)(?!\d)|\d年")
_CLOCK = re.compile(r"\d{1,2}\s*[:h.]\s*\d{2}|\d{1,2}\s*[ap]\.?m\b|時|点|시", re.IGNORECASE)
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}
_parsers_lock = threading.Lock()


def _long_tail(text: str, languages: tuple[str, ...] | None) -> str | None:
    """dateparser's reading of a displayed date the fast patterns did not read; only for short
    texts that name a year (an author line or a relative date never reaches it)."""
    text = squash(text)
    if len(text) > 80 or not _YEAR.search(text) or RELATIVE_TIME_RE.search(text):
        return None
    return _dateparser_read(text, languages)


@lru_cache(maxsize=8192)
def _dateparser_read(text: str, languages: tuple[str, ...] | None) -> str | None:
    with _parsers_lock:
        try:
            data = _parser(languages).get_date_data(text)
        except (ValueError, OverflowError, TypeError, AttributeError):
            return None
    dt = data.date_obj if data is not None else None
    if dt is None or not 1970 <= dt.year <= 2049:
        return None
    return dt.replace(second=0, microsecond=0).isoformat() if _CLOCK.search(text) else dt.date().isoformat()


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...] | None):
    from dateparser.date import DateDataParser

    try:
        return DateDataParser(languages=list(languages) if languages else None, settings=_DATEPARSER_SETTINGS)
    except ValueError:  # a language dateparser does not know: let it detect
        return DateDataParser(settings=_DATEPARSER_SETTINGS)
