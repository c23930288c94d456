"""The shapes every report yields and every writer reads.

A report yields Sections; a Section has typed Columns and an iterable of row tuples (a
generator over a queryset's `.iterator()` for the large ones), so CSV streams, XLSX writes in
constant memory and the PDF lays out the same rows.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

TEXT, INT, FLOAT, PCT, DATETIME, DATE = "text", "int", "float", "pct", "datetime", "date"
NUM = "num"  # a count or a measure in one column: integers stay integers

# Excel's hard limit, the header rows included.
XLSX_MAX_ROWS = 1_048_576
# Every sheet opens with a header block (title, agency, period, criteria, generated at, a blank
# row); the table's header row is the next one, 0-based row XLSX_TABLE_ROW.
XLSX_HEAD_LINES = 6
XLSX_TABLE_ROW = XLSX_HEAD_LINES


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int = 14  # in characters: the least an XLSX column is given
    plain: bool = False  # an id or a code: a number printed without thousands separators
    fold: bool = False  # when every row holds one value (ministry, agency), the PDF says it once above the table
    group: str = ""  # columns under one spanning header in the PDF (a month's count and share)
    short: str = ""  # the label under the group's header ("%" under "Jan")


@dataclass
class Chart:
    """A bar chart over rows of the section: labels from one column, values from others."""
    title: str
    label_col: int
    value_cols: list[int]
    max_bars: int = 15


@dataclass
class Section:
    title: str
    columns: list[Column]
    rows: Iterable[tuple]
    count: int | None = None  # when known before writing: XLSX refuses early
    chart: Chart | None = None
    note: str = ""
    sheet: str = ""  # a short XLSX sheet name (at most 31 characters) where the title is longer
    # The queryset (values_list) whose rows `rows` iterates, when one SELECT yields them as they
    # are: CSV on PostgreSQL then streams that SELECT's own COPY (csv_out).
    query: Any = None
    advance: Any = None  # called with the rows written so far, where `rows` is not iterated


@dataclass
class Context:
    """Everything a report needs besides the criteria: who asked, in which language, when."""
    criteria: Any
    user: Any
    language: str = "ms"
    generated_at: datetime = field(default_factory=timezone.now)
    options: dict = field(default_factory=dict)
    dims: dict = field(default_factory=dict)  # the scope the report runs in (scoping.dimensions_for)

    @property
    def agency_wide(self):
        """True when the rows span agencies (a system administrator not viewing one agency)."""
        return self.dims.get("agency") is None and self.criteria.agency_id is None


@dataclass
class Heading:
    """What every page or sheet of a document says about it: the report's title, the agency (its
    name and logo), the criteria (the period first) and who generated it when."""
    title: str
    agency_name: str
    language: str = "ms"
    logo_path: str | None = None
    criteria_lines: list = field(default_factory=list)
    generated_line: str = ""
    wide: bool = False  # a landscape PDF


class TooManyRows(Exception):
    """A section does not fit the format (an XLSX sheet, a PDF); the message says what to do."""


def local_naive(value, tz=None):
    # Spreadsheets know no time zones: dates are written in Malaysia time as the users read them.
    # Callers in a row loop pass tz once (looking the current zone up per row cost more than the row).
    if not value:
        return None
    return value.astimezone(tz or timezone.get_current_timezone()).replace(tzinfo=None)
