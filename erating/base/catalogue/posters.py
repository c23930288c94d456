"""Printable QR posters (PDF, A4 or A5), one target per page.

A poster hangs at a counter for years and is read by customers who choose their own language, so
its wording is always in both BM and EN whatever the administrator's interface language. The QR
code is drawn as vector rectangles (crisp at any printer resolution, no image per page), and bulk
posters take targets from an iterator so a whole agency's posters render in flat memory.
"""
import io
import logging
import re
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.pdfgen.canvas import FILL_NON_ZERO

from erating.base.catalogue.qrcodes import BORDER, make_qr, target_url
from erating.base.ingest.rating_form import face_for, scores_for

logger = logging.getLogger(__name__)
SIZES = {"A4": A4, "A5": A5}
HEADING = ("Nilaikan perkhidmatan kami", "Rate our service")
INSTRUCTIONS = (
    "Imbas kod QR ini dengan kamera telefon anda, kemudian pilih wajah yang menggambarkan "
    "perkhidmatan yang anda terima. Tiada aplikasi atau log masuk diperlukan.",
    "Scan this QR code with your phone camera, then choose the face that matches the service "
    "you received. No app or login needed.",
)
OR_VISIT = ("Atau layari", "Or visit")
FOOTER = "eRating · Sistem Penilaian Kepuasan Pelanggan · Customer Satisfaction Rating System"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_fonts = None


