"""A bounded XLSX reader for imports: the first sheet's cell values, read by streaming its XML.

Why not openpyxl: it loads the whole shared-strings table and walks every cell of a row before
any limit applies, so a 60 KB file with one row of 15 million empty <c/> cells (or a table of
4.5 million empty strings) held an import request for half a minute. Here every XML element read
counts against a budget (cells, shared strings, rows); the first one exceeded stops the read at
once with a clear message. Reading stops early, so the zip members are only inflated that far."""
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.translation import gettext as _

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class BudgetExceeded(Exception):
    """The file asks for more work than an import may do; the message says which limit."""


@dataclass
class Budget:
    cells: int
    shared_strings: int
    rows: int
    columns: int
    work: int = 0  # XML events read: what the tests assert on (not time, which the machine varies)

    @property
    def max_work(self):
        """Events allowed in all: a few per cell, string and row (start, end, value), so elements
        that are neither (millions of unknown tags inside a row) are bounded too."""
        return 4 * self.cells + 3 * self.shared_strings + 2 * self.rows + 10_000

    def tick(self):
        self.work += 1
        if self.work > self.max_work:
            raise BudgetExceeded(_("The spreadsheet is too complex to read (too many parts in its XML). Save it "
                                   "again from Excel or LibreOffice, or as CSV UTF-8."))


def _first_sheet(book):
    """The path of the workbook's first sheet (as listed in workbook.xml), or the usual name."""
    try:
        with book.open("xl/workbook.xml") as f:
            rid = next((el.get(f"{REL}id") for _e, el in iterparse(f) if el.tag == f"{MAIN}sheet"), None)
        with book.open("xl/_rels/workbook.xml.rels") as f:
            for _e, el in iterparse(f):
                if el.tag == f"{PKG_REL}Relationship" and el.get("Id") == rid:
                    target = el.get("Target", "")
                    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                        posixpath.join("xl", target))
    except (KeyError, ParseError):
        pass
    return "xl/worksheets/sheet1.xml"


def _shared_strings(book, budget):
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as f:
        for _e, el in iterparse(f):
            budget.tick()
            if el.tag == f"{MAIN}si":
                if len(strings) >= budget.shared_strings:
                    raise BudgetExceeded(_("The spreadsheet has more than %(max)s different texts. Split it into "
                                           "smaller files.") % {"max": f"{budget.shared_strings:,}"})
                strings.append("".join(t.text or "" for t in el.iter(f"{MAIN}t")))
                el.clear()
    return strings


def _column(ref):
    """0-based column of a cell reference such as "C7" (None when absent or odd)."""
    n = 0
    for ch in ref or "":
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1 if n else None


def _value(cell, strings):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
    v = cell.find(f"{MAIN}v")
    text = v.text if v is not None else None
    if text is None:
        return None
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind == "b":
        return text == "1"
    if kind in ("str", "e"):
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def read_rows(data_file, budget):
    """Yield (row number, [values]) of the first sheet, within `budget`. Raises BudgetExceeded."""
    with zipfile.ZipFile(data_file) as book:
        strings = _shared_strings(book, budget)
        cells_read = rows_read = 0
        with book.open(_first_sheet(book)) as f:
            row, number = [], 0
            for event, el in iterparse(f, events=("start", "end")):
                budget.tick()
                if event == "start":
                    if el.tag == f"{MAIN}row":
                        rows_read += 1
                        try:
                            number = int(el.get("r") or number + 1)
                        except ValueError:
                            number += 1
                        if rows_read > budget.rows or number > budget.rows:
                            raise BudgetExceeded(_("The file has more than %(max)s rows, counting empty ones. Delete "
                                                   "the empty rows below or between your data (or split the file) "
                                                   "and upload it again.") % {"max": f"{budget.rows:,}"})
                        row = []
                    continue
                if el.tag == f"{MAIN}c":
                    cells_read += 1
                    if cells_read > budget.cells:
                        raise BudgetExceeded(_("The spreadsheet has more than %(max)s cells, counting empty ones. "
                                               "Delete the empty columns and rows around your data and upload it "
                                               "again.") % {"max": f"{budget.cells:,}"})
                    col = _column(el.get("r"))
                    col = len(row) if col is None else col
                    if col < budget.columns:
                        row.extend([None] * (col - len(row)))
                        if col == len(row):
                            row.append(_value(el, strings))
                    el.clear()
                elif el.tag == f"{MAIN}row":
                    yield number, row
                    el.clear()
                elif el.tag == f"{MAIN}sheetData":
                    break
