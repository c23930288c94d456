"""PDF with WeasyPrint: HTML and CSS laid out with Pango and HarfBuzz, so Malay, English, Chinese
and Tamil (its conjuncts shaped) print in embedded Noto fonts, and the file is tagged (structure
tree, document language, title) for screen readers.

The layout an official files: A4, landscape for wide tables; a letterhead on every page (the
agency's logo and name, the report's title); the criteria and who generated it when under the
title; "page N of M"; table header rows repeated on every page; columns sized to their content
and long text wrapped at word boundaries; columns that hold one value on every row (ministry and
agency in one agency's report) said once above the table; ids without thousands separators;
DD/MM/YYYY and 24-hour Malaysia time in both languages. Charts are inline SVG in the dashboard's
colours. Row-level listings (detailed, low, user log) are laid out by Typst in the same layout
(pdf_listing.py: WeasyPrint's box-by-box layout in Python cost about 1 ms a table cell), as are
the posters (catalogue/poster_pdf.py); the composed reports by WeasyPrint. ReportLab stays for the
manuals (README, "Reports").
"""
import base64
import logging
import mimetypes
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.conf import settings
from django.utils.translation import gettext as _

from erating.base.reports import pdf_chart, pdf_join
from erating.base.reports.base import DATE, DATETIME, FLOAT, INT, NUM, PCT, TEXT, TooManyRows, local_naive
from erating.base.reports.pdf_chart import FONTS
from erating.base.templatetags.numbers import formatted

logger = logging.getLogger(__name__)
# A PDF is read, not processed: beyond this a section belongs in CSV or XLSX.
PDF_MAX_ROWS = 20_000
# A PDF of more rows is built by a background task (README, "Reports").
PDF_INLINE_ROWS = 2_000
# Rows laid out in one WeasyPrint pass (memory: about 0.25 MB a row until the part is written).
CHUNK_ROWS = 800
NUMERIC = (INT, FLOAT, PCT, NUM)
# The dashboard's colours (static/erating/analysis.js): bars in its primary blue, scores 5..1 in its scale.
NAVY = "#1F3864"
# Characters per millimetre of a 7 pt Noto Sans line, measured on mixed Malay text; used only to
# share the width between columns, the layout itself wraps.
CHARS_PER_MM = 0.72
BOLD = 1.12  # a bold header letter against a regular one
PADDING = 2.5  # the cell's padding and border, in characters
MAX_TEXT_CHARS = 42  # a long comment wraps rather than taking the page


def too_many_message():
    return _("This report has more than %(n)s rows, too many for a PDF. Download it as CSV or XLSX.") % {
        "n": formatted(PDF_MAX_ROWS, 0)}


def fmt(value, kind, *, plain=False):
    """A cell as printed: numbers grouped with fixed decimals (ids plain), DD/MM/YYYY HH:MM."""
    if value is None or value == "":
        return ""
    # Rounded half up to the shown precision (erating.base.numbers), never cut.
    if kind == PCT:
        return formatted(value, 1)
    if kind == FLOAT or (kind == NUM and isinstance(value, float)):
        return formatted(value, 2)
    if kind == NUM and isinstance(value, Decimal):  # a figure already at its own precision
        return formatted(value, max(0, -value.as_tuple().exponent))
    if kind in (INT, NUM) and isinstance(value, int) and not isinstance(value, bool):
        return str(value) if plain else formatted(value, 0)
    if kind == DATETIME and hasattr(value, "hour"):
        return (local_naive(value) if value.tzinfo else value).strftime("%d/%m/%Y %H:%M")
    if kind in (DATE, DATETIME) and hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _data_uri(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        logger.warning("Agency logo could not be read: %s", path)
        return None
    kind = mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _refuse_fetch(url, *args, **kwargs):
    # Everything the document shows is inline (logo as a data: URI): nothing is fetched, so no
    # text in a report can make the renderer read a file or call a server.
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url)
    raise ValueError("reports fetch no external resources")


