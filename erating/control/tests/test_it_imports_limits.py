"""Hostile spreadsheets: the import's work is bounded by what it reads (rows, including empty ones;
cells per row; unpacked bytes), so a tiny file declaring millions of empty rows is refused fast
with a clear message in the user's language."""
import io
import re
import time
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from erating.base.catalogue import imports
from erating.base.models import User

pytestmark = pytest.mark.django_db
EMPTY_ROWS = 2_000_000
HEADER = ["email", "full_name", "premise_code", "language", "counters"]


def workbook(rows):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def rewrite_sheet(data, change):
    """The XLSX with its first sheet's XML passed through change(xml) -> xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            target.writestr(item.filename, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def with_empty_rows(world):
    """A valid officer import with EMPTY_ROWS empty <row/> elements after its data, declared in the
    sheet's <dimension>: about 20 KB on the wire."""
    data = workbook([HEADER, ["baru@home.gov.my", "Pegawai Baru", world.home.premise.code, "ms", ""]])
    empty = "<row/>" * EMPTY_ROWS  # numbered by position: each is the next row

    def change(xml):
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:E{EMPTY_ROWS + 2}"/>', xml)
        return xml.replace("</sheetData>", empty + "</sheetData>")

    return rewrite_sheet(data, change)


def with_a_far_row(world):
    """Data, then one row two million rows further down: openpyxl pads the gap with empty rows."""
    data = workbook([HEADER, ["baru@home.gov.my", "Pegawai Baru", world.home.premise.code, "ms", ""]])

    def change(xml):
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:XFD{EMPTY_ROWS}"/>', xml)
        far = f'<row r="{EMPTY_ROWS}"><c r="A{EMPTY_ROWS}" t="inlineStr"><is><t>x@home.gov.my</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    return rewrite_sheet(data, change)


def upload(client, data, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    file = io.BytesIO(data)
    file.name = "pegawai.xlsx"
    return client.post(reverse("control:import_upload", args=["officers"]), {"file": file})


@pytest.mark.parametrize("build", [with_empty_rows, with_a_far_row])
@pytest.mark.parametrize("lang, text", [
    ("en", "more than 20,000 rows, counting empty ones"),
    ("ms", "lebih daripada 20,000 baris, termasuk baris kosong"),
])
def test_a_tiny_file_of_millions_of_empty_rows_is_refused_quickly(world, login, build, lang, text):
    data = build(world)
    assert len(data) < 200_000  # a tiny upload...
    client = login(world.home.admin)
    started = time.monotonic()
    response = upload(client, data, lang)
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert text in response.context["preview"].file_error
    # ...answered in a few seconds at most (reading every declared row took half a minute).
    assert elapsed < 8, elapsed
    with scopes_disabled():
        assert not User.objects.filter(email="baru@home.gov.my").exists()


def test_blank_rows_within_the_read_limit_are_still_skipped(world):
    rows = [HEADER, ["baru@home.gov.my", "Pegawai Baru", world.home.premise.code, "ms", ""]]
    rows += [[""] * 5] * 100 + [["lagi@home.gov.my", "Pegawai Lagi", world.home.premise.code, "en", ""]]
    header, body = imports.read_table(workbook(rows), "ok.xlsx")
    assert header == HEADER
    assert [number for number, _ in body] == [2, 103]


def test_a_zip_bomb_is_refused_before_it_is_parsed(world):
    data = workbook([HEADER])

    def change(xml):
        return xml.replace("</worksheet>", "<!--" + " " * (imports.MAX_UNPACKED_BYTES + 1) + "--></worksheet>")

    bomb = rewrite_sheet(data, change)
    assert len(bomb) < imports.MAX_BYTES
    with translation.override("en"), pytest.raises(imports.ImportFileError, match="too large once unpacked"):
        imports.read_table(bomb, "bomb.xlsx")


def test_csv_counts_empty_lines_as_read(world):
    data = ",".join(HEADER).encode() + b"\n" * (imports.MAX_READ_ROWS + 5) + b"a@b.my,A,P,ms,\n"
    with translation.override("en"), pytest.raises(imports.ImportFileError, match="counting empty ones"):
        imports.read_table(data, "blank.csv")
