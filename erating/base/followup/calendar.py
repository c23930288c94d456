"""Working days of a premise's state, for service-level deadlines.

Kedah, Kelantan and Terengganu rest on Friday and Saturday; the other states on Saturday and
Sunday. Public holidays (federal and state, with their replacement days) come from the
`holidays` library, whose Malaysian subdivisions take the same state codes as Premise.state.
A deadline of N working days ends at the end of the Nth working day after the day opened, in
Malaysian time: a case opened on a Friday evening in Selangor is due to be acknowledged by the
end of Monday; in Kelantan, Friday is already the weekend and the deadline is the end of Sunday.
"""
import datetime
import functools
from zoneinfo import ZoneInfo

import holidays

MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")
FRI_SAT_STATES = {"KDH", "KTN", "TRG"}
FRI, SAT, SUN = 4, 5, 6


def weekend(state):
    return (FRI, SAT) if state in FRI_SAT_STATES else (SAT, SUN)


@functools.lru_cache(maxsize=64)
def _holidays(state, year):
    try:
        return holidays.Malaysia(subdiv=state, years=year)
    except NotImplementedError:  # an unknown code: federal holidays only
        return holidays.Malaysia(years=year)


def holiday_name(state, day):
    return _holidays(state, day.year).get(day)


def is_working_day(state, day):
    return day.weekday() not in weekend(state) and holiday_name(state, day) is None


def add_working_days(state, start, days):
    """The end (23:59:59.999999 Malaysian time, as an aware datetime) of the `days`-th working day
    after the day of `start` (an aware datetime). With days=0: the end of start's day if that is a
    working day, otherwise of the next one."""
    day = start.astimezone(MALAYSIA).date()
    if days <= 0:
        while not is_working_day(state, day):
            day += datetime.timedelta(days=1)
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(state, day):
            counted += 1
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=MALAYSIA)


def is_open(premise, moment):
    """Within the premise's opening hours on a working day of its state."""
    local = moment.astimezone(MALAYSIA)
    return is_working_day(premise.state, local.date()) and premise.opens_at <= local.time() < premise.closes_at
