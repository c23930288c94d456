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
from erating.base.catalogue.poster_pdf import BASE_CSS, esc
from erating.base.catalogue.posters import FOOTER, PosterWriter, short_url
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


CSS = BASE_CSS + """
.title { font-weight: bold; font-size: 22pt; line-height: 1.25; margin: 5mm 18mm 0; }
.sub { font-size: 14pt; line-height: 1.25; margin: 0 18mm; }
.few { font-weight: bold; font-size: 16pt; line-height: 1.25; margin: 8mm 18mm 0; }
.few-en { font-size: 12pt; line-height: 1.25; margin: 0 18mm; }
.csat { font-weight: bold; font-size: 54pt; line-height: 1.1; margin: 6mm 18mm 0; }
.of { font-size: 13pt; line-height: 1.25; margin: 0 18mm; }
.of-en { font-size: 11pt; line-height: 1.25; margin: 0 18mm; }
.change { font-size: 11pt; line-height: 1.25; margin: 2mm 18mm 0; }
.praised { font-weight: bold; font-size: 13pt; line-height: 1.25; margin: 5mm 18mm 0; }
.wedid { font-weight: bold; font-size: 14pt; line-height: 1.25; margin: 6mm 18mm 0; }
ul.lines { text-align: left; font-size: 11.5pt; line-height: 1.3; margin: 1mm 18mm 0; padding: 0 0 0 5mm; }
ul.lines li { margin-top: 1mm; }
.qr { margin: 6mm auto 0; width: 70mm; }
.qr svg { width: 70mm; height: 70mm; }
.rate { font-weight: bold; font-size: 12pt; margin: 2mm 18mm 0; }
.url { font-size: 11pt; margin: 0.5mm 18mm 0; }
.empty { font-weight: bold; font-size: 14pt; padding-top: 140mm; }
"""


class ResultsPosterWriter(PosterWriter):
    title = "eRating results posters"
    css = CSS

    def __init__(self, out, month):
        super().__init__(out, "A4")
        self.month = month.replace(day=1)

    def add(self, premise):
        results = month_results(premise, self.month)
        ms_month, en_month = month_label(self.month)
        parts = [self.band(premise.agency, premise),
                 f'<p class="title navy">Keputusan penilaian {esc(ms_month)}</p>',
                 f'<p class="sub grey">Rating results, {esc(en_month)}</p>']
        if results["csat"] is None:
            parts += ['<p class="few">Terlalu sedikit penilaian bulan ini untuk diterbitkan.</p>',
                      f'<p class="few-en grey">Too few ratings this month to publish (fewer than '
                      f'{results["minimum"]}).</p>']
        else:
            count = formatted(results["total"], 0)
            parts += [f'<p class="csat navy">{_pct(results["csat"])}%</p>',
                      f'<p class="of">pelanggan berpuas hati, daripada {count} penilaian</p>',
                      f'<p class="of-en grey">of customers satisfied, from {count} ratings</p>']
            if results["change"] is not None:
                points = signed_points(results["change"])
                parts.append(f'<p class="change">{points} mata berbanding bulan lepas · {points} points on last month'
                             "</p>")
        if results["praised"] is not None:
            theme = results["praised"]
            parts.append(f'<p class="praised">Paling dipuji: {esc(theme.name_ms)} · Most praised: {esc(theme.name_en)}'
                         "</p>")
        if results["lines"]:
            parts.append('<p class="wedid navy">Anda berkata, kami bertindak · You said, we did</p>'
                         '<ul class="lines">' + "".join(f"<li>{esc(line)}</li>" for line in results["lines"])
                         + "</ul>")
        target = rating_target(premise)
        if target is not None:
            parts += [f'<div class="qr">{poster_pdf.qr_svg(target)}</div>',
                      '<p class="rate">Nilaikan perkhidmatan kami · Rate our service</p>',
                      f'<p class="url mono">{esc(short_url(target))}</p>']
        parts.append(poster_pdf.footer(FOOTER))
        self.pdf.add(f'<section class="poster">{"".join(parts)}</section>')

    def close(self):
        self.pdf.close('<section class="poster"><p class="empty">Tiada premis aktif. / No active premises.</p>'
                       "</section>")


def write_results_posters(premises, month, out):
    writer = ResultsPosterWriter(out, month)
    for premise in premises:
        writer.add(premise)
    writer.close()
    return writer.pages
