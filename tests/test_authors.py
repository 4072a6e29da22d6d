"""Author lines as pages write them, and the name a reader sees (read by eye)."""

from __future__ import annotations

import pytest

from threadkeep.html.authors import clean_author


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Ramón dijo:", "Ramón"),
        ("Comment by Mirko Lange — 17.07, 2011 @ 1…", "Mirko Lange"),
        ("Herr Steffen Ecks28.04.2020, 10:27 Uhr", "Herr Steffen Ecks"),
        ("John Smith says:", "John Smith"),
        ("Jean-Pierre a écrit :", "Jean-Pierre"),
        ("Posted by: Mary at 3:09 PM", "Mary"),
        ("By Anna", "Anna"),
        ("Klaus schrieb:", "Klaus"),
        ("Marta napisała:", "Marta"),
        ("Armanox", "Armanox"),
        ("Dit is Dave", "Dit is Dave"),
        ("Anonymous", "Anonymous"),
        ("focus63 1 Hour ago", "focus63"),
        ("Klaus vor 3 Stunden", "Klaus"),
        ("Jean il y a 2 jours", "Jean"),
        ("geschrieben von berg2012 am 21. Jan. 2015, 19:04", "berg2012"),
        ("[ Jan ]", "Jan"),
        ("Mark Bower (@markbower)", "Mark Bower (@markbower)"),
        ("(Anna)", "Anna"),
    ],
)
def test_the_name_without_says_words_leads_and_dates(line, name):
    assert clean_author(line) == name


@pytest.mark.parametrize("line", ["", "2011-04-05", "   ", "12:30", "facebook", "Twitter", "[ antworten ]", "Reply"])
def test_nothing_name_like_is_none(line):
    assert clean_author(line) is None
