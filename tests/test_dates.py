"""The one date reader: the fast patterns for the shapes pages use most, dateparser behind them
for the long tail, and never an instant for a relative date. Expected values read by eye."""

from __future__ import annotations

import pytest

from threadkeep.dates import displayed_date, find_date, numeric_order, parse_date


@pytest.mark.parametrize(
    ("shown", "iso"),
    [
        ("19. Juni 2018 um 15:28 Uhr", "2018-06-19T15:28:00"),
        ("May 8, 2020, 10:31 pm", "2020-05-08T22:31:00"),
        ("八月 26, 2016 - 3:57 下午", "2016-08-26T15:57:00"),
        ("2 décembre 2017", "2017-12-02"),
        ("14 listopada 2019 o 10:22", "2019-11-14T10:22:00"),
        ("12 de março de 2015 às 14:03", "2015-03-12T14:03:00"),
        ("28 июня 2015 г. в 22:25", "2015-06-28T22:25:00"),
        ("28 Haziran 2015", "2015-06-28"),
        ("2015年6月28日 22:25", "2015-06-28T22:25:00"),
    ],
)
def test_displayed_dates_in_the_languages_blogs_use(shown, iso):
    assert displayed_date(shown) == iso


@pytest.mark.parametrize("shown", ["3 months ago", "hace 3 meses", "yesterday", "gestern", "Armanox", "12:42 PM", ""])
def test_relative_dates_names_and_bare_times_are_not_read(shown):
    assert displayed_date(shown) is None


def test_the_page_language_decides_day_and_month_order():
    assert displayed_date("07/04/2013 à 17:29", languages=("fr",)) == "2013-04-07T17:29:00"
    assert displayed_date("07/04/2013 at 5:29 pm", languages=("en",)) == "2013-07-04T17:29:00"
    assert displayed_date("11.06.12 at 11:06 am", languages=("en",)) == "2012-11-06T11:06:00"
    assert displayed_date("21.01.2015, 19:04", languages=("en",)) == "2015-01-21T19:04:00"  # 21 is a day
    assert displayed_date("Jan 10, 2008 4:49:12 PM") == "2008-01-10T16:49:00"


def test_the_pages_other_dates_decide_the_order():
    assert numeric_order(["11.06.12", "11.26.12 at 3:00"]) == "mdy"
    assert numeric_order(["26/11/2012", "05/11/2012"]) == "dmy"
    assert numeric_order(["05/11/2012"]) is None
    assert displayed_date("05/11/2012", languages=("en",), order="dmy") == "2012-11-05"


def test_machine_dates_keep_their_offset_and_naive_stays_naive():
    assert parse_date("2016-09-05T06:00:00+01:00") == "2016-09-05T06:00:00+01:00"
    assert parse_date("2016-09-05 06:00") == "2016-09-05T06:00:00"
    assert find_date("Posted by Ann at 12.03.2011, 14:05") == "2011-03-12T14:05:00"
