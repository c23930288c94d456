"""Numbers as people read them, in the page language: thousands grouped ("99,695") and one fixed
number of decimals per kind of figure (means "4.00" beside "4.16", never "4.0"). Used instead of
USE_THOUSAND_SEPARATOR, which would also group ids written into URLs and form values.

    {% load numbers %} {{ total|num }} {{ mean|mean }} {{ csat|pct }}
"""
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()
EMPTY = "–"
MEAN_DECIMALS = 2  # scores 1–5: two decimals tell 4.16 from 4.2
PERCENT_DECIMALS = 1


def _number(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def formatted(value, decimals):
    number = _number(value)
    if number is None:
        return EMPTY if value in (None, "") else value
    return number_format(round(number, decimals), decimal_pos=decimals, force_grouping=True)


@register.filter
def num(value, decimals=0):
    """A count or amount: grouped, `decimals` places (default none)."""
    return formatted(value, int(decimals))


@register.filter
def mean(value):
    """A mean score: grouped, always two decimals."""
    return formatted(value, MEAN_DECIMALS)


@register.filter
def pct(value):
    """A percentage with its sign: one decimal ("85.0%")."""
    text = formatted(value, PERCENT_DECIMALS)
    return text if text == EMPTY else f"{text}%"
