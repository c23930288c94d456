"""Poster PDFs laid out by Typst (poster.typ), as the row-level report listings are
(erating/base/reports/pdf_listing.py): HarfBuzz shapes the text, so names, captions and "we did"
lines in Malay, English, Chinese and Tamil (its conjuncts shaped) print in the reports' embedded
Noto fonts, and the PDF is tagged. ReportLab cannot do it: it embeds TrueType outlines only, and
Debian's Noto Sans CJK is CFF.

The writer streams each page's data (strings, the QR code as SVG from segno) into a JSON file in a
temporary folder, with one logo file per agency and one faces drawing per form, so the web process
holds one page at a time; a child process (reports/typst_child.py) compiles all the pages at once
and gives Typst's caches back when it exits. Nothing in a name or a line is read as markup, and
the template reads only the files in its folder.
"""
import io
import json
import logging
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

from erating.base.catalogue.qrcodes import BORDER, make_qr
from erating.base.ingest.rating_form import face_for
from erating.base.reports import pdf_join, pdf_listing
from erating.base.reports.fonts import FAMILIES, font_files

logger = logging.getLogger(__name__)
TEMPLATE = Path(__file__).with_name("poster.typ")
MONO = ["Noto Sans Mono CJK SC"]  # in the CJK collection fonts.font_files() links
FACE_RADIUS, FACE_STEP = 9, 34  # mm on the A4 poster
# Pages laid out in one Typst process: its memory grows by about 0.3 MB a poster.
PAGES_PER_PART = 250
LOGO_MM = (26, 18.5)  # the largest logo in the band's white box
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


def qr_svg(target):
    """The target's QR code (quiet zone included) as an SVG document sized by the template."""
    out = io.BytesIO()
    make_qr(target).save(out, kind="svg", border=BORDER, omitsize=True, xmldecl=False, svgns=True, dark="#000")
    return out.getvalue().decode()


def faces_svg(scores):
    """The row of smileys a form shows, best first, as on the QR page and the kiosk (rating_form's
    48-unit drawing): one image per form, FACE_STEP mm a face."""
    unit = FACE_RADIUS / 22  # the drawing's circle has radius 22
    faces = []
    for n, score in enumerate(scores):
        face = face_for(score)
        x, y = FACE_STEP * (n + 0.5) - 24 * unit, FACE_RADIUS - 24 * unit
        faces.append(f'<g transform="translate({x:.3f} {y:.3f}) scale({unit:.5f})">'
                     f'<circle cx="24" cy="24" r="22" fill="{face["colour"]}"/>'
                     '<circle cx="17" cy="19" r="3" fill="#fff"/><circle cx="31" cy="19" r="3" fill="#fff"/>'
                     f'<path d="{face["mouth"]}" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>'
                     "</g>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {FACE_STEP * len(scores)} {2 * FACE_RADIUS}">'
            + "".join(faces) + "</svg>")


class PageWriter:
    """Collects poster pages (dicts for poster.typ) and writes them as one PDF to `out` (a binary
    file). `texts`: the strings every page shares (heading, footer ...)."""

    def __init__(self, out, *, title, size_mm, k, texts, language="ms"):
        self.out, self.title, self.language, self.pages = out, title, language, 0
        self._tmp = tempfile.TemporaryDirectory()  # removed in close()
        self.doc = {"title": title, "lang": language, "width": size_mm[0], "height": size_mm[1], "k": k,
                    "fonts": FAMILIES, "mono": MONO, "font_files": font_files(), "faces": {}, **texts}
        self.logos, self.folders, self._pages = {}, [], None

    def _open_part(self):
        folder = Path(self._tmp.name) / f"part{len(self.folders)}"
        folder.mkdir()
        for logo in filter(None, self.logos.values()):
            shutil.copyfile(self.folders[0] / logo["file"], folder / logo["file"])
        self._close_part()
        self.folders.append(folder)
        self._pages = open(folder / "pages.json", "w", encoding="utf-8")  # noqa: SIM115 (closed in _close_part)
        self._pages.write("[")
        self._in_part = 0

    def _close_part(self):
        if self._pages is not None:
            self._pages.write("]")
            self._pages.close()
            with open(self.folders[-1] / "doc.json", "w", encoding="utf-8") as fh:
                json.dump(self.doc, fh, ensure_ascii=False)
            self._pages = None

    def add(self, page):
        if self._pages is None or self._in_part >= PAGES_PER_PART:
            self._open_part()
        self._pages.write(("," if self._in_part else "") + json.dumps(page, ensure_ascii=False) + "\n")
        self._in_part += 1
        self.pages += 1

    def faces(self, scores):
        """The key of the form's faces drawing in the document."""
        key = "-".join(map(str, scores))
        self.doc["faces"].setdefault(key, faces_svg(scores))
        return key

    def logo(self, agency):
        """The agency's logo ({file: name in the part's folder, width, height: mm on A4}), or None
        (no logo, or not a picture Typst reads)."""
        if agency.pk not in self.logos:
            if self._pages is None:
                self._open_part()
            self.logos[agency.pk] = None
            if agency.logo:
                try:
                    from PIL import Image

                    with agency.logo.open("rb") as fh:
                        data = fh.read()
                    image = Image.open(io.BytesIO(data))
                    if image.format in LOGO_FORMATS:
                        name = f"logo-{agency.pk}{LOGO_FORMATS[image.format]}"
                        for folder in (self.folders[0], self.folders[-1]):
                            (folder / name).write_bytes(data)
                        # Its size at 96 pixels an inch, as on the HTML poster, at most 26 x 18.5 mm.
                        width, height = (side * 25.4 / 96 for side in image.size)
                        scale = min(1, LOGO_MM[0] / width, LOGO_MM[1] / height)
                        self.logos[agency.pk] = {"file": name, "width": width * scale, "height": height * scale}
                except Exception:  # noqa: BLE001 - a missing or broken logo must not stop the print run
                    logger.warning("Agency %s logo unreadable; poster printed without it", agency.pk)
        return self.logos[agency.pk]

    def close(self):
        """Lay out the parts (an empty document says why it is empty) and write the PDF."""
        try:
            if self._pages is None and not self.folders:
                self._open_part()
            self._close_part()
            if len(self.folders) == 1:
                pdf_listing.compile_parts(self.folders, 1, TEMPLATE)
                with open(self.folders[0] / "out.pdf", "rb") as fh:
                    shutil.copyfileobj(fh, self.out)
                return
            # Each part joined (its structure tree kept) while the next one is laid out.
            head = SimpleNamespace(title=self.title, agency_name="eRating", language=self.language)
            with pdf_join.Joiner(self.out, head, numbered=False) as joiner:
                for folder in pdf_listing.compiled(self.folders, 1, TEMPLATE):
                    joiner.add(str(folder / "out.pdf"))
        finally:
            if self._pages is not None:
                self._pages.close()
            self._tmp.cleanup()


def band(writer, agency, premise):
    """The navy header band: the agency's logo and name (BM, EN) and the premise."""
    english = agency.name_en if agency.name_en and agency.name_en != agency.name_ms else None
    return {"logo": writer.logo(agency), "agency": agency.name_ms, "agency_en": english, "premise": premise.name}
