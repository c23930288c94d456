"""PDF laid out by Typst (pdf_listing.py, listing.typ): text shaped (rustybuzz, a port of
HarfBuzz), so Malay, English, Chinese and Tamil (its conjuncts shaped) print in embedded Noto fonts,
and the file is tagged (structure tree, document language, title) for screen readers.

The layout an official files: A4, landscape for wide tables; a letterhead on every page (the
agency's logo and name, the report's title); the criteria and who generated it when under the
title; "page N of M"; table header rows repeated on every page (two when columns come in groups:
a month over its count and share); columns sized to their content and long text wrapped at word
boundaries; columns that hold one value on every row (ministry and agency in one agency's report)
said once above the table; ids without thousands separators; DD/MM/YYYY and 24-hour Malaysia time
in both languages; bar charts in the dashboard's colours (pdf_chart.py). One renderer for every
report, as for the posters (catalogue/poster_pdf.py): WeasyPrint, which laid the composed reports
out box by box in Python, took about 1 ms a table cell (README, "Reports"). ReportLab stays for
the manuals.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from erating.base.reports import pdf_chart, pdf_listing
from erating.base.reports.base import DATE, DATETIME, FLOAT, INT, NUM, PCT, TEXT, TooManyRows, local_naive
from erating.base.templatetags.numbers import formatted

# A PDF is read, not processed: beyond this a section belongs in CSV or XLSX.
PDF_MAX_ROWS = 20_000
# A PDF of more rows is built by a background task (README, "Reports").
PDF_INLINE_ROWS = 2_000
NUMERIC = (INT, FLOAT, PCT, NUM)
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


@dataclass
class Prepared:
    """A section ready to print (pdf_listing.py lays it out)."""
    title: str
    lines: list  # [(kind, text)], kind "fixed" (constant columns said once) or "note"
    chart: dict = None  # a bar chart's caption and geometry: pdf_chart.bars
    header: list = None  # the table's header rows: _header
    widths: list = None  # percent of the line
    font_pt: float = 7.0
    right: list = None  # numeric columns, aligned right
    cells: list = None  # the rows as printed; None: no table


def write(out, sections, head):
    """Lay out every section and write the PDF to `out` (a path or a binary file object): Typst
    in parts of at most pdf_listing.PART_ROWS table rows, joined into one tagged file."""
    avail = (297 if head.wide else 210) - 24
    prepared = [prepare(section, avail) for section in sections]
    pdf_listing.write(out, head, prepared, head.logo_path, pdf_processes())


def pdf_processes():
    """Typst child processes laying out the parts of a long PDF at once (REPORT_PDF_PROCESSES,
    default 1: each holds one part's layout in memory)."""
    return max(1, int(getattr(settings, "REPORT_PDF_PROCESSES", 1) or 1))


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
    chart = pdf_chart.bars(section, rows, avail_mm, fmt) if section.chart and rows else None
    if not rows:
        lines.append(("note", _("No ratings match these criteria.")))
        return Prepared(section.title, lines)
    kept = [columns[i] for i in keep]
    kinds = [c.kind for c in kept]
    cells = [[fmt(r[i], k, plain=c.plain) for i, k, c in zip(keep, kinds, kept)] for r in rows]
    del rows
    widths, font_pt = _widths(kept, cells, avail_mm)
    return Prepared(section.title, lines, chart=chart, header=_header(kept), widths=widths, font_pt=font_pt,
                    right=[k in NUMERIC for k in kinds], cells=cells)


def _header(columns):
    """The table's header rows: one, or two when columns come in groups (a month over its count
    and share): [[(label, colspan, rowspan, numeric, group)]]."""
    numeric = [c.kind in NUMERIC for c in columns]
    if not any(c.group for c in columns):
        return [[(str(c.label), 1, 1, n, False) for c, n in zip(columns, numeric)]]
    top, bottom, i = [], [], 0
    while i < len(columns):
        c = columns[i]
        if not c.group:
            top.append((str(c.label), 1, 2, False, False))
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == c.group:
            bottom.append((str(columns[j].short or columns[j].label), 1, 1, True, False))
            j += 1
        top.append((str(c.group), j - i, 1, False, True))
        i = j
    return [top, bottom]


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
