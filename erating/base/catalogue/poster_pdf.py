"""Poster PDFs laid out by WeasyPrint, the reports' renderer (erating/base/reports/pdf_out.py):
Pango and HarfBuzz shape the text, so names, captions and "we did" lines in Malay, English,
Chinese and Tamil (its conjuncts shaped) print in the same embedded Noto fonts as the reports.
ReportLab cannot do it: it embeds TrueType outlines only, and Debian's Noto Sans CJK is CFF.

Each poster is one page of HTML. WeasyPrint keeps every page's layout until it writes, so a whole
agency's posters are laid out PAGES_PER_PART pages at a time, each part written to a temporary
PDF, and the parts joined (pypdf): the layout's memory stays flat however many targets the agency
has (the join keeps each page's objects, a few kilobytes).
The QR code is inline SVG from segno (vector, crisp at any printer resolution); the logo and the
faces are fetched once per part from memory, never from a file or a server named in the text.
"""
import logging
import mimetypes
import os
import pickle
import re
import subprocess
import sys
import tempfile
import unicodedata
from functools import cache
from html import escape
from pathlib import Path

from erating.base.catalogue import poster_render
from erating.base.catalogue.qrcodes import BORDER, make_qr
from erating.base.ingest.rating_form import face_for
from erating.base.reports.pdf_chart import FONTS

logger = logging.getLogger(__name__)
# Laid out in one WeasyPrint pass: about 0.5 MB of layout a page is held until the part is written.
PAGES_PER_PART = 50
MONO = '"Noto Sans Mono", "Noto Sans Mono CJK SC", monospace'
NAVY, GREY = "#0A3373", "#4D4D4D"
FACE_RADIUS, FACE_STEP = 9, 34  # mm on the A4 poster


def esc(text):
    return escape(str(text or ""), quote=True)


def qr_svg(target):
    """The target's QR code (quiet zone included) as inline SVG sized by the stylesheet."""
    return make_qr(target).svg_inline(border=BORDER, omitsize=True, dark="#000")


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
            + "".join(faces) + "</svg>").encode()


