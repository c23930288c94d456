"""Numbers as people read them, in the page language: thousands grouped ("99,695"), one fixed
number of decimals per kind of figure (means "4.00" beside "4.16", never "4.0"), rounded half up
(erating.base.numbers: 79.75 → "79.8"). Used instead of USE_THOUSAND_SEPARATOR, which would also
group ids written into URLs and form values, and instead of floatformat.

    {% load numbers %} {{ total|num }} {{ mean|mean }} {{ csat|pct }}
"""
from django import template

from erating.base.numbers import EMPTY, MEAN_PLACES, PERCENT_PLACES, text

register = template.Library()
MEAN_DECIMALS = MEAN_PLACES
PERCENT_DECIMALS = PERCENT_PLACES
__all__ = ["EMPTY", "formatted", "mean", "num", "pct"]


def formatted(value, decimals):
    return text(value, decimals)


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
