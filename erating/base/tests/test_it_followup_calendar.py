"""Deadline arithmetic in working days of a Malaysian state."""
import datetime

import pytest

from erating.base.followup.calendar import MALAYSIA, add_working_days, holiday_name, is_working_day, weekend


def at(y, m, d, h=0, mi=0):
    return datetime.datetime(y, m, d, h, mi, tzinfo=MALAYSIA)


def test_it_knows_the_state_weekends():
    friday, sunday = datetime.date(2026, 12, 4), datetime.date(2026, 12, 6)
    assert friday.weekday() == 4 and sunday.weekday() == 6
    for state in ("KDH", "KTN", "TRG"):
        assert weekend(state) == (4, 5)
        assert not is_working_day(state, friday) and is_working_day(state, sunday)
    for state in ("SGR", "PJY", "JHR", "KUL"):
        assert is_working_day(state, friday) and not is_working_day(state, sunday)


def test_it_counts_a_friday_evening_case_in_kelantan_and_in_selangor():
    friday_evening = at(2026, 12, 4, 19, 30)
    # Kelantan: Friday and Saturday are the weekend, Sunday is the first working day.
    assert add_working_days("KTN", friday_evening, 1).date() == datetime.date(2026, 12, 6)
    # Selangor: Saturday and Sunday off, the deadline is the end of Monday.
    assert add_working_days("SGR", friday_evening, 1).date() == datetime.date(2026, 12, 7)
    due = add_working_days("SGR", friday_evening, 1)
    assert (due.hour, due.minute) == (23, 59) and due.utcoffset() == datetime.timedelta(hours=8)


def test_it_skips_state_holidays_only_in_their_state():
    # The Sultan of Kelantan's birthday holidays (29–30 Sep 2026) are Kelantan's alone.
    assert holiday_name("KTN", datetime.date(2026, 9, 29))
    assert holiday_name("SGR", datetime.date(2026, 9, 29)) is None
    monday = at(2026, 9, 28, 10)  # Monday; Tue 29 and Wed 30 are holidays in Kelantan only
    assert add_working_days("KTN", monday, 1).date() == datetime.date(2026, 10, 1)
    assert add_working_days("SGR", monday, 1).date() == datetime.date(2026, 9, 29)


def test_it_skips_national_holidays_and_the_weekend_for_fifteen_days():
    # Opened Monday 24 Aug 2026 in Selangor. 25 Aug (Prophet's birthday), 31 Aug (National
    # Day) and 16 Sep (Malaysia Day) are holidays: 15 working days end on Thu 17 Sep.
    start = at(2026, 8, 24, 9)
    due = add_working_days("SGR", start, 15).date()
    days, day = 0, start.date()
    while day < due:  # an independent count of the working days in between
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in (datetime.date(2026, 8, 25), datetime.date(2026, 8, 31),
                                                  datetime.date(2026, 9, 16)):
            days += 1
    assert days == 15 and due == datetime.date(2026, 9, 17)


@pytest.mark.parametrize("state", ["KTN", "SGR", "TRG", "SBH"])
def test_it_always_ends_on_a_working_day_after_the_start(state):
    start = at(2026, 3, 18, 16)  # just before Hari Raya Puasa
    for days in range(20):
        due = add_working_days(state, start, days)
        assert is_working_day(state, due.date())
        assert due.date() >= start.date()