# -- fitting a line ----------------------------------------------------------------------------
# CSS cannot shrink type to fit one line, so the font size of a name is chosen here from the
# advance widths of the fonts fontconfig picks (shaping only narrows Tamil: an upper bound).
@cache
def _font(family, bold):
    from fontTools.ttLib import TTCollection, TTFont

    pattern = f"{family}:bold" if bold else family
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}|%{index}|%{family}", pattern], capture_output=True,
                               text=True, timeout=10).stdout
        path, index, name = found.split("|", 2)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if family.lower() not in name.lower():
        return None
    font = TTCollection(path).fonts[int(index or 0)] if path.endswith(".ttc") else TTFont(path, lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


@cache
def _advance(char, bold):
    for family in ("Noto Sans", "Noto Sans Tamil", "Noto Sans CJK SC"):
        font = _font(family, bold)
        if font and ord(char) in font[0]:
            cmap, metrics, units = font
            return metrics[cmap[ord(char)]][0] / units
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def text_em(text, bold=False):
    """The width of one line of `text` in em."""
    return sum(_advance(c, bold) for c in text)


def fit_pt(text, largest, smallest, width_mm, bold=False, mono=False):
    """The largest size up to `largest` at which `text` fits one line of `width_mm`; a text too long
    at `smallest` wraps at that size."""
    em = 0.6 * len(text) if mono else text_em(text, bold)
    if em <= 0:
        return largest
    return max(smallest, min(largest, int(width_mm / 25.4 * 72 / em)))


# -- writing -----------------------------------------------------------------------------------
def processes():
    """Processes laying out the parts of a bulk poster PDF side by side (POSTER_PDF_PROCESSES),
    each a fresh interpreter running poster_render, only when there are two parts or more."""
    from django.conf import settings

    return max(1, int(getattr(settings, "POSTER_PDF_PROCESSES", 1) or 1))


class PageWriter:
    """Collects poster pages (HTML) and writes them as one PDF to `out` (a binary file).

    resources: {"erating:…" URL: (bytes, mime type)} the pages may show (<img src=…>)."""

    def __init__(self, out, *, css, title, language="ms"):
        self.out, self.css, self.title, self.language = out, css, title, language
        self.resources, self.logos = {}, {}
        self.pages = 0
        self._part, self._files, self._tmp = [], [], None
        self._workers = []

    def add(self, html):
        self._part.append(html)
        self.pages += 1
        if len(self._part) >= PAGES_PER_PART:
            self._flush()

    def _document(self, pages):
        return (f'<!DOCTYPE html><html lang="{esc(self.language)}"><head><meta charset="utf-8">'
                f"<title>{esc(self.title)}</title><meta name=author content=eRating><style>{self.css}</style>"
                f"</head><body>{''.join(pages)}</body></html>")

    def _flush(self):
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory()  # removed in close()
        path = os.path.join(self._tmp.name, f"part{len(self._files)}.pdf")
        document = self._document(self._part)
        self._part = []
        self._files.append(path)
        workers = processes()
        if workers == 1:
            poster_render.render(document, self.resources, path)
            return
        # At most one part laid out per process: pages are built no faster than they are laid
        # out, so memory stays flat.
        running = [worker for worker, _path in self._workers if worker.poll() is None]
        if len(running) >= workers:
            running[0].wait()
        with open(f"{path}.job", "wb") as fh:
            pickle.dump((document, self.resources), fh)
        root = str(Path(poster_render.__file__).resolve().parents[3])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        with open(f"{path}.log", "wb") as log:
            self._workers.append((subprocess.Popen(
                [sys.executable, "-m", "erating.base.catalogue.poster_render", f"{path}.job", path],
                cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log), path))

    def close(self, empty_page):
        """Write the PDF; `empty_page` (HTML) stands in when no page was added."""
        if self.pages == 0:
            self._part = [empty_page]
        try:
            if not self._files:  # one part: straight to the output
                poster_render.render(self._document(self._part), self.resources, self.out)
                return
            if self._part:
                self._flush()
            for worker, path in self._workers:
                if worker.wait() != 0:
                    with open(f"{path}.log", "rb") as log:
                        raise RuntimeError(f"poster part failed: {log.read()[-2000:].decode(errors='replace')}")
            self._join()
        finally:
            for worker, _path in self._workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
            if self._tmp is not None:
                self._tmp.cleanup()

    def _join(self):
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import NameObject, TextStringObject

        writer = PdfWriter()
        for path in self._files:
            writer.append(PdfReader(path))
        writer.add_metadata({"/Title": self.title, "/Author": "eRating"})
        writer._root_object[NameObject("/Lang")] = TextStringObject(self.language)
        writer.write(self.out)


def scaled(css, k):
    """The stylesheet with every mm and pt length multiplied by k (A5 is A4 scaled down)."""
    if k == 1:
        return css
    return re.sub(r"(\d+(?:\.\d+)?)(mm|pt)\b", lambda m: f"{float(m[1]) * k:.2f}{m[2]}", css)


BASE_CSS = f"""
html {{ font-family: {FONTS}; color: #1A1A1A; }}
body {{ margin: 0; }}
section.poster {{ position: relative; overflow: hidden; text-align: center; }}
section.poster + section.poster {{ break-before: page; }}
.band {{ background: {NAVY}; color: #fff; text-align: left; position: relative; padding: 6mm 14mm;
  min-height: 22.5mm; }}
.band.logo {{ padding-left: 49mm; }}
.band .logo {{ position: absolute; left: 14mm; top: 6mm; width: 30mm; height: 22.5mm; background: #fff;
  border-radius: 2mm; text-align: center; line-height: 22.5mm; }}
.band .logo img {{ max-width: 26mm; max-height: 18.5mm; vertical-align: middle; }}
.band p {{ margin: 0; }}
.band .agency {{ font-weight: bold; font-size: 17pt; line-height: 1.24; }}
.band .agency-en {{ font-size: 11pt; line-height: 1.3; }}
.band .premise {{ font-size: 11pt; line-height: 1.3; margin-top: 1mm; }}
.block {{ margin: 0 18mm; }}
.navy {{ color: {NAVY}; }}
.grey {{ color: {GREY}; }}
.mono {{ font-family: {MONO}; }}
.qr svg {{ display: block; }}
footer {{ position: absolute; left: 0; right: 0; bottom: 0; height: 12mm; background: {NAVY}; color: #fff;
  font-size: 7.5pt; line-height: 12mm; }}
"""


def band(agency, premise, logo_url):
    """The navy header band: the agency's logo and name (BM, EN) and the premise."""
    names = [f'<p class="agency">{esc(agency.name_ms)}</p>']
    if agency.name_en and agency.name_en != agency.name_ms:
        names.append(f'<p class="agency-en">{esc(agency.name_en)}</p>')
    names.append(f'<p class="premise">{esc(premise.name)}</p>')
    if logo_url:
        return f'<div class="band logo"><div class="logo"><img src="{logo_url}" alt=""></div>{"".join(names)}</div>'
    return f'<div class="band">{"".join(names)}</div>'


def logo_url(writer, agency):
    """The agency's logo as a resource of the writer ("erating:logo/<id>"), or None."""
    if agency.pk not in writer.logos:
        data = None
        if agency.logo:
            try:
                with agency.logo.open("rb") as fh:
                    data = fh.read()
            except Exception:  # noqa: BLE001 - a missing or broken logo must not stop the print run
                logger.warning("Agency %s logo unreadable; poster printed without it", agency.pk)
        url = None
        if data:
            url = f"erating:logo/{agency.pk}"
            writer.resources[url] = (data, mimetypes.guess_type(agency.logo.name)[0] or "image/png")
        writer.logos[agency.pk] = url
    return writer.logos[agency.pk]


def faces_url(writer, scores):
    url = "erating:faces/" + "-".join(map(str, scores))
    if url not in writer.resources:
        writer.resources[url] = (faces_svg(scores), "image/svg+xml")
    return url


def footer(text):
    return f"<footer>{esc(text)}</footer>"
