"""One way to show a number: rounded HALF UP to the precision shown (79.75 → 79.8, 4.0796 → 4.08,
15/16 → 93.8 %), the same digits for the same figure on every page, chart, table, PDF, CSV and
e-mail. Figures are computed exact (analysis.measures); only showing them rounds, here.

Why not `floatformat` / `number_format` on a float: Django's number_format cuts the decimals of
a float's text (79.75 → "79.7"), and Python's round() works on the binary value and rounds half
to even (round(4.075, 2) == 4.07). Here the value goes through its shortest decimal text
(Decimal(repr(x)): 79.75, not 79.7499999…) and is quantized with ROUND_HALF_UP.

The API and XLSX keep exact values (XLSX with a display format of the same precision).

Distributions (shares of one whole: scores 5..1, channels) are shown with shares(): each share
rounded half up, then the largest-remainder method moves at most one last digit per share so
the shown shares add up to exactly 100.0 (never 99.9 or 100.1); a share of 0 stays 0.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

EMPTY = "–"
MEAN_PLACES = 2  # scores 1–5: two decimals tell 4.16 from 4.2
PERCENT_PLACES = 1


def exact(value):
    """A number as a Decimal of its shortest decimal text, or None (None, "", bools, text)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def half_up(value, places=0):
    """`value` rounded half up to `places` decimals, as a Decimal (None stays None)."""
    number = exact(value)
    if number is None or not number.is_finite():
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def chart_value(value, places):
    """The same rounded figure as a JSON number, for chart data (equal to the table's text)."""
    rounded = half_up(value, places)
    return None if rounded is None else (int(rounded) if places == 0 else float(rounded))


def text(value, places=0, *, grouping=True):
    """The figure as shown in the active language: rounded half up, grouped ("1,234.5"), a dash
    when there is none. Text that is not a number is returned as it is."""
    rounded = half_up(value, places)
    if rounded is None:
        return EMPTY if value is None or value == "" else value
    return number_format(rounded, decimal_pos=places, force_grouping=grouping)


def percent(part, whole):
    """The exact share of `part` in `whole` in percent (a float), None when there is no whole."""
    return 100.0 * part / whole if whole else None


def shares(counts, places=PERCENT_PLACES):
    """Shown percentages of a distribution (list of counts) that add up to 100 exactly: each
    rounded half up, then corrected by the largest remainder. [] → []; all zero → all None."""
    whole = sum(counts)
    if not whole:
        return [None] * len(counts)
    unit = Decimal(1).scaleb(-places)
    exacts = [Decimal(100) * Decimal(n) / Decimal(whole) for n in counts]
    shown = [e.quantize(unit, rounding=ROUND_HALF_UP) for e in exacts]
    steps = int(((Decimal(100) - sum(shown)) / unit).to_integral_value())
    if steps:
        # Too much shown: take a digit from the shares rounded up most; too little: give one to
        # those rounded down most. Ties go to the larger count, then the first listed.
        sign = 1 if steps > 0 else -1
        order = sorted(range(len(counts)), key=lambda i: (sign * (shown[i] - exacts[i]), -counts[i], i))
        order = [i for i in order if counts[i]]
        for i in order[:abs(steps)]:
            shown[i] += unit if steps > 0 else -unit
    return shown
