"""XLSX with XlsxWriter in constant_memory mode: each row goes to disk as it is written, so a
million-row sheet costs no more memory than ten. Typed cells, real dates, frozen header, one
sheet per section, column widths, and a bar chart where the PDF draws one.

A sheet holds at most 1,048,576 rows. Beyond that the writer either stops with TooManyRows
(the file is removed, never left half-written) or, when asked to split, continues on a new sheet.
"""
import os
import re
from datetime import datetime
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from erating.base.reports.base import DATE, DATETIME, FLOAT, INT, PCT, XLSX_MAX_ROWS, TooManyRows, local_naive

SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title, used):
    base = SHEET_NAME_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} ({n})"
        n += 1
    used.add(name.lower())
    return name


class _Sheet:
    def __init__(self, book, formats, section, used, part=1):
        title = section.title if part == 1 else f"{section.title} {part}"
        self.ws = book.add_worksheet(_sheet_name(title, used))
        self.name = self.ws.get_name()
        self.section = section
        self.formats = formats
        for i, col in enumerate(section.columns):
            self.ws.set_column(i, i, col.width, formats.get(col.kind))
        self.ws.write_row(0, 0, [c.label for c in section.columns], formats["header"])
        self.ws.freeze_panes(1, 0)
        self.row = 1


def write(path, sections, *, split=False, title="", context_lines=()):
    """Write every section to `path`. Returns the number of data rows written."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "remove_timezone": True})
    book.set_properties({"title": title, "comments": "\n".join(context_lines)})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True}),
        DATETIME: book.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
        DATE: book.add_format({"num_format": "dd/mm/yyyy"}),
        FLOAT: book.add_format({"num_format": "0.00"}),
        PCT: book.add_format({"num_format": "0.0"}),
        INT: book.add_format({"num_format": "#,##0"}),
    }
    used, total = set(), 0
    try:
        for section in sections:
            if section.count is not None and section.count >= XLSX_MAX_ROWS and not split:
                raise TooManyRows(too_many_message(section.count))
            total += _write_section(book, formats, section, used, split)
        book.close()
    except BaseException:
        try:
            book.close()
        finally:
            if os.path.exists(path):
                os.remove(path)
        raise
    return total


def _write_section(book, formats, section, used, split):
    sheet, part, written = _Sheet(book, formats, section, used), 1, 0
    kinds = [c.kind for c in section.columns]
    for row in section.rows:
        if sheet.row >= XLSX_MAX_ROWS:
            if not split:
                raise TooManyRows(too_many_message(written + 1))
            part += 1
            sheet = _Sheet(book, formats, section, used, part)
        ws, r = sheet.ws, sheet.row
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[c]
            if kind in (DATETIME, DATE) and isinstance(value, datetime):
                ws.write_datetime(r, c, local_naive(value) if value.tzinfo else value, formats[kind])
            elif kind == DATE and hasattr(value, "isoformat"):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), formats[DATE])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, formats.get(kind))  # exact; the format rounds the display
            elif isinstance(value, Decimal):  # a figure at its own precision (NUM columns)
                places = max(0, -value.as_tuple().exponent)
                ws.write_number(r, c, float(value), formats.get(kind) or formats[PCT if places == 1 else FLOAT]
                                if places else formats[INT])
            else:
                ws.write_string(r, c, str(value))
        sheet.row += 1
        written += 1
    if section.chart and written and part == 1:
        _chart(book, sheet, section, written)
    return written


def _chart(book, sheet, section, n):
    chart = book.add_chart({"type": "bar"})
    spec = section.chart
    last = min(n, spec.max_bars)
    for col in spec.value_cols:
        chart.add_series({
            "name": [sheet.name, 0, col],
            "categories": [sheet.name, 1, spec.label_col, last, spec.label_col],
            "values": [sheet.name, 1, col, last, col],
        })
    chart.set_title({"name": spec.title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 24 * last + 120})
    sheet.ws.insert_chart(1, len(section.columns) + 1, chart)


def too_many_message(rows):
    return _("This report has %(rows)s rows; an Excel sheet holds at most 1,048,576. Download it as CSV, or "
             "choose to split it across several sheets.") % {"rows": f"{rows:,}"}
