"""A commenter's name as a reader sees it: without the "says:" word, the "Posted by" lead, a
date glued on, a location or a badge. One place for every site and the generic finder.

    clean_author("Ramón dijo:")                                   -> "Ramón"
    clean_author("Comment by Mirko Lange — 17.07, 2011 @ 1…")     -> "Mirko Lange"
    clean_author("Herr Steffen Ecks28.04.2020, 10:27 Uhr")        -> "Herr Steffen Ecks"
"""

from __future__ import annotations

import re

# "X says:" and its kin in the languages blogs are written in (a word after the name).
SAYS_WORDS = (
    "says",
    "said",
    "wrote",
    "writes",
    "commented",
    "replied",
    "sagt",
    "sagte",
    "schrieb",
    "schreibt",
    "meint",
    "kommentierte",
    "dijo",
    "dice",
    "escribió",
    "escribio",
    "comentó",
    "a dit",
    "dit",
    "a écrit",
    "écrit",
    "scrive",
    "ha scritto",
    "ha detto",
    "dice:",
    "schreef",
    "zegt",
    "zei",
    "disse",
    "escreveu",
    "diz",
    "comentou",
    "skrev",
    "skriver",
    "sier",
    "siger",
    "säger",
    "napisał",
    "napisała",
    "pisze",
    "napsal",
    "napísal",
    "kirjoitti",
    "sanoo",
    "írta",
    "yazdı",
    "написал",
    "написала",
    "пишет",
    "говорит",
)
_SAYS = re.compile(
    r"\s*(?:\b(?:" + "|".join(re.escape(w) for w in sorted(SAYS_WORDS, key=len, reverse=True)) + r"))\s*[:.…]*\s*$",
    re.IGNORECASE,
)
# "Posted by", "Comment by", "By", "Von", "Por", "Par", "Di", "Door", "Av", "Przez" before the name.
_LEAD = re.compile(
    r"^\s*(?:(?:posted|written|comment(?:ed)?|submitted|reply|antwort|kommentar|commentaire|comentario|"
    r"geschrieben|verfasst|eingetragen|gepostet|écrit|publié|posté|escrito|publicado|scritto|pubblicato|"
    r"geschreven|geplaatst|skrevet|postet|napisany|napisane)\s+)?"
    r"(?:by|von|por|par|di|da|door|av|przez|от)\s*:?\s+",
    re.IGNORECASE,
)
# A date or time glued to the end of the name, with or without a separator.
_TRAILING_DATE = re.compile(
    r"\s*(?:[—–\-|,·@]|\b(?:on|at|am|um|le|el|il|op|à|às|a las|alle|om)\b)?\s*"
    r"(?:\d{1,4}[./-]\d{1,2}(?:[./-]\d{2,4})?|\d{1,2}\.\s*\w+\.?\s+\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|\d{1,2}:\d{2}).*$",
    re.IGNORECASE,
)


# "1 Hour ago", "vor 3 Stunden", "il y a 2 jours", "hace 3 meses" glued after the name
_TRAILING_RELATIVE = re.compile(
    r"\s*[—–\-|,·@]?\s*(?:about\s+|vor\s+|il y a\s+|hace\s+|há\s+)?(?:an?|one|\d+)\s+"
    r"(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|"
    r"sekunden?|minuten?|stunden?|tagen?|wochen?|monate?n?|jahren?|"
    r"secondes?|heures?|jours?|semaines?|mois|ans?|segundos?|minutos?|horas?|d[ií]as?|semanas?|meses|años?|anos?)"
    r"(?:\s+(?:ago|her|geleden|fa|temu|sedan|siden))?\s*$",
    re.IGNORECASE,
)
# what share widgets and profile links show where a name would be
NOT_NAMES = frozenset(
    [
        "facebook",
        "twitter",
        "linkedin",
        "pinterest",
        "reddit",
        "whatsapp",
        "telegram",
        "email",
        "e-mail",
        "mail",
        "print",
        "tumblr",
        "google",
        "google+",
        "share",
        "tweet",
        "pin",
        "like",
        "reply",
        "antworten",
        "répondre",
        "responder",
        "rispondi",
        "permalink",
        "link",
        "report",
        "flag",
        "edit",
        "delete",
        "quote",
        "login",
        "anmelden",
    ]
)


def _unwrap(name: str) -> str:
    """Without brackets around the whole ("[ Jan ]") or left unpaired at an end; a name's own
    "(@handle)" stays."""
    for left, right in ("[]", "()", "{}", "<>"):
        while name.startswith(left) and name.endswith(right):
            name = name[1:-1].strip()
        if name.endswith(right) and left not in name:
            name = name[:-1].rstrip()
        if name.startswith(left) and right not in name:
            name = name[1:].lstrip()
    return name.strip(" :,-—–|·@")


def clean_author(text: str | None) -> str | None:
    """The name in an author line; None when nothing name-like is left."""
    if not text:
        return None
    name = _unwrap(" ".join(text.split()))
    name = _LEAD.sub("", name)
    name = _TRAILING_RELATIVE.sub("", name)
    name = _TRAILING_DATE.sub("", name)
    name = _unwrap(_SAYS.sub("", name).strip(" :,-—–|·@"))
    if not name or len(name) > 80 or not re.search(r"[^\W\d_]", name) or name.casefold() in NOT_NAMES:
        return None
    return name
