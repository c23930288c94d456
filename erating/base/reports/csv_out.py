"""CSV: UTF-8 with a BOM (Excel then reads Malay text right), formula injection neutralised,
produced as a generator of encoded chunks so a response streams at flat memory.

A section whose rows are one SELECT (Section.query) is, on PostgreSQL, written by the database:
`COPY (SELECT the same columns, neutralised and formatted) TO STDOUT WITH CSV`, streamed as it
comes. Both ways write the same bytes (tests compare them); Python's per-row work would
otherwise cost many times the query itself on a million rows."""
import csv
import io
from datetime import date, datetime

from django.db import connections
from django.utils import timezone

from erating.base import numbers
from erating.base.reports.base import DATETIME, FLOAT, INT, NUM, PCT, TEXT, local_naive

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


def _rounder(places):
    def rounded(value):
        return numbers.half_up(value, places) if type(value) is float else value
    return rounded


_ROUNDED = {PCT: _rounder(numbers.PERCENT_PLACES), FLOAT: _rounder(numbers.MEAN_PLACES),
            NUM: _rounder(numbers.MEAN_PLACES)}
_ROUNDERS = set(_ROUNDED.values())


def _text(value):
    if type(value) is str:
        return "'" + value if value and value[0] in DANGEROUS_CHARS else value
    return neutralise(value)


def stream(sections, *, title_rows=False):
    """Yield bytes: the BOM, then for each section its header and rows; a report of several
    sections (title_rows) puts each section's title above its header, a blank row between."""
    tz = timezone.get_current_timezone()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # as PostgreSQL's COPY ends rows
    buffer.write(BOM)
    first = True
    for section in sections:
        if title_rows and not first:
            writer.writerow([])
        if title_rows:
            writer.writerow([neutralise(section.title)])
        first = False
        writer.writerow([neutralise(c.label) for c in section.columns])
        if _copyable(section):
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            yield from _copy(section, tz)
            continue
        # Numbers pass through as they are (csv writes None as empty), fractions rounded half up to
        # the precision every other format shows; only text can carry a formula.
        convs = [_ROUNDED.get(c.kind) if c.kind in NUMERIC else _text if c.kind == TEXT else neutralise
                 for c in section.columns]
        pending = 0
        for row in section.rows:
            writer.writerow([v if f is None else f(v) if f is _text or f in _ROUNDERS else f(v, tz)
                             for f, v in zip(convs, row)])
            pending += 1
            if pending >= CHUNK_ROWS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
    yield buffer.getvalue().encode("utf-8")


def _copyable(section):
    if section.query is None:
        return False
    kinds = {c.kind for c in section.columns}
    return connections[section.query.db].vendor == "postgresql" and kinds <= {TEXT, INT, DATETIME}


def _copy(section, tz):
    """The section's SELECT as COPY: each text column neutralised (an empty one written as NULL,
    which COPY leaves unquoted, as Python's csv writes ''), each date and time in local time."""
    sql, params = section.query.query.sql_with_params()
    names = [f"c{i}" for i in range(len(section.columns))]
    danger = ", ".join(f"chr({ord(ch)})" for ch in DANGEROUS_CHARS)
    outer, zones = [], []
    for name, column in zip(names, section.columns):
        if column.kind == TEXT:
            outer.append(f"NULLIF(CASE WHEN left({name}, 1) IN ({danger}) THEN chr(39) || {name} "
                         f"ELSE {name} END, '')")
        elif column.kind == DATETIME:
            outer.append(f"to_char({name} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')")
            zones.append(str(tz))
        else:
            outer.append(name)
    statement = (f"COPY (SELECT {', '.join(outer)} FROM ({sql}) AS s({', '.join(names)})) "
                 "TO STDOUT WITH (FORMAT csv)")
    rows = 0
    with connections[section.query.db].cursor() as cursor, cursor.cursor.copy(statement, (*zones, *params)) as copy:
        for chunk in copy:
            data = bytes(chunk)
            if section.advance is not None:
                rows += data.count(b"\n")  # a comment's own line breaks count too: a progress bar's estimate
                section.advance(rows)
            yield data
