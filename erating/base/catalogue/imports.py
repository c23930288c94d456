"""Bulk import of premises, rating targets and officers from CSV or XLSX.

Two steps: validate() reads the file and returns a Preview (rows to create / update and every
row-level error); commit() writes a clean preview in ONE transaction, so a file either imports
completely or not at all. Reading a file never writes anything. The per-kind rules (columns,
checks, writes) are in import_kinds.py."""
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from erating.base.auditlog.log import log_action
from erating.base.catalogue import xlsx_read
from erating.base.catalogue.import_kinds import KINDS

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
# The work is bounded by what is READ, not by what is kept: a small XLSX can declare millions of
# empty rows (or cells, or a zip bomb of XML) that would otherwise all be walked before any
# limit on kept rows is reached.
MAX_READ_ROWS = 2 * MAX_ROWS       # rows read, blank ones included
MAX_COLUMNS = 100                  # cells read per row; every import has far fewer columns
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an XLSX's members, uncompressed
# The XLSX reader's budget (xlsx_read.py): cells read (empty ones included) and distinct texts.
# Every import has at most a dozen columns: 15 per row of MAX_ROWS rows is ample.
MAX_CELLS = 15 * MAX_ROWS
MAX_SHARED_STRINGS = 10 * MAX_ROWS


def xlsx_budget():
    return xlsx_read.Budget(cells=MAX_CELLS, shared_strings=MAX_SHARED_STRINGS, rows=MAX_READ_ROWS,
                            columns=MAX_COLUMNS + 1)
# Signatures of files people upload by mistake, so they get "not a spreadsheet", not gibberish.
FOREIGN_MAGIC = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"%PDF": "PDF"}
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Preview:
    kind: str
    filename: str
    sha256: str
    columns: list
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self):
        return not self.file_error and not self.errors and bool(self.creates or self.updates)

    @property
    def row_count(self):
        return len(self.creates) + len(self.updates) + self.unchanged


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets turn a code like 101 into 101.0
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _limited(rows):
    """Yield (spreadsheet row number, cells) for non-blank rows; refuse more than MAX_ROWS kept or
    MAX_READ_ROWS read (blank rows count as read)."""
    count = 0
    for number, cells in rows:
        if number > MAX_READ_ROWS:
            raise ImportFileError(_("The file has more than %(max)s rows, counting empty ones. Delete the empty rows "
                                    "below or between your data (or split the file) and upload it again.")
                                  % {"max": f"{MAX_READ_ROWS:,}"})
        cells = [_cell(v) for v in cells[:MAX_COLUMNS + 1]]
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS + 1:  # + the header row
            raise ImportFileError(_("The file has more than %(max)s rows. Split it into files of at most "
                                    "%(max)s rows each.") % {"max": f"{MAX_ROWS:,}"})
        yield number, cells