def fonts():
    """(regular, bold, mono) font names; DejaVu covers every Malay/English character, the PDF core
    fonts are the fallback on machines without it."""
    global _fonts
    if _fonts is None:
        try:
            pdfmetrics.registerFont(TTFont("ER-Sans", str(DEJAVU / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("ER-Bold", str(DEJAVU / "DejaVuSans-Bold.ttf")))
            pdfmetrics.registerFont(TTFont("ER-Mono", str(DEJAVU / "DejaVuSansMono.ttf")))
            _fonts = ("ER-Sans", "ER-Bold", "ER-Mono")
        except Exception:  # noqa: BLE001 - any font problem falls back to the built-in fonts
            _fonts = ("Helvetica", "Helvetica-Bold", "Courier")
    return _fonts


def parse_size(value):
    value = (value or "A4").upper()
    return value if value in SIZES else "A4"


class PosterWriter:
    """Writes poster pages to `out` (a binary file); call add(target) per page, then close()."""

    def __init__(self, out, size="A4"):
        self.size = parse_size(size)
        self.width, self.height = SIZES[self.size]
        self.k = self.width / A4[0]  # A5 is A4 scaled down
        self.canvas = canvas.Canvas(out, pagesize=SIZES[self.size], pageCompression=1)
        self.canvas.setTitle("eRating QR posters")
        self.canvas.setCreator("eRating")
        self.logos, self.captions = {}, {}
        self.pages = 0
        self.regular, self.bold, self.mono = fonts()

    def close(self):
        if self.pages == 0:  # a PDF needs a page; say why it is empty rather than fail
            self._text_block(["Tiada sasaran aktif. / No active targets."], self.bold, 14,
                             self.height / 2, centred=True)
            self.canvas.showPage()
        self.canvas.save()

    def _logo(self, agency):
        if not agency.logo:
            return None
        if agency.pk not in self.logos:
            try:
                with agency.logo.open("rb") as fh:
                    self.logos[agency.pk] = ImageReader(io.BytesIO(fh.read()))
            except Exception:  # noqa: BLE001 - a missing or broken logo must not stop the print run
                logger.warning("Agency %s logo unreadable; poster printed without it", agency.pk)
                self.logos[agency.pk] = None
        return self.logos[agency.pk]

    def _text_block(self, lines, font, size, top, centred=True, colour=(0.1, 0.1, 0.1), leading=1.25):
        """Draw wrapped lines from `top` downwards; return the y below the block."""
        c, margin = self.canvas, 18 * mm * self.k
        c.setFont(font, size)
        c.setFillColorRGB(*colour)
        y = top
        for line in lines:
            for part in simpleSplit(line, font, size, self.width - 2 * margin) or [""]:
                y -= size * leading
                if centred:
                    c.drawCentredString(self.width / 2, y, part)
                else:
                    c.drawString(margin, y, part)
        return y

    def _qr(self, target, x, y, side):
        """Dark modules as one filled path of horizontal runs (far fewer operators than squares)."""
        rows = list(make_qr(target).matrix_iter(scale=1, border=BORDER))
        n = len(rows)
        unit = side / n
        path = self.canvas.beginPath()
        for r, row in enumerate(rows):
            top = y + side - (r + 1) * unit
            start = None
            for col, dark in enumerate(list(row) + [0]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    # A hair of overlap keeps anti-aliased rasterisers from leaving seams.
                    path.rect(x + start * unit, top - 0.02 * unit, (col - start) * unit, unit * 1.04)
                    start = None
        self.canvas.setFillColorRGB(0, 0, 0)
        self.canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)  # overlaps stay black

    # -- the page -------------------------------------------------------------------------
    # Laid out like a government notice: a navy band with the agency's logo and name, the call
    # to rate in both languages, the counter's name in large type, the QR code, the faces the
    # customer will see, and the short address for those who type it.
    NAVY, NAVY_TEXT, GREY = (0.04, 0.2, 0.45), (1, 1, 1), (0.3, 0.3, 0.3)

    def _captions(self, agency):
        """{score: BM caption} of the agency's form, national defaults where it has none."""
        if agency.pk not in self.captions:
            from django_scopes import scopes_disabled

            from erating.base.models import ScoreCaption
            from erating.base.models.settings import DEFAULT_CAPTIONS
            with scopes_disabled():  # the caller already chose which agency's posters it prints
                own = dict(ScoreCaption.objects.filter(agency_id=agency.pk).values_list("score", "caption_ms"))
            scores = scores_for(getattr(agency, "form_size", 5))
            self.captions[agency.pk] = {s: own.get(s) or DEFAULT_CAPTIONS[s][0] for s in scores}
        return self.captions[agency.pk]

    def _fit(self, text, font, size, width, smallest):
        """The largest size up to `size` at which `text` fits on one line of `width`."""
        while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
            size -= 1
        return size

    def _band(self, agency, premise, top):
        """The navy header band; returns the y below it."""
        c, k, w = self.canvas, self.k, self.width
        margin, pad = 14 * mm * k, 6 * mm * k
        logo = self._logo(agency)
        logo_w = 30 * mm * k if logo is not None else 0
        text_x = margin + (logo_w + 5 * mm * k if logo is not None else 0)
        text_w = w - margin - text_x
        names = [agency.name_ms] + ([agency.name_en] if agency.name_en and agency.name_en != agency.name_ms else [])
        name_lines = simpleSplit(names[0], self.bold, 17 * k, text_w)
        en_lines = simpleSplit(names[1], self.regular, 11 * k, text_w) if len(names) > 1 else []
        text_h = len(name_lines) * 21 * k + len(en_lines) * 14 * k + 16 * k
        band_h = max(text_h, logo_w * 0.75) + 2 * pad
        c.setFillColorRGB(*self.NAVY)
        c.rect(0, top - band_h, w, band_h, stroke=0, fill=1)
        if logo is not None:  # on a white tile so any logo colour reads on the navy band
            tile = logo_w * 0.75
            c.setFillColorRGB(1, 1, 1)
            c.roundRect(margin, top - pad - tile, logo_w, tile, 2 * mm * k, stroke=0, fill=1)
            inset = 2 * mm * k
            c.drawImage(logo, margin + inset, top - pad - tile + inset, width=logo_w - 2 * inset,
                        height=tile - 2 * inset, preserveAspectRatio=True, anchor="c", mask="auto")
        y = top - pad - (band_h - 2 * pad - text_h) / 2
        c.setFillColorRGB(*self.NAVY_TEXT)
        for font, size, lead, lines in ((self.bold, 17 * k, 21 * k, name_lines), (self.regular, 11 * k, 14 * k, en_lines),
                                        (self.regular, 11 * k, 16 * k, [premise.name])):
            c.setFont(font, size)
            for line in lines:
                y -= lead
                c.drawString(text_x, y, line)
        return top - band_h

    def _face(self, cx, cy, r, score):
        """One smiley as on the QR page and the kiosk (rating_form's 48-unit drawing, scaled)."""
        c, face = self.canvas, face_for(score)
        unit = r / 22
        c.setFillColor(HexColor(face["colour"]))
        c.circle(cx, cy, r, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        for ex in (17, 31):
            c.circle(cx + (ex - 24) * unit, cy + (24 - 19) * unit, 3 * unit, stroke=0, fill=1)
        numbers = [float(n) for n in re.findall(r"[\d.]+", face["mouth"])]
        path = c.beginPath()
        def pt(x, y):
            return (cx + (x - 24) * unit, cy + (24 - y) * unit)  # SVG y runs down
        if "Q" in face["mouth"]:  # a quadratic curve, drawn as the equivalent cubic
            x0, y0, qx, qy, x2, y2 = numbers
            path.moveTo(*pt(x0, y0))
            path.curveTo(*pt(x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0)),
                         *pt(x2 + 2 / 3 * (qx - x2), y2 + 2 / 3 * (qy - y2)), *pt(x2, y2))
        else:
            x0, y0, x2, y2 = numbers
            path.moveTo(*pt(x0, y0))
            path.lineTo(*pt(x2, y2))
        c.setStrokeColorRGB(1, 1, 1)
        c.setLineWidth(3.5 * unit)
        c.setLineCap(1)
        c.drawPath(path, stroke=1, fill=0)

    def _faces(self, agency, top):
        c, k, w = self.canvas, self.k, self.width
        captions = self._captions(agency)
        r, step = 9 * mm * k, 34 * mm * k
        x = w / 2 - step * (len(captions) - 1) / 2
        for score, caption in captions.items():
            self._face(x, top - r, r, score)
            c.setFillColorRGB(0.15, 0.15, 0.15)
            size = 9 * k  # long captions wrap onto a second line rather than shrink
            c.setFont(self.regular, size)
            for n, part in enumerate(simpleSplit(caption, self.regular, size, step - 3 * mm * k)[:2]):
                c.drawCentredString(x, top - 2 * r - (4.5 * mm + n * 3.8 * mm) * k, part)
            x += step
        return top - 2 * r - 14 * mm * k

    def add(self, target):
        c, k, w, h = self.canvas, self.k, self.width, self.height
        agency, premise = target.agency, target.premise
        y = self._band(agency, premise, h)
        y = self._text_block([HEADING[0]], self.bold, 24 * k, y - 5 * mm * k, colour=self.NAVY)
        y = self._text_block([HEADING[1]], self.regular, 15 * k, y, colour=self.GREY)
        # The counter, service or officer: the largest type on the page, shrunk only to fit.
        usable = w - 28 * mm * k
        size = self._fit(target.name, self.bold, 40 * k, usable, 18 * k)
        y = self._text_block([target.name], self.bold, size, y - 3 * mm * k, leading=1.15)
        if target.name_en and target.name_en != target.name:
            y = self._text_block([target.name_en], self.regular, 16 * k, y, colour=self.GREY)
        side = 104 * mm * k
        qr_top = y - 5 * mm * k
        c.setStrokeColorRGB(*self.NAVY)
        c.setLineWidth(2 * k)
        c.roundRect((w - side) / 2 - 3 * mm * k, qr_top - side - 3 * mm * k, side + 6 * mm * k, side + 6 * mm * k,
                    4 * mm * k, stroke=1, fill=0)
        self._qr(target, (w - side) / 2, qr_top - side, side)
        y = self._faces(agency, qr_top - side - 8 * mm * k)
        y = self._text_block([INSTRUCTIONS[0]], self.regular, 10.5 * k, y)
        y = self._text_block([INSTRUCTIONS[1]], self.regular, 10.5 * k, y - 1 * mm * k, colour=self.GREY)
        y = self._text_block([f"{OR_VISIT[0]} / {OR_VISIT[1]}:"], self.regular, 10 * k, y - 2 * mm * k)
        short = short_url(target)
        self._text_block([short], self.mono, self._fit(short, self.mono, 17 * k, usable, 10 * k), y)
        c.setFillColorRGB(*self.NAVY)
        c.rect(0, 0, w, 12 * mm * k, stroke=0, fill=1)
        c.setFont(self.regular, 7.5 * k)
        c.setFillColorRGB(1, 1, 1)
        c.drawCentredString(w / 2, 4.8 * mm * k, FOOTER)
        c.showPage()
        self.pages += 1


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
