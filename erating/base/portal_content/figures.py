"""The portal's live figures and public results: aggregate numbers only, computed at most once per
cache period (never a scan of the ratings table per visit).

public_results() is the one entry point for the results page. Both read the analysis module's
monthly premise aggregates (erating.base.analysis), kept with every rating INSERT: a period that
starts on the first of a month (this month, this year) is a sum of whole months there."""
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import disclosure, pending
from erating.base.models import Agency, Premise, PremiseMonth

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
        year_ratings = sum(total for total, _ in _per_agency(year_start(now), now).values())
    return {"tablet": media.get(Premise.TABLET, 0), "qr": media.get(Premise.QR, 0),
            "both": media.get(Premise.BOTH, 0), "agencies": taking_part, "ratings_year": year_ratings,
            "year": timezone.localtime(now or clock()).year}


def live_figures():
    return cache.get_or_set(FIGURES_KEY, compute_figures, cache_seconds())


def _per_agency(since, now=None):
    """{agency id: (ratings, satisfied)} of unflagged ratings from `since` (the first of a month,
    Malaysia time) until now, from the monthly aggregates."""
    pending.fresh()
    with scopes_disabled():
        rows = (PremiseMonth.objects.filter(flagged=False, month__gte=timezone.localtime(since).date(),
                                            month__lte=month_start(now).date(), agency_id__in=_active_agency_ids())
                .order_by().values("agency_id")
                .annotate(total=Sum(F("n1") + F("n2") + F("n3") + F("n4") + F("n5")),
                          satisfied=Sum(F("n4") + F("n5"))))
        return {r["agency_id"]: (r["total"], r["satisfied"]) for r in rows if r["total"]}


def _csat(total, satisfied):
    return round(100.0 * satisfied / total, 1) if total else None


def _period(counts, agencies, minimum):
    """National line, ministries and named agencies for one period; units under the minimum and
    agencies that opted out are folded into their parent's totals but not listed, and no published
    figure gives one of them away by subtraction (disclosure.complementary, at both levels)."""
    ministries = {}
    for agency_id, (total, satisfied) in counts.items():
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        m = ministries.setdefault(agency.ministry_id, {"ministry": agency.ministry, "total": 0, "satisfied": 0,
                                                        "agencies": [], "unnamed": 0, "members": {}})
        m["total"] += total
        m["satisfied"] += satisfied
        m["members"][agency_id] = (agency, total, satisfied)
    for m in ministries.values():
        named = {pk for pk, (agency, total, _s) in m["members"].items()
                 if total >= minimum and agency.public_results_named}
        shown, m["published"] = disclosure.complementary({pk: t for pk, (_a, t, _s) in m["members"].items()}, named)
        for pk, (agency, total, satisfied) in m.pop("members").items():
            if pk in shown:
                m["agencies"].append({"name_ms": agency.name_ms, "name_en": agency.name_en, "total": total,
                                      "satisfied": satisfied, "csat": _csat(total, satisfied)})
            else:
                m["unnamed"] += 1
    total = sum(m["total"] for m in ministries.values())
    satisfied = sum(m["satisfied"] for m in ministries.values())
    listed, national = disclosure.complementary(
        {pk: m["total"] for pk, m in ministries.items()},
        {pk for pk, m in ministries.items() if m["total"] >= minimum and m["published"]})
    shown = []
    for pk, m in ministries.items():
        if pk not in listed:
            continue
        m["csat"] = _csat(m["total"], m["satisfied"])
        m["agencies"].sort(key=lambda a: (-a["csat"], a["name_ms"]))
        ministry = m.pop("ministry")
        m.update(name_ms=ministry.name_ms, name_en=ministry.name_en)
        shown.append(m)
    shown.sort(key=lambda m: (-m["csat"], m["name_ms"]))
    return {"total": total, "satisfied": satisfied,
            "csat": _csat(total, satisfied) if total >= minimum and national else None,
            "ministries": shown, "hidden_ministries": len(ministries) - len(shown)}


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

