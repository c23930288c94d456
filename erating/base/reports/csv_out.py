"""CSV: UTF-8 with a BOM (Excel then reads Malay text right), formula injection neutralised,
produced as a generator of encoded chunks so a response streams at flat memory."""
import csv
import io
from datetime import date, datetime

from django.utils import timezone

from .base import FLOAT, INT, NUM, PCT, TEXT, local_naive

BOM = "\ufeff"
DANGEROUS_CHARS = "=+-@\t\r"  # a leading one makes a spreadsheet read the cell as a formula
DANGEROUS = tuple(DANGEROUS_CHARS)
NUMERIC = (INT, FLOAT, PCT, NUM)
CHUNK_ROWS = 500


def neutralise(value, tz=None):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers are
    written as numbers (a negative number is data, not a formula)."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(DANGEROUS) else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, datetime):
        return (local_naive(value, tz) if value.tzinfo else value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def _text(value):
    if type(value) is str:
        return "'" + value if value and value[0] in DANGEROUS_CHARS else value
    return neutralise(value)


def stream(sections, *, title_rows=False):
    """Yield bytes: the BOM, then for each section its header and rows; a report of several
    sections (title_rows) puts each section's title above its header, a blank row between."""
    tz = timezone.get_current_timezone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    first = True
    for section in sections:
        if title_rows and not first:
            writer.writerow([])
        if title_rows:
            writer.writerow([neutralise(section.title)])
        first = False
        writer.writerow([neutralise(c.label) for c in section.columns])
        # Numbers pass through as they are (csv writes None as empty); only text can carry a formula.
        convs = [None if c.kind in NUMERIC else _text if c.kind == TEXT else neutralise for c in section.columns]
        pending = 0
        for row in section.rows:
            writer.writerow([v if f is None else f(v) if f is _text else f(v, tz) for f, v in zip(convs, row)])
            pending += 1
            if pending >= CHUNK_ROWS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
    yield buffer.getvalue().encode("utf-8")