def _css_content(template):
    """'Page %(page)s of %(total)s' in the report's language as a CSS content value."""
    marked = template % {"page": "\x00page\x00", "total": "\x00pages\x00"}
    parts = []
    for i, piece in enumerate(marked.split("\x00")):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def _css(head, numbered=True):
    size = "A4 landscape" if head.wide else "A4"
    generated = head.generated_line.replace("\\", "\\\\").replace('"', '\\"')
    return f"""
@page {{ size: {size}; margin: 27mm 12mm 15mm 12mm;
  @top-left {{ content: element(letterhead); vertical-align: bottom; width: 100%; }}
  @bottom-left {{ content: "{generated}"; font: 7pt {FONTS}; color: #555; }}
  @bottom-right {{ content: {_css_content(_("Page %(page)s of %(total)s")) if numbered else '""'};
                   font: 7pt {FONTS}; color: #555; white-space: nowrap; }} }}
html {{ font-family: {FONTS}; font-size: 9pt; color: #111; }}
body {{ margin: 0; }}
.letterhead {{ position: running(letterhead); display: flex; align-items: center; gap: 3mm;
  border-bottom: 0.8pt solid {NAVY}; padding-bottom: 1.5mm; width: 100%; }}
.letterhead img {{ height: 12mm; width: auto; max-width: 30mm; }}
.letterhead .agency {{ font-weight: bold; font-size: 11pt; color: {NAVY}; margin: 0; }}
.letterhead .doc {{ font-size: 8.5pt; color: {NAVY}; margin: 0; }}
h1 {{ font-size: 14pt; color: {NAVY}; margin: 0 0 2mm; }}
h2 {{ font-size: 11pt; color: {NAVY}; margin: 5mm 0 1.5mm; break-after: avoid; }}
ul.criteria {{ list-style: none; padding: 0; margin: 0 0 3mm; font-size: 8pt; }}
ul.criteria li {{ margin: 0; }}
p.note, p.fixed {{ font-size: 8pt; margin: 0 0 1.5mm; }}
p.fixed {{ color: #333; }}
table {{ border-collapse: collapse; table-layout: fixed; width: 100%; line-height: 1.5; }}
th, td {{ border: 0.25pt solid #A6A6A6; padding: 0.6mm 0.9mm; vertical-align: top; text-align: left;
  overflow-wrap: break-word; hyphens: manual; }}
thead th {{ background: #DCE6F1; font-weight: bold; vertical-align: bottom; }}
thead th.group {{ text-align: center; }}
tbody tr:nth-child(even) td {{ background: #F3F6FA; }}
td.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
th.n {{ text-align: right; }}
td.t {{ white-space: nowrap; }}
tr {{ break-inside: avoid; }}
figure {{ margin: 0 0 2mm; break-inside: avoid; }}
figcaption {{ font-weight: bold; font-size: 8.5pt; color: {NAVY}; margin-bottom: 1mm; }}
"""


@dataclass
class Prepared:
    """A section ready to print, whichever renderer lays it out."""
    title: str
    lines: list  # [(css class, text)]: constant columns said once, the note
    chart: str = ""  # inline SVG (the WeasyPrint reports)
    labels: list = None
    header: str = ""  # the table's <thead> (the WeasyPrint reports)
    widths: list = None  # percent of the line
    font_pt: float = 7.0
    right: list = None  # numeric columns, aligned right
    classes: list = None
    cells: list = None  # the rows as printed; None: no table


