"""The taxonomy in force for an agency: the national themes (Theme) plus the agency's own phrases
(AgencyThemePhrases), compiled once per process and rebuilt when either changes."""
from django.db.models import Count, Max
from django_scopes import scopes_disabled

from erating.base.models import AgencyThemePhrases, Theme
from erating.base.themes.matcher import Matcher

_matchers = {}  # agency id -> (version, built): per process, checked against the database per batch


def _version(agency_id):
    with scopes_disabled():
        national = Theme.objects.aggregate(at=Max("updated_at"), n=Count("id"))
        own = AgencyThemePhrases.objects.filter(agency_id=agency_id).aggregate(at=Max("updated_at"), n=Count("id"))
    return (national["at"], national["n"], own["at"], own["n"])


def matcher_for(agency_id):
    """-> (Matcher, {code: theme id}) for the agency's comments."""
    version = _version(agency_id)
    cached = _matchers.get(agency_id)
    if cached and cached[0] == version:
        return cached[1]
    with scopes_disabled():
        themes = list(Theme.objects.filter(active=True))
        extra = {p.theme_id: p.phrases for p in AgencyThemePhrases.objects.filter(agency_id=agency_id)}
    entries = []
    for theme in themes:
        phrases = {lang: list(items) for lang, items in (theme.phrases or {}).items()}
        for lang, items in (extra.get(theme.id) or {}).items():
            phrases.setdefault(lang, []).extend(items)
        entries.append((theme.code, phrases))
    built = (Matcher(entries), {t.code: t.id for t in themes})
    _matchers[agency_id] = (version, built)
    return built
