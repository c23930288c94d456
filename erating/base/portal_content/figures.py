"""The portal's live figures and public results: aggregate numbers only, computed at most once per
cache period (never a scan of the ratings table per visit).

public_results() is the one entry point for the results page. Both read the figures engine
(erating.base.analysis.figures) over the aggregate tables, with its definitions (measures.py: the
satisfaction index is the exact share of scores 4–5; the page rounds it half up, numbers.py);
analysis.disclosure decides which units may be published."""
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import criteria as cr
from erating.base.analysis import disclosure
from erating.base.analysis import figures as engine
from erating.base.models import Agency, Premise

FIGURES_KEY = "portal:figures:v1"
RESULTS_KEY = "portal:results:v1"


def cache_seconds():
    return getattr(settings, "PORTAL_CACHE_SECONDS", 300)


def minimum_ratings():
    """Below this many ratings a ministry or agency is not shown on its own (too few to be fair)."""
    return getattr(settings, "PUBLIC_RESULTS_MIN_RATINGS", 30)


def clock():
    """Now; tests hold it still to count a period's edges."""
    return timezone.now()


def year_start(now=None):
    now = timezone.localtime(now or clock())
    return now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def month_start(now=None):
    now = timezone.localtime(now or clock())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _active_agency_ids():
    return list(Agency.objects.filter(status=Agency.ACTIVE).values_list("id", flat=True))


def compute_figures(now=None):
    with scopes_disabled():
        media = dict(Premise.objects.filter(active=True, agency__status=Agency.ACTIVE).order_by()
                     .values_list("medium").annotate(n=Count("id")).values_list("medium", "n"))
        taking_part = (Premise.objects.filter(active=True, agency__status=Agency.ACTIVE)
                       .order_by().values("agency_id").distinct().count())
        agencies = {a.id: a for a in Agency.objects.filter(status=Agency.ACTIVE).select_related("ministry")}
    # The year's count is the results page's national line: published under the same rule, or not at all
    # (a national count beside the listed ministries would give a withheld one away by subtraction).
    year = _period(_per_agency(year_start(now), now), agencies, minimum_ratings())
    year_ratings = year["total"] if year["published"] else None
    return {"tablet": media.get(Premise.TABLET, 0), "qr": media.get(Premise.QR, 0),
            "both": media.get(Premise.BOTH, 0), "agencies": taking_part, "ratings_year": year_ratings,
            "year": timezone.localtime(now or clock()).year}


def live_figures():
    return cache.get_or_set(FIGURES_KEY, compute_figures, cache_seconds())


def _per_agency(since, now=None):
    """{agency id: Counts} of the unflagged ratings of active agencies from `since` (the first of a
    month, Malaysia time) until today, from the figures engine (which folds the pending ratings)."""
    today = timezone.localtime(now or clock()).date()
    c = cr.public(timezone.localtime(since).date(), today)
    with scopes_disabled():
        active = set(_active_agency_ids())
        per = engine.counts(c, ["agency_id"])
    return {agency_id: k for (agency_id,), k in per.items() if agency_id in active and k.total}


def _unit(counts):
    """The figures of one published unit: exact; the page rounds them (numbers, half up)."""
    return {"total": counts.total, "satisfied": counts.satisfied, "csat": counts.csat}


def _period(counts, agencies, minimum):
    """National line, ministries and named agencies for one period; units under the minimum and
    agencies that opted out are folded into their parent's totals but not listed, and no published
    figure gives one of them away by subtraction (disclosure.complementary, at both levels)."""
    ministries = {}
    for agency_id, k in counts.items():
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        m = ministries.setdefault(agency.ministry_id, {"ministry": agency.ministry, "counts": engine.Counts(),
                                                        "agencies": [], "unnamed": 0, "members": {}})
        m["counts"] += k
        m["members"][agency_id] = (agency, k)
    for m in ministries.values():
        named = {pk for pk, (agency, k) in m["members"].items() if k.total >= minimum and agency.public_results_named}
        shown, m["published"] = disclosure.complementary({pk: k.total for pk, (_a, k) in m["members"].items()}, named)
        for pk, (agency, k) in m.pop("members").items():
            if pk in shown:
                m["agencies"].append({"name_ms": agency.name_ms, "name_en": agency.name_en, "code": agency.code,
                                      **_unit(k)})
            else:
                m["unnamed"] += 1
    whole = engine.Counts()
    for m in ministries.values():
        whole += m["counts"]
    listed, national = disclosure.complementary(
        {pk: m["counts"].total for pk, m in ministries.items()},
        {pk for pk, m in ministries.items() if m["counts"].total >= minimum and m["published"]})
    shown = []
    for pk, m in ministries.items():
        if pk not in listed:
            continue
        m.update(_unit(m.pop("counts")))
        m["agencies"].sort(key=lambda a: (-a["csat"], a["name_ms"]))
        ministry = m.pop("ministry")
        m.update(name_ms=ministry.name_ms, name_en=ministry.name_en, code=ministry.code)
        shown.append(m)
    shown.sort(key=lambda m: (-m["csat"], m["name_ms"]))
    published = whole.total >= minimum and national
    return {"total": whole.total, "satisfied": whole.satisfied, "csat": whole.csat if published else None,
            "published": published, "ministries": shown, "hidden_ministries": len(ministries) - len(shown)}


def compute_results(now=None):
    minimum = minimum_ratings()
    with scopes_disabled():
        agencies = {a.id: a for a in Agency.objects.filter(status=Agency.ACTIVE).select_related("ministry")}
    return {"minimum": minimum, "year": timezone.localtime(now or clock()).year,
            "month": month_start(now).date(),
            "this_month": _period(_per_agency(month_start(now), now), agencies, minimum),
            "this_year": _period(_per_agency(year_start(now), now), agencies, minimum)}


def public_results():
    return cache.get_or_set(RESULTS_KEY, compute_results, cache_seconds())


def forget():
    """After an agency changes its opt-out the next visit recomputes."""
    cache.delete_many([FIGURES_KEY, RESULTS_KEY])

