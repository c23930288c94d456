"""The monthly results poster of a premise (A4, BM and EN): its satisfaction and number of ratings
for the month (only at or above the agency's minimum, otherwise "too few ratings"), the change
against the month before, its most praised comment theme, up to three published "you said, we did"
lines and the QR code to rate. Printed one premise or a whole agency at a time like the QR posters,
and shown on the portal under the premise's public results.

    month_results(premise, month) -> dict   (the figures, also for the portal)
    public_premise(agency_code, premise_code) -> the premise the portal may show, or None
    write_results_posters(premises, month, out) -> pages
"""
import datetime

from django.utils import translation
from django_scopes import scopes_disabled

from erating.base.analysis import criteria as cr
from erating.base.analysis import disclosure
from erating.base.analysis import figures as engine
from erating.base.analysis.themes import most_praised
from erating.base.catalogue import poster_pdf
from erating.base.catalogue.posters import PosterWriter, short_url
from erating.base.followup import wedid
from erating.base.models import Target
from erating.base.templatetags.numbers import formatted

MONTHS_MS = ["Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September", "Oktober",
             "November", "Disember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
# The kinds of target whose QR code stands for the whole premise, best first (never an officer's).
QR_KINDS = (Target.SERVICE, Target.COUNTER, Target.FACILITY)


def minimum_for(agency):
    """The fewest ratings in a month for a premise's figures to be shown: the disclosure rule's
    minimum for the agency (erating.base.analysis.disclosure)."""
    return disclosure.minimum_of(agency.id, {agency.id: agency.ranking_min_ratings})


def previous_month(month):
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month(premise_id, month):
    """The figures engine's Counts of the premise's unflagged ratings in one calendar month."""
    first = month.replace(day=1)
    last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    with scopes_disabled():
        return engine.total(cr.public(first, last, premise=premise_id))


def month_results(premise, month):
    month = month.replace(day=1)
    minimum = minimum_for(premise.agency)
    now, before = _month(premise.id, month), _month(premise.id, previous_month(month))
    shown = now.total >= minimum and now.total > 0
    csat = now.csat if shown else None
    earlier = before.csat if before.total and before.total >= minimum else None
    praised = most_praised(premise.id, month)
    with scopes_disabled():
        lines = [line.text for line in wedid.published(premise.id, month)]
    return {"month": month, "minimum": minimum, "total": now.total if shown else None, "csat": csat,
            "change": csat - earlier if csat is not None and earlier is not None else None,
            "praised": praised[0] if praised else None, "lines": lines}


def public_premise(agency_code, premise_code):
    """The active premise of an active agency that lets the public results name it, or None."""
    from erating.base.models import Agency, Premise

    with scopes_disabled():
        return (Premise.objects.select_related("agency")
                .filter(agency__code=agency_code, code=premise_code, active=True, agency__status=Agency.ACTIVE,
                        agency__public_results_named=True).first())


def rating_target(premise):
    with scopes_disabled():
        targets = {t.kind: t for t in Target.objects.filter(premise=premise, active=True, kind__in=QR_KINDS)
                   .select_related("agency", "premise").order_by("-name")}
    return next((targets[k] for k in QR_KINDS if k in targets), None)


def month_label(month):
    return f"{MONTHS_MS[month.month - 1]} {month.year}", f"{MONTHS_EN[month.month - 1]} {month.year}"


def _pct(value):
    with translation.override("en"):  # one decimal point on a bilingual poster
        return formatted(value, 1)


def signed_points(change):
    """"+2.5", "−1.0", "±0.0" (percentage points), or "" when there is no change to show."""
    if change is None:
        return ""
    return ("+" if change > 0 else "−" if change < 0 else "±") + _pct(abs(change))


class ResultsPosterWriter(PosterWriter):
    title = "eRating results posters"
    empty = "Tiada premis aktif. / No active premises."

    def __init__(self, out, month):
        self.month = month.replace(day=1)
        super().__init__(out, "A4")

    def texts(self):
        return {"wedid": "Anda berkata, kami bertindak · You said, we did",
                "rate": "Nilaikan perkhidmatan kami · Rate our service"}

    def add(self, premise):
        results = month_results(premise, self.month)
        ms_month, en_month = month_label(self.month)
        page = {"kind": "results", "band": self.band(premise.agency, premise),
                "title": f"Keputusan penilaian {ms_month}", "sub": f"Rating results, {en_month}", "csat": None,
                "few": None, "of": None, "change": None, "praised": None, "lines": results["lines"], "qr": None,
                "url": None}
        if results["csat"] is None:
            page["few"] = ["Terlalu sedikit penilaian bulan ini untuk diterbitkan.",
                           f"Too few ratings this month to publish (fewer than {results['minimum']})."]
        else:
            count = formatted(results["total"], 0)
            page["csat"] = f"{_pct(results['csat'])}%"
            page["of"] = [f"pelanggan berpuas hati, daripada {count} penilaian",
                          f"of customers satisfied, from {count} ratings"]
            if results["change"] is not None:
                points = signed_points(results["change"])
                page["change"] = f"{points} mata berbanding bulan lepas · {points} points on last month"
        if results["praised"] is not None:
            theme = results["praised"]
            page["praised"] = f"Paling dipuji: {theme.name_ms} · Most praised: {theme.name_en}"
        target = rating_target(premise)
        if target is not None:
            page["qr"], page["url"] = poster_pdf.qr_svg(target), short_url(target)
        self.pdf.add(page)


def write_results_posters(premises, month, out):
    writer = ResultsPosterWriter(out, month)
    for premise in premises:
        writer.add(premise)
    writer.close()
    return writer.pages
