"""Issue 22, finding 3: small XLSX files held an import request 17-31 s (one row of 15 million empty
<c/> cells; a shared-strings table of 4.5 million empty entries; one row of 4 million cells). The
reader now counts every XML element it reads against a budget of cells, shared strings and rows,
and stops at the first one exceeded with a clear message. Asserted on that work counter, not on
time: each hostile file costs at most the budget, not what it declares."""
import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from erating.base.catalogue import imports, xlsx_read

from .test_it_imports_limits import HEADER, rewrite_sheet, workbook

pytestmark = pytest.mark.django_db


def _valid(world):
    return workbook([HEADER, ["baru@home.gov.my", "Pegawai Baru", world.home.premise.code, "ms", ""]])


def one_row_of_empty_cells(world, n=15_000_000):
    return rewrite_sheet(_valid(world), lambda xml: xml.replace("</sheetData>", f'<row r="3">{"<c/>" * n}</row>'
                                                                               "</sheetData>"))


def one_row_of_4m_cells(world, n=4_000_000):
    return rewrite_sheet(_valid(world), lambda xml: xml.replace(
        "</sheetData>", '<row r="3">' + '<c><v>1</v></c>' * n + "</row></sheetData>"))


def huge_shared_strings(world, n=4_500_000):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_valid(world))) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                body = body.replace(b"</sst>", b"<si/>" * n + b"</sst>")
            target.writestr(item.filename, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def millions_of_unknown_tags_in_a_row(world, n=5_000_000):
    return rewrite_sheet(_valid(world), lambda xml: xml.replace("</sheetData>", f'<row r="3">{"<x/>" * n}</row>'
                                                                               "</sheetData>"))


@pytest.mark.parametrize("build, limit", [
    (one_row_of_empty_cells, "cells"),
    (one_row_of_4m_cells, "cells"),
    (huge_shared_strings, "different texts"),
    (millions_of_unknown_tags_in_a_row, "too complex"),
])
def test_each_hostile_file_is_answered_within_the_budget(world, build, limit):
    data = build(world)
    assert len(data) < imports.MAX_BYTES  # small on the wire: within the upload limit
    budget = imports.xlsx_budget()
    with translation.override("en"), pytest.raises(imports.ImportFileError, match=limit):
        imports.read_table(data, "pegawai.xlsx", budget=budget)
    # Each cell is a start and an end event (plus its value's): the work is a small multiple of the
    # budget, never the millions of elements the file declares.
    assert budget.work <= budget.max_work + 1 < 1_500_000


def test_the_refusal_reaches_the_user_in_their_language(world, client):
    client.force_login(world.home.admin)
    for lang, text in (("en", "more than 150,000 cells"), ("ms", "lebih daripada 150,000 sel")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        file = io.BytesIO(one_row_of_empty_cells(world, n=300_000))
        file.name = "pegawai.xlsx"
        response = client.post(reverse("control:import_upload", args=["officers"]), {"file": file})
        assert response.status_code == 400 and text in response.content.decode()


def test_a_normal_file_still_reads_within_the_budget(world):
    budget = imports.xlsx_budget()
    header, rows = imports.read_table(_valid(world), "pegawai.xlsx", budget=budget)
    assert header == HEADER and rows[0][1][:2] == ["baru@home.gov.my", "Pegawai Baru"]
    assert budget.work < 100


def test_the_budget_counts_rows_cells_and_strings_separately():
    budget = xlsx_read.Budget(cells=3, shared_strings=1, rows=10, columns=5)
    data = workbook([["a", "a"], ["a"]])  # one shared string, three cells
    assert [r for _n, r in xlsx_read.read_rows(io.BytesIO(data), budget)] == [["a", "a"], ["a"]]
    with pytest.raises(xlsx_read.BudgetExceeded):
        list(xlsx_read.read_rows(io.BytesIO(workbook([["a", "b"]])), xlsx_read.Budget(cells=9, shared_strings=1,
                                                                                        rows=9, columns=9)))
