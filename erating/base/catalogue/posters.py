"""Printable QR posters (PDF, A4 or A5), one target per page.

A poster hangs at a counter for years and is read by customers who choose their own language, so
its wording is always in both BM and EN whatever the administrator's interface language; names,
captions and "we did" lines may be in any of Malaysia's four scripts, so pages are laid out by
Typst in the reports' Noto fonts (poster_pdf.py, poster.typ). Bulk posters take targets from an
iterator and stream each page's data to a file, so the web process holds one page at a time.
"""
import re

from django_scopes import scopes_disabled

from erating.base.catalogue import poster_pdf
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
# Laid out like a government notice (poster.typ): a navy band with the agency's logo and name, the
# call to rate in both languages, the counter's name in large type (40 pt, shrunk only to fit one
# line, down to 18 pt), the QR code in a frame, the faces the customer will see, and the short
# address for those who type it.


def parse_size(value):
    value = (value or "A4").upper()
    return value if value in SIZES else "A4"


class PosterWriter:
    """Writes QR poster pages to `out` (a binary file); call add(target) per page, then close()."""

    title = "eRating QR posters"
    empty = "Tiada sasaran aktif. / No active targets."

    def __init__(self, out, size="A4"):
        self.size = parse_size(size)
        self.pdf = poster_pdf.PageWriter(
            out, title=self.title, size_mm=SIZES[self.size], k=SIZES[self.size][0] / SIZES["A4"][0],
            texts={"heading": HEADING, "instructions": INSTRUCTIONS, "visit": f"{OR_VISIT[0]} / {OR_VISIT[1]}:",
                   "footer": FOOTER, "empty": self.empty, **self.texts()})
        self.captions = {}

    def texts(self):
        return {}

    @property
    def pages(self):
        return self.pdf.pages

    def close(self):
        # A PDF needs a page: with none, the template says why it is empty rather than fail.
        self.pdf.close()

    def _captions(self, agency):
        """{score: BM caption} of the agency's form, national defaults where it has none."""
        if agency.pk not in self.captions:
            from erating.base.models import ScoreCaption
            from erating.base.models.settings import DEFAULT_CAPTIONS
            with scopes_disabled():  # the caller already chose which agency's posters it prints
                own = dict(ScoreCaption.objects.filter(agency_id=agency.pk).values_list("score", "caption_ms"))
            scores = scores_for(getattr(agency, "form_size", 5))
            captions = {s: own.get(s) or DEFAULT_CAPTIONS[s][0] for s in scores}
            self.captions[agency.pk] = {"key": self.pdf.faces(list(captions)), "captions": list(captions.values())}
        return self.captions[agency.pk]

    def band(self, agency, premise):
        return poster_pdf.band(self.pdf, agency, premise)

    def add(self, target):
        agency, premise = target.agency, target.premise
        self.pdf.add({"kind": "qr", "band": self.band(agency, premise), "name": target.name,
                      "name_en": target.name_en if target.name_en and target.name_en != target.name else None,
                      "qr": poster_pdf.qr_svg(target), "faces": self._captions(agency), "url": short_url(target)})


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
