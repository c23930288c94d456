"""A report's own options, each declared once with its validation: the registry lists which
options a report takes, `run.prepare` parses them (a clear error in the active language), and the
report reads the parsed value from `ctx.options`. An option may also narrow the period (the
by-month report covers the chosen period within the year it prints)."""
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Option:
    name: str
    parse: Callable  # (data, criteria) -> value; raises ValidationError({name: message})
    narrow: Callable | None = None  # (criteria, value) -> criteria the report really covers


def _year(data, criteria):
    value = data.get("year") or criteria.start.year
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year such as 2026.")}) from None
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Enter a year between 2000 and next year.")})
    return year


def _within_year(criteria, year):
    """The chosen period within the chosen year; a year outside the period means that whole year."""
    start, end = max(criteria.start, date(year, 1, 1)), min(criteria.end, date(year, 12, 31))
    if start > end:
        start, end = date(year, 1, 1), date(year, 12, 31)
    return replace(criteria, start=start, end=end)


def _levels(data, criteria):
    raw = data.getlist("levels") if hasattr(data, "getlist") else data.get("levels") or []
    if isinstance(raw, (str, int)):
        raw = [raw]
    levels = []
    for value in raw:
        if str(value) not in ("1", "2", "3", "4"):
            raise ValidationError({"levels": _("Choose scores from 1 to 4.")})
        levels.append(int(value))
    return sorted(set(levels))  # none chosen: each agency's low-score threshold (detail.low_ratings)


def _flag(name):
    return lambda data, criteria: str(data.get(name, "")) in ("1", "on", "true", "True")


_split = _flag("split")


YEAR = Option("year", _year, _within_year)
LEVELS = Option("levels", _levels)
SPLIT = Option("split", _split)  # every report: an XLSX sheet too long continues on another
# The summary's rising phrases read comments themselves (a sample of the latest), not the
# aggregates: asked for, not paid by every summary.
PHRASES = Option("phrases", _flag("phrases"))
COMMON = (SPLIT,)