def _read_csv(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(_("The file is saved as UTF-16 text. Save it as \"CSV UTF-8\" and upload it again."))
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFileError(_("The file is not UTF-8 text (problem on line %(line)s). Save it as \"CSV UTF-8\" "
                                "and upload it again.") % {"line": line}) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(_limited(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
    return rows


def _read_xlsx(data, budget=None):
    budget = budget or xlsx_budget()
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except Exception:  # noqa: BLE001 - a broken zip directory
        unpacked = 0
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The spreadsheet is too large once unpacked (more than %(mb)s MB). Split it into "
                                "smaller files.") % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
    try:
        return list(_limited(xlsx_read.read_rows(io.BytesIO(data), budget)))
    except ImportFileError:
        raise
    except xlsx_read.BudgetExceeded as exc:
        raise ImportFileError(str(exc)) from None
    except Exception:  # noqa: BLE001 - a broken zip, a missing sheet, malformed XML
        raise ImportFileError(_("This file is not a valid XLSX spreadsheet. Save it from Excel or LibreOffice as "
                                "\"Excel Workbook (.xlsx)\" or as CSV UTF-8.")) from None


def read_table(data, filename="", budget=None):
    """(header cells, [(row number, cells), ...]) from CSV or XLSX bytes, decided by content."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    for magic, name in FOREIGN_MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(_("This file is a %(type)s, not a spreadsheet. Upload a CSV or XLSX file.")
                                  % {"type": name})
    if data.startswith(OLD_EXCEL_MAGIC):
        raise ImportFileError(_("Old Excel 97-2003 (.xls) files are not supported. Save it as .xlsx or CSV UTF-8."))
    if zipfile.is_zipfile(io.BytesIO(data)):
        rows = _read_xlsx(data, budget)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("This file is not a valid XLSX spreadsheet."))
    else:
        rows = _read_csv(data)
    if not rows:
        raise ImportFileError(_("The file has no header row and no data."))
    header = [h.lstrip("\ufeff").strip().lower().replace(" ", "_") for h in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    return header, rows[1:]


def check_header(header, columns, optional=()):
    """`optional`: columns a file may leave out (added later: older files stay valid)."""
    seen = set()
    duplicates = sorted({h for h in header if h in seen or seen.add(h)})
    missing = [c for c in columns if c not in header and c not in optional]
    extra = [h for h in header if h not in columns]
    problems = []
    if duplicates:
        problems.append(_("Repeated column(s): %(cols)s.") % {"cols": ", ".join(duplicates)})
    if missing:
        problems.append(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    if extra:
        problems.append(_("Unknown column(s): %(cols)s.") % {"cols": ", ".join(h or _("(no name)") for h in extra)})
    if problems:
        problems.append(_("The first row must have exactly these columns: %(cols)s. Download the template.")
                        % {"cols": ", ".join(columns)})
        raise ImportFileError(" ".join(problems))


def validate(agency, kind, data, filename=""):
    spec = KINDS[kind]
    preview = Preview(kind=kind, filename=filename, sha256=hashlib.sha256(data).hexdigest(), columns=spec.columns)
    try:
        header, rows = read_table(data, filename)
        check_header(header, spec.columns, getattr(spec, "optional", ()))
        if not rows:
            raise ImportFileError(_("The file has a header row but no data rows."))
    except ImportFileError as exc:
        preview.file_error = str(exc)
        return preview
    index = {name: header.index(name) for name in spec.columns if name in header}
    absent = dict.fromkeys(name for name in spec.columns if name not in header)  # None: not in the file
    records = []
    for number, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        if len(cells) > len(header) and any(cells[len(header):]):
            preview.errors.append(RowError(number, "", _("This row has more cells than there are columns.")))
            continue
        records.append((number, {**absent, **{name: cells[i] for name, i in index.items()}}))
    spec.validate(agency, records, preview, RowError)
    return preview


def commit(agency, preview, *, request=None):
    """Write a clean preview in one transaction; returns (created, updated, new users)."""
    if not preview.ok:
        raise ValueError("Only a preview without errors can be committed.")
    spec = KINDS[preview.kind]
    try:
        with transaction.atomic():
            new_users = spec.write(agency, preview)
            log_action(f"import.{preview.kind}", request=request, agency=agency, changes={
                "file": preview.filename, "sha256": preview.sha256,
                "created": len(preview.creates), "updated": len(preview.updates)})
    except DatabaseError as exc:  # e.g. a colleague created the same code meanwhile: nothing was written
        raise ImportFileError(_("The import was cancelled and nothing was changed: %(error)s") % {"error": exc}) from exc
    return len(preview.creates), len(preview.updates), new_users


def template_csv(kind):
    buffer = io.StringIO()
    csv.writer(buffer).writerow(KINDS[kind].columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(kind):
    import xlsxwriter

    spec = KINDS[kind]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(kind)
    bold = book.add_format({"bold": True})
    for col, name in enumerate(spec.columns):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, 22)
    notes = book.add_worksheet("notes")
    for row, (name, text) in enumerate(spec.help(), start=0):
        notes.write_string(row, 0, name, bold)
        notes.write_string(row, 1, str(text))
    notes.set_column(1, 1, 90)
    book.close()
    return buffer.getvalue()
