"""Printable QR posters (PDF, A4 or A5), one target per page.

A poster hangs at a counter for years and is read by customers who choose their own language, so
its wording is always in both BM and EN whatever the administrator's interface language; names,
captions and "we did" lines may be in any of Malaysia's four scripts, so pages are laid out by
WeasyPrint in the reports' Noto fonts (poster_pdf.py). Bulk posters take targets from an iterator
and are written in parts, so a whole agency's posters render in flat memory.
"""
import re

from django_scopes import scopes_disabled

from erating.base.catalogue import poster_pdf
from erating.base.catalogue.poster_pdf import BASE_CSS, esc, fit_pt
from erating.base.catalogue.qrcodes import target_url
from erating.base.ingest.rating_form import scores_for

SIZES = {"A4": (210, 297), "A5": (148, 210)}  # mm
HEADING = ("Nilaikan perkhidmatan kami", "Rate our service")
INSTRUCTIONS = (
    "Imbas kod QR ini dengan kamera telefon anda, kemudian pilih wajah yang menggambarkan "
    "perkhidmatan yang anda terima. Tiada aplikasi atau log masuk diperlukan.",
    "Scan this QR code with your phone camera, then choose the face that matches the service "
    "you received. No app or login needed.",
)
OR_VISIT = ("Atau layari", "Or visit")
FOOTER = "eRating · Sistem Penilaian Kepuasan Pelanggan · Customer Satisfaction Rating System"
# Laid out like a government notice: a navy band with the agency's logo and name, the call to rate
# in both languages, the counter's name in large type, the QR code in a frame, the faces the
# customer will see, and the short address for those who type it. Lengths are the A4 poster's.
CSS = BASE_CSS + """
.heading { font-weight: bold; font-size: 24pt; line-height: 1.25; margin: 5mm 18mm 0; }
.sub { font-size: 15pt; line-height: 1.25; margin: 0 18mm; }
.name { font-weight: bold; line-height: 1.15; margin: 3mm 14mm 0; }
.name-en { font-size: 16pt; line-height: 1.25; margin: 0 18mm; }
.frame { width: 110mm; height: 110mm; box-sizing: border-box; margin: 5mm auto 0; padding: 2.3mm;
  border: 2pt solid #0A3373; border-radius: 4mm; }
.frame .qr svg { width: 104mm; height: 104mm; margin: 0.7mm 0 0 0.7mm; }
.faces { margin: 5mm auto 0; display: flow-root; }
.faces img { display: block; height: 18mm; }
.faces span { float: left; width: 33.9mm; box-sizing: border-box; padding: 0 1.5mm; margin-top: 1.5mm;
  font-size: 9pt; line-height: 1.2; max-height: 2.4em; overflow: hidden; color: #262626; }
.instr { font-size: 10.5pt; line-height: 1.25; margin: 4mm 18mm 0; }
.instr + .instr { margin-top: 1mm; }
.visit { font-size: 10pt; margin: 2mm 18mm 0; }
.url { margin: 0.5mm 14mm 0; }
.empty { font-weight: bold; font-size: 14pt; padding-top: 140mm; }
"""


def parse_size(value):
    value = (value or "A4").upper()
    return value if value in SIZES else "A4"


def page_css(css, size):
    """The A4 stylesheet for a page size: A5 is A4 scaled down, a poster exactly one page."""
    width, height = SIZES[size]
    return (poster_pdf.scaled(css, width / SIZES["A4"][0])
            + f"@page {{ size: {width}mm {height}mm; margin: 0; }} section.poster {{ height: {height}mm; }}")


class PosterWriter:
    """Writes QR poster pages to `out` (a binary file); call add(target) per page, then close()."""

    title = "eRating QR posters"
    css = CSS

    def __init__(self, out, size="A4"):
        self.size = parse_size(size)
        self.k = SIZES[self.size][0] / SIZES["A4"][0]
        self.pdf = poster_pdf.PageWriter(out, css=page_css(self.css, self.size), title=self.title)
        self.captions = {}

    @property
    def pages(self):
        return self.pdf.pages

    def pt(self, value):
        return f"{value * self.k:.2f}pt"

    def close(self):
        # A PDF needs a page: say why it is empty rather than fail.
        self.pdf.close('<section class="poster"><p class="empty">Tiada sasaran aktif. / No active targets.</p>'
                       "</section>")

    def _captions(self, agency):
        """{score: BM caption} of the agency's form, national defaults where it has none."""
        if agency.pk not in self.captions:
            from erating.base.models import ScoreCaption
            from erating.base.models.settings import DEFAULT_CAPTIONS
            with scopes_disabled():  # the caller already chose which agency's posters it prints
                own = dict(ScoreCaption.objects.filter(agency_id=agency.pk).values_list("score", "caption_ms"))
            scores = scores_for(getattr(agency, "form_size", 5))
            self.captions[agency.pk] = {s: own.get(s) or DEFAULT_CAPTIONS[s][0] for s in scores}
        return self.captions[agency.pk]

    def band(self, agency, premise):
        return poster_pdf.band(agency, premise, poster_pdf.logo_url(self.pdf, agency))

    def faces(self, agency):
        captions = self._captions(agency)
        width = poster_pdf.FACE_STEP * len(captions)
        return (f'<div class="faces" style="width:{width * self.k:.2f}mm"><img style="width:{width * self.k:.2f}mm" '
                f'src="{poster_pdf.faces_url(self.pdf, list(captions))}" alt="">'
                + "".join(f"<span>{esc(caption)}</span>" for caption in captions.values()) + "</div>")

    def add(self, target):
        agency, premise = target.agency, target.premise
        # The counter, service or officer: the largest type on the page, shrunk only to fit.
        parts = [self.band(agency, premise),
                 f'<p class="heading navy">{esc(HEADING[0])}</p><p class="sub grey">{esc(HEADING[1])}</p>',
                 f'<p class="name" style="font-size:{self.pt(fit_pt(target.name, 40, 18, 182, bold=True))}">'
                 f"{esc(target.name)}</p>"]
        if target.name_en and target.name_en != target.name:
            parts.append(f'<p class="name-en grey">{esc(target.name_en)}</p>')
        short = short_url(target)
        parts += [f'<div class="frame"><div class="qr">{poster_pdf.qr_svg(target)}</div></div>',
                  self.faces(agency),
                  f'<p class="instr">{esc(INSTRUCTIONS[0])}</p><p class="instr grey">{esc(INSTRUCTIONS[1])}</p>',
                  f'<p class="visit">{esc(OR_VISIT[0])} / {esc(OR_VISIT[1])}:</p>',
                  f'<p class="url mono" style="font-size:{self.pt(fit_pt(short, 17, 10, 182, mono=True))}">'
                  f"{esc(short)}</p>",
                  poster_pdf.footer(FOOTER)]
        self.pdf.add(f'<section class="poster">{"".join(parts)}</section>')


def short_url(target):
    """The address as people type it: no "https://" (the QR code carries the full URL)."""
    return re.sub(r"^https?://", "", target_url(target))


def write_posters(targets, out, size="A4"):
    """Render every target in the iterable to `out`; returns the page count."""
    writer = PosterWriter(out, size)
    for target in targets:
        writer.add(target)
    writer.close()
    return writer.pages


def poster_targets(queryset):
    """Active targets in print order, streamed from the database in chunks."""
    return (queryset.filter(active=True).select_related("agency", "premise")
            .order_by("premise__name", "premise_id", "kind", "name", "id").iterator(chunk_size=500))
