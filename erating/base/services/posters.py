"""Printable QR posters (PDF, A4 or A5), one target per page.

A poster hangs at a counter for years and is read by customers who choose their own language, so
its wording is always in both BM and EN whatever the administrator's interface language. The QR
code is drawn as vector rectangles (crisp at any printer resolution, no image per page), and bulk
posters take targets from an iterator so a whole agency's posters render in flat memory.
"""
import io
import logging
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.pdfgen.canvas import FILL_NON_ZERO

from .qrcodes import BORDER, make_qr, target_url

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
        self.logos = {}
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

    def add(self, target):
        c, k, w, h = self.canvas, self.k, self.width, self.height
        agency, premise = target.agency, target.premise
        top = h - 14 * mm * k
        logo = self._logo(agency)
        if logo is not None:
            lh = 24 * mm * k
            c.drawImage(logo, w / 2 - lh, top - lh, width=2 * lh, height=lh, preserveAspectRatio=True,
                        anchor="c", mask="auto")
            top -= lh + 2 * mm * k
        names = [agency.name_ms] + ([agency.name_en] if agency.name_en and agency.name_en != agency.name_ms else [])
        y = self._text_block(names[:1], self.bold, 16 * k, top)
        y = self._text_block(names[1:], self.regular, 11 * k, y)
        y = self._text_block([premise.name], self.regular, 12 * k, y - 1 * mm * k, colour=(0.3, 0.3, 0.3))
        c.setStrokeColorRGB(0.05, 0.33, 0.6)
        c.setLineWidth(1.5 * k)
        c.line(18 * mm * k, y - 4 * mm * k, w - 18 * mm * k, y - 4 * mm * k)
        y = self._text_block([f"{HEADING[0]} / {HEADING[1]}"], self.bold, 15 * k, y - 6 * mm * k,
                             colour=(0.05, 0.33, 0.6))
        label = target.name if not target.name_en or target.name_en == target.name else \
            f"{target.name} / {target.name_en}"
        y = self._text_block([label], self.bold, 22 * k, y - 2 * mm * k)
        side = 120 * mm * k
        qr_top = y - 6 * mm * k
        self._qr(target, (w - side) / 2, qr_top - side, side)
        y = self._text_block([INSTRUCTIONS[0]], self.regular, 11 * k, qr_top - side - 4 * mm * k)
        y = self._text_block([INSTRUCTIONS[1]], self.regular, 11 * k, y - 2 * mm * k, colour=(0.3, 0.3, 0.3))
        y = self._text_block([f"{OR_VISIT[0]} / {OR_VISIT[1]}:"], self.regular, 10 * k, y - 3 * mm * k)
        self._text_block([target_url(target)], self.mono, 13 * k, y)
        c.setFont(self.regular, 7 * k)
        c.setFillColorRGB(0.45, 0.45, 0.45)
        c.drawCentredString(w / 2, 10 * mm * k, FOOTER)
        c.showPage()
        self.pages += 1


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
