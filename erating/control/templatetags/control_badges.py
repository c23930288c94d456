"""Counts shown beside menu entries, so work waiting for someone is seen without looking for it."""
from django import template

from erating.base.catalogue import onboarding

register = template.Library()


@register.simple_tag
def pending_applications():
    return onboarding.pending_count()
