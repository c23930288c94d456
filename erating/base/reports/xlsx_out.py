"""XLSX with XlsxWriter in constant_memory mode: each row goes to disk as it is written, so a
million-row sheet costs no more memory than ten. Typed cells, real dates, frozen header, one
sheet per section, column widths, and a bar chart where the PDF draws one.

A sheet holds at most 1,048,576 rows. Beyond that the writer either stops with TooManyRows
(the file is removed, never left half-written) or, when asked to split, continues on a new sheet.
"""
import itertools
import os
import re
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from erating.base.reports.base import (
    DATE,
    DATETIME,
    FLOAT,
    INT,
    NUM,
    PCT,
    TEXT,
    XLSX_HEAD_LINES,
    XLSX_MAX_ROWS,
    XLSX_TABLE_ROW,
    TooManyRows,
    local_naive,
)

SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31  # Excel's limit
WIDTH_SAMPLE = 500  # rows read ahead to size the columns to their content
MAX_WIDTH = 60


def whole_words(text, limit):
    """`text` cut to `limit` characters at a word boundary, never inside a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(" ,;:–-&(") or text[:limit]


def sheet_name(section, used, part=1):
    """The section's sheet name, whole words within Excel's 31 characters, unique in the book."""
    title = section.sheet or section.title
    base = SHEET_NAME_BAD.sub(" ", title).strip() or "Sheet"
    suffix = "" if part == 1 else f" ({part})"
    name = whole_words(base, SHEET_NAME_MAX - len(suffix)) + suffix
    n = 2
    while name.lower() in used:
        suffix = f" ({n})" if part == 1 else f" ({part}.{n})"
        name = whole_words(base, SHEET_NAME_MAX - len(suffix)) + suffix
        n += 1
    used.add(name.lower())
    return name


def head_lines(head, section):
    """The header block of a sheet: what it holds, for whom, for when, by which criteria, made when."""
    period, *rest = head.criteria_lines or [""]
    return [f"{head.title} — {section.title}", head.agency_name, period, " · ".join(rest), head.generated_line]


def _shown(value, kind):
    if value is None:
        return ""
    if kind == DATETIME:
        return "00/00/0000 00:00:00"
    if kind == DATE:
        return "00/00/0000"
    if kind in (INT, NUM) and isinstance(value, int):
        return f"{value:,}"
    if kind in (FLOAT, PCT, NUM):
        return f"{value:,.2f}"
    return str(value)


def sized(section):
    """(widths in characters, the rows again): the section's columns sized to the longest label
    word and the first rows' values, at least each column's declared width."""
    rows = iter(section.rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = []
    for i, col in enumerate(section.columns):
        label = max((len(w) for w in str(col.label).split()), default=4)
        content = max((len(_shown(r[i], col.kind)) for r in sample if i < len(r)), default=0)
        widths.append(min(max(col.width if col.kind != TEXT else 8, label + 2, content + 2), MAX_WIDTH))
    return widths, itertools.chain(sample, rows)


class _Sheet:
    def __init__(self, book, formats, section, used, head, widths, part=1):
        self.ws = book.add_worksheet(sheet_name(section, used, part))
        self.name = self.ws.get_name()
        self.section = section
        self.formats = formats
        for i, (col, width) in enumerate(zip(section.columns, widths)):
            self.ws.set_column(i, i, width, formats.get(col.kind))
        lines = head_lines(head, section)
        self.ws.write_string(0, 0, lines[0], formats["title"])
        for r, line in enumerate(lines[1:], 1):
            if line:
                self.ws.write_string(r, 0, line, formats["meta"])
        self.ws.write_row(XLSX_TABLE_ROW, 0, [c.label for c in section.columns], formats["header"])
        self.ws.freeze_panes(XLSX_TABLE_ROW + 1, 0)
        self.row = XLSX_TABLE_ROW + 1

    def close(self):
        last = max(self.row - 1, XLSX_TABLE_ROW)
        self.ws.autofilter(XLSX_TABLE_ROW, 0, last, len(self.section.columns) - 1)


def write(path, sections, *, split=False, head):
    """Write every section to `path`. Returns the number of data rows written."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "remove_timezone": True})
    book.set_properties({"title": head.title, "author": head.agency_name, "comments": "\n".join(head.criteria_lines)})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 13, "font_color": "#1F3864"}),
        "meta": book.add_format({"font_color": "#404040"}),
        "header": book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                                   "valign": "bottom"}),
        DATETIME: book.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
        DATE: book.add_format({"num_format": "dd/mm/yyyy"}),
        FLOAT: book.add_format({"num_format": "0.00"}),
        PCT: book.add_format({"num_format": "0.0"}),
        INT: book.add_format({"num_format": "#,##0"}),
        "id": book.add_format({"num_format": "0"}),
    }
    used, total = set(), 0
    try:
        for section in sections:
            if section.count is not None and section.count > XLSX_MAX_ROWS - XLSX_HEAD_LINES - 1 and not split:
                raise TooManyRows(too_many_message(section.count))
            total += _write_section(book, formats, section, used, split, head)
        book.close()
    except BaseException:
        try:
            book.close()
        finally:
            if os.path.exists(path):
                os.remove(path)
        raise
    return total


def _write_section(book, formats, section, used, split, head):
    widths, rows = sized(section)
    sheet, part, written = _Sheet(book, formats, section, used, head, widths), 1, 0
    kinds = [c.kind for c in section.columns]
    number_formats = [formats["id"] if c.plain else formats.get(c.kind) for c in section.columns]
    for row in rows:
        if sheet.row >= XLSX_MAX_ROWS:
            if not split:
                raise TooManyRows(too_many_message(written + 1))
            sheet.close()
            part += 1
            sheet = _Sheet(book, formats, section, used, head, widths, part)
        ws, r = sheet.ws, sheet.row
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[c]
            if kind in (DATETIME, DATE) and isinstance(value, datetime):
                ws.write_datetime(r, c, local_naive(value) if value.tzinfo else value, formats[kind])
            elif kind == DATE and isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), formats[DATE])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, number_formats[c])  # exact; the format rounds the display
            elif isinstance(value, Decimal):  # a figure at its own precision (NUM columns)
                places = max(0, -value.as_tuple().exponent)
                ws.write_number(r, c, float(value), number_formats[c] or formats[PCT if places == 1 else FLOAT]
                                if places else formats[INT])
            else:
                ws.write_string(r, c, str(value))
        sheet.row += 1
        written += 1
    sheet.close()
    if section.chart and written and part == 1:
        _chart(book, sheet, section, written)
    return written


def _chart(book, sheet, section, n):
    chart = book.add_chart({"type": "bar"})
    spec = section.chart
    first, last = XLSX_TABLE_ROW + 1, XLSX_TABLE_ROW + min(n, spec.max_bars)
    for col in spec.value_cols:
        chart.add_series({
            "name": [sheet.name, XLSX_TABLE_ROW, col],
            "categories": [sheet.name, first, spec.label_col, last, spec.label_col],
            "values": [sheet.name, first, col, last, col],
        })
    chart.set_title({"name": spec.title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 24 * (last - first + 1) + 120})
    sheet.ws.insert_chart(XLSX_TABLE_ROW + 1, len(section.columns) + 1, chart)


def too_many_message(rows):
    return _("This report has %(rows)s rows; an Excel sheet holds at most 1,048,576. Download it as CSV, or "
             "choose to split it across several sheets.") % {"rows": f"{rows:,}"}