def write(out, sections, head, *, listing=False):
    """Lay out every section and write the PDF to `out` (a path or a binary file object).

    A row-level listing (`listing`) is laid out by Typst (pdf_listing.py); the other reports by
    WeasyPrint, which keeps every page's layout until it writes (about 0.25 MB a table row), so
    a long report is laid out in parts of at most CHUNK_ROWS rows, each written to a temporary
    tagged PDF; the parts are then joined into one tagged file, "page N of M" stamped on each
    page (pdf_join.py)."""
    avail = (297 if head.wide else 210) - 24
    prepared = [prepare(section, avail) for section in sections]
    if listing:
        from erating.base.reports import pdf_listing

        pdf_listing.write(out, head, prepared, head.logo_path, pdf_processes())
        return
    blocks = [(f"<h1>{escape(head.title)}</h1>", 0)]
    if head.criteria_lines:
        blocks.append(('<ul class="criteria">' + "".join(f"<li>{escape(line)}</li>" for line in head.criteria_lines)
                       + "</ul>", 0))
    for section in prepared:
        blocks.extend(_html_blocks(section))
    del prepared
    parts, current, rows = [], [], 0
    for html, n in blocks:
        if current and rows + n > CHUNK_ROWS:
            parts.append(current)
            current, rows = [], 0
        current.append(html)
        rows += n
    parts.append(current)
    if len(parts) == 1:
        _render(_document(head, parts[0], numbered=True), out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = [os.path.join(tmp, f"part{i}.pdf") for i in range(len(parts))]
        jobs = [(_document(head, part, numbered=False), path) for part, path in zip(parts, files)]
        del parts
        workers = min(pdf_processes(), len(jobs))
        if workers > 1:
            # Parts are independent: laid out side by side in forked processes (each holds one
            # part's layout), the join waits for all of them.
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                list(pool.map(_render_job, jobs))
        else:
            for job in jobs:
                _render_job(job)
        pdf_join.join(files, out, head)


def pdf_processes():
    """Processes laying out the parts of a long PDF at once (REPORT_PDF_PROCESSES, default 1:
    each holds one part's layout in memory; WeasyPrint's are forked, which is safe in a
    single-threaded task worker, where long PDFs are built, not in a threaded app server)."""
    return max(1, int(getattr(settings, "REPORT_PDF_PROCESSES", 1) or 1))


def _render_job(job):
    _render(*job)


def _render(document, out):
    from weasyprint import HTML

    HTML(string=document, url_fetcher=_refuse_fetch).write_pdf(out, pdf_tags=True)


def _document(head, body, *, numbered):
    logo = _data_uri(head.logo_path) if head.logo_path else None
    letterhead = ('<div class="letterhead">' + (f'<img src="{logo}" alt="{escape(_("Logo"))}">' if logo else "")
                  + f'<div><p class="agency">{escape(head.agency_name)}</p>'
                  f'<p class="doc">{escape(head.title)}</p></div></div>')
    document = (f'<!DOCTYPE html><html lang="{escape(head.language)}"><head><meta charset="utf-8">'
                f"<title>{escape(head.title)}</title><meta name=author content=\"{escape(head.agency_name)}\">"
                f"<style>{_css(head, numbered)}</style></head><body>{letterhead}{''.join(body)}</body></html>")
    return document


def prepare(section, avail_mm):
    """The section as printed: its constant columns said once above the table, the cells
    formatted, the columns' widths and the table's font size."""
    rows = []
    for row in section.rows:
        if len(rows) >= PDF_MAX_ROWS:
            raise TooManyRows(too_many_message())
        rows.append(row)
    columns = list(section.columns)
    keep = list(range(len(columns)))
    fixed = []
    # One value on every row of a column that allows it (ministry, agency): said once above the table.
    if len(rows) > 1:
        for i, col in enumerate(columns):
            if col.fold and len({r[i] for r in rows}) == 1:
                keep.remove(i)
                if rows[0][i] not in (None, ""):
                    fixed.append(f"{col.label}: {fmt(rows[0][i], col.kind)}")
    lines = []
    if fixed:
        lines.append(("fixed", " · ".join(fixed)))
    if section.note:
        lines.append(("note", section.note))
    chart = pdf_chart.bars(section, rows, avail_mm, fmt) if section.chart and rows else ""
    if not rows:
        lines.append(("note", _("No ratings match these criteria.")))
        return Prepared(section.title, lines)
    kept = [columns[i] for i in keep]
    kinds = [c.kind for c in kept]
    cells = [[fmt(r[i], k, plain=c.plain) for i, k, c in zip(keep, kinds, kept)] for r in rows]
    del rows
    widths, font_pt = _widths(kept, cells, avail_mm)
    return Prepared(section.title, lines, chart=chart, labels=[str(c.label) for c in kept], header=_thead(kept),
                    widths=widths, font_pt=font_pt, right=[k in NUMERIC for k in kinds],
                    classes=[' class="n"' if k in NUMERIC else ' class="t"' if k in (DATETIME, DATE) else ""
                             for k in kinds], cells=cells)


def _html_blocks(section):
    """-> [(HTML, rows)]: the section's heading, lines, chart and table in blocks of at most
    CHUNK_ROWS rows (each table block repeats the header row)."""
    parts = [f"<h2>{escape(section.title)}</h2>"]
    parts += [f'<p class="{kind}">{escape(text)}</p>' for kind, text in section.lines]
    parts.append(section.chart)
    if section.cells is None:
        return [("".join(parts), 0)]
    table = (f'<table style="font-size:{section.font_pt}pt"><colgroup>'
             + "".join(f'<col style="width:{w:.2f}%">' for w in section.widths) + "</colgroup>"
             + section.header + "<tbody>")
    classes, cells = section.classes, section.cells
    blocks = []
    for start in range(0, len(cells), CHUNK_ROWS):
        body = ["".join(parts) if start == 0 else "", table]
        for row in cells[start:start + CHUNK_ROWS]:
            body.append("<tr>" + "".join(f"<td{c}>{escape(v)}</td>" for c, v in zip(classes, row)) + "</tr>")
        body.append("</tbody></table>")
        blocks.append(("".join(body), len(cells[start:start + CHUNK_ROWS])))
    return blocks


def _thead(columns):
    """One header row, or two when columns come in groups (a month's count and share)."""
    numeric = [c.kind in NUMERIC for c in columns]
    if not any(c.group for c in columns):
        return "<thead><tr>" + "".join(
            f'<th scope="col"{" class=\"n\"" if n else ""}>{escape(c.label)}</th>'
            for c, n in zip(columns, numeric)) + "</tr></thead>"
    top, bottom, i = [], [], 0
    while i < len(columns):
        c = columns[i]
        if not c.group:
            top.append(f'<th scope="col" rowspan="2">{escape(c.label)}</th>')
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == c.group:
            bottom.append(f'<th scope="col" class="n">{escape(columns[j].short or columns[j].label)}</th>')
            j += 1
        top.append(f'<th scope="colgroup" colspan="{j - i}" class="group">{escape(c.group)}</th>')
        i = j
    return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr></thead>"


def _widths(columns, cells, avail_mm):
    """Percent widths from what each column holds: at least its label's longest word and its
    widest value (numbers, dates) or longest word (text), so nothing breaks inside a word; the
    rest shared by how long the text runs. The font shrinks when the minimums do not fit."""
    need, least = [], []
    for i, col in enumerate(columns):
        label_word = BOLD * max((len(w) for w in str(col.short or col.label).split()), default=1)
        if col.kind == TEXT:
            lengths = [len(r[i]) for r in cells]
            longest = max(lengths, default=0)
            word = max((len(w) for r in cells for w in r[i].split()), default=0) if longest else 0
            low = max(label_word, min(word, 24), 3)
            typical = sorted(lengths)[int(len(lengths) * 0.9)] if lengths else 0
            high = max(low, min(max(typical, longest // 3), MAX_TEXT_CHARS))
        else:
            low = high = max(label_word, max((len(r[i]) for r in cells), default=1))
        least.append(low + PADDING)
        need.append(high + PADDING)
    font_pt = 7.0
    capacity = avail_mm * CHARS_PER_MM * 7.0 / font_pt
    while sum(least) > capacity and font_pt > 5.0:
        font_pt -= 0.5
        capacity = avail_mm * CHARS_PER_MM * 7.0 / font_pt
    total = sum(need)
    if total <= capacity:
        widths = [n / total for n in need]
    else:
        # Give every column its minimum, then share what is left by how much more each would like.
        spare = max(capacity - sum(least), 0)
        extra = [n - lo for n, lo in zip(need, least)]
        extra_total = sum(extra) or 1
        widths = [(lo + spare * e / extra_total) / capacity for lo, e in zip(least, extra)]
        scale = sum(widths)
        widths = [w / scale for w in widths]
    return [100 * w for w in widths], font_pt
