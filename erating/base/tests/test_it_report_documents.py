"""Documents fit to file (issue 23): every report in every format and both languages, from
ratings commented in Malay, English, Chinese and Tamil. PDF: pdftotext finds every comment
unchanged, every font is embedded and no glyph drawn is missing (.notdef), no two word boxes
overlap (pdftotext -bbox), the structure tree, /Lang and title are set. XLSX: the header block on
every sheet, a frozen and filtered header row, numbers stored as numbers. CSV: the comments."""
import datetime
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override
from django_scopes import scopes_disabled
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

from erating.base.models import Target
from erating.base.reports.base import INT, Column, Heading, Section
from erating.base.reports.pdf_out import fmt
from erating.base.reports.registry import REPORTS
from erating.base.testing import add_rating
from erating.base.tests.reports_helpers import FIRST_ROW, csv_rows, expected, run

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (make system-deps)")]

COMMENTS = [
    "Terima kasih, pegawai kaunter sangat cekap dan mesra.",
    "The officer explained every step patiently.",
    "服务很好，谢谢！等了一个多小时才轮到我。",
    "அதிகாரி மிகவும் உதவியாக இருந்தார், ஸ்ரீ க்ஷேத்திரம் நன்றி.",  # conjuncts: ஸ்ரீ, க்ஷே
]
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?\s?%?$")


@pytest.fixture
def documents(world):
    today = timezone.localdate()
    h = world.home
    with scopes_disabled():
        # A service named in Chinese too: the aggregate reports print it, in their tables and charts.
        service = Target.objects.create(agency=h.agency, premise=h.premise, kind=Target.SERVICE,
                                        name="Pendaftaran 登记服务", name_en="Registration 登记")
        for i, comment in enumerate(COMMENTS):
            when = timezone.now() - timedelta(days=1 + i)
            add_rating(h.counter, 5, officer=h.officer, comment=comment, when=when)
            add_rating(service, 1, comment=comment, reasons=[h.reasons[0].id], when=when)
    return world, {"period": "custom", "start": (today - timedelta(days=20)).isoformat(), "end": today.isoformat()}


def squeeze(text):
    return re.sub(r"\s+", "", text)


def pdf_words(path):
    """[(page, xMin, yMin, xMax, yMax, word)] from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            words.append((page, *map(float, m.groups()[:4]), m.group(5)))
    return words


def overlapping(words, tolerance=0.6):
    """Pairs of words on one page whose boxes overlap by more than `tolerance` points both ways."""
    found = []
    for page in {w[0] for w in words}:
        boxes = sorted((w for w in words if w[0] == page), key=lambda w: w[1])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                if b[1] >= a[3] - tolerance:
                    break
                if min(a[3], b[3]) - max(a[1], b[1]) > tolerance and min(a[4], b[4]) - max(a[2], b[2]) > tolerance:
                    found.append((a[5], b[5]))
    return found


def notdef_glyphs(reader):
    """How many glyph 0 (.notdef: a character no embedded font has) the pages draw; every text
    is shown with two-byte glyph ids (Identity-H)."""
    count = 0

    def walk(content, resources):
        nonlocal count
        for operands, operator in ContentStream(content, reader).operations:
            if operator in (b"Tj", b"'", b'"', b"TJ"):
                items = operands[-1] if operator == b"TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, (int, float)):
                        continue
                    data = getattr(item, "original_bytes", None) or bytes(item)
                    count += sum(1 for k in range(0, len(data) - 1, 2) if data[k:k + 2] == b"\0\0")
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            xobject = ref.get_object() if isinstance(ref, IndirectObject) else ref
            if xobject.get("/Subtype") == "/Form":
                walk(xobject, xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"))
    return count




def structure(path):
    """The tagged structure of a PDF read with pikepdf: {"rows": TR elements inside table bodies,
    "unresolved": pages whose /StructParents key is not in the /ParentTree, "stray": elements whose
    /P is not their parent or whose /Pg is no page of the file, "documents": Document elements}."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        tree = root.StructTreeRoot
        keys = set()
        stack = [tree.ParentTree]
        while stack:
            node = stack.pop()
            nums = node.get("/Nums", [])
            keys |= {int(nums[i]) for i in range(0, len(nums), 2)}
            stack += list(node.get("/Kids", []))
        pages = {page.obj.objgen for page in pdf.pages}
        found = {"rows": 0, "unresolved": 0, "stray": 0, "documents": 0}
        for page in pdf.pages:
            if int(page.obj.get("/StructParents", -1)) not in keys:
                found["unresolved"] += 1
        kids = tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]
        stack = [(kid, tree, False) for kid in kids]
        while stack:
            element, parent, in_body = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            kind = str(element.S)
            found["documents"] += kind == "/Document"
            found["rows"] += kind == "/TR" and in_body
            if element.P.objgen != parent.objgen or ("/Pg" in element and element.Pg.objgen not in pages):
                found["stray"] += 1
            children = element.get("/K")
            children = children if isinstance(children, pikepdf.Array) else [children]
            stack += [(child, element, in_body or kind == "/TBody") for child in children if child is not None]
        return found


def user_for(world, slug):
    return world.sysadmin if REPORTS[slug].sysadmin_only else world.home.admin


@pytest.mark.parametrize("language", ["ms", "en"])
@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_prints_every_script_in_a_tagged_pdf_without_overlap(documents, tmp_path, slug, language):
    world, query = documents
    data = run(user_for(world, slug), {**query, "report": slug, "fmt": "pdf", "language": language}, tmp_path)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    # In drawing order (-raw) a cell's lines follow each other; a wrapped line may break between
    # two Chinese characters, so the comparison is of every character in order, spaces aside.
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    if slug in ("detailed", "low"):
        for comment in COMMENTS:
            assert squeeze(comment) in squeeze(text), comment
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts  # embedded, subset, with a unicode map
    assert all(line.split()[0].split("+")[-1].startswith("Noto") for line in fonts), fonts
    reader = PdfReader(path)
    assert notdef_glyphs(reader) == 0
    assert overlapping(pdf_words(path)) == []
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == language
    with override(language):
        assert reader.metadata.title == str(REPORTS[slug].title)


@pytest.mark.parametrize("language", ["ms", "en"])
@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_heads_every_sheet_and_stores_numbers_as_numbers(documents, tmp_path, slug, language):
    world, query = documents
    book = run(user_for(world, slug), {**query, "report": slug, "fmt": "xlsx", "language": language}, tmp_path)
    period = "Period" if language == "en" else "Tempoh"
    start, end = query["start"].split("-"), query["end"].split("-")
    for ws in book.worksheets:
        assert ws["A1"].value.startswith(ws["A1"].value.split(" — ")[0]) and " — " in ws["A1"].value
        assert ws["A2"].value  # the agency
        assert ws["A3"].value.startswith(period)
        if slug != "by-month":  # the by-month report covers its calendar year, and says so
            assert f"{start[2]}/{start[1]}/{start[0]}" in ws["A3"].value
            assert f"{end[2]}/{end[1]}/{end[0]}" in ws["A3"].value
        assert ws["A5"].value.startswith("Generated" if language == "en" else "Dijana")
        assert ws.freeze_panes == f"A{FIRST_ROW}"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{FIRST_ROW - 1}:")
        header = [c.value for c in ws[FIRST_ROW - 1]]
        assert header[0]
        assert len(ws.title) <= 31
        rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
        for row in rows:
            for value in row:
                assert not (isinstance(value, str) and NUMBER.match(value)), (ws.title, value)
        if rows and slug != "user-log":  # every other table counts something
            assert any(isinstance(v, (int, float)) and not isinstance(v, bool) for r in rows for v in r), ws.title


@pytest.mark.parametrize("language", ["ms", "en"])
@pytest.mark.parametrize("slug", ["detailed", "low"])
def test_it_keeps_every_script_in_the_csv(documents, tmp_path, slug, language):
    world, query = documents
    data = run(world.home.admin, {**query, "report": slug, "fmt": "csv", "language": language}, tmp_path)
    cells = {c for row in csv_rows(data) for c in row}
    assert set(COMMENTS) <= cells


def test_it_names_files_and_prints_dates_in_the_reports_language(documents, tmp_path):
    from erating.base.reports.run import filename, prepare
    from erating.base.scoping import dimensions_for

    world, query = documents
    admin = world.home.admin
    ms = prepare(admin, dimensions_for(admin), {**query, "report": "detailed", "fmt": "xlsx", "language": "ms"})
    en = prepare(admin, dimensions_for(admin), {**query, "report": "detailed", "fmt": "xlsx", "language": "en"})
    assert filename(ms).startswith("laporan-terperinci-") and filename(en).startswith("detailed-ratings-")
    path = tmp_path / "r.pdf"
    path.write_bytes(run(admin, {**query, "report": "detailed", "fmt": "pdf", "language": "en"}, tmp_path))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    start = query["start"].split("-")
    assert f"Period: {start[2]}/{start[1]}/{start[0]}" in text  # DD/MM/YYYY in English too
    assert re.search(r"Generated on \d\d/\d\d/\d{4} \d\d:\d\d by", text)  # 24-hour, no "p.m."
    assert "p.m." not in text and "a.m." not in text
    # One agency's report: ministry and agency said once above the table, not on every row.
    assert f"Ministry: {world.home.agency.ministry.name_en}" in text
    header = next(line for line in text.splitlines() if "Date and time" in line)
    assert "Ministry" not in header and "Agency" not in header


def test_it_prints_the_by_month_report_for_the_year_it_covers(documents, tmp_path):
    world, query = documents
    year = timezone.localdate().year
    data = run(world.home.admin, {**query, "report": "by-month", "fmt": "pdf", "language": "en", "year": str(year)},
               tmp_path)
    path = tmp_path / "m.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    # The period printed is the one the figures cover: the chosen period within the chosen year.
    line = next(x for x in text.splitlines() if x.strip().startswith("Period:"))
    start, end = (datetime.datetime.strptime(s.strip(), "%d/%m/%Y").date()
                  for s in line.split(":", 1)[1].split("–"))
    assert start.year == end.year == year and start <= end
    assert ("Jan" in text) == (start.month == 1)  # only the months of that period are columns


def test_it_prints_ids_plainly_and_counts_grouped():
    assert fmt(69384, INT, plain=True) == "69384"
    assert fmt(69384, INT) == "69,384"


@pytest.mark.parametrize("processes", [1, 2])
def test_it_lays_out_a_long_table_in_parts_and_numbers_every_page(tmp_path, settings, monkeypatch, processes):
    """Beyond PART_ROWS rows the PDF is laid out in parts (bounded memory; side by side in
    child processes when configured) and joined: every page still says "page N of M", in order,
    and keeps its title and language."""
    from erating.base.reports import pdf_listing, pdf_out

    settings.REPORT_PDF_PROCESSES = processes
    monkeypatch.setattr(pdf_listing, "PART_ROWS", 40)
    rows = [(70000 + i, COMMENTS[i % 4]) for i in range(130)]
    head = Heading(title="Ujian", agency_name="Jabatan Ujian", language="ms", generated_line="Dijana")
    path = tmp_path / "long.pdf"
    pdf_out.write(str(path), [Section("Jadual", [Column("ID", INT, plain=True), Column("Ulasan")], iter(rows))], head)
    reader = PdfReader(path)
    total = len(reader.pages)
    assert total >= 4
    for n, page in enumerate(reader.pages, 1):
        assert f"Halaman {n} daripada {total}" in page.extract_text()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    ids = [int(w) for w in re.findall(r"\b7\d{4}\b", text)]
    assert ids == list(range(70000, 70130))  # every row once, in order across the parts
    assert reader.trailer["/Root"]["/Lang"] == "ms" and reader.metadata.title == "Ujian"
    assert notdef_glyphs(reader) == 0
    # One tagged file: one Document element holding every part's table rows.
    assert structure(path) == {"rows": 130, "unresolved": 0, "stray": 0, "documents": 1}


@pytest.mark.parametrize("language", ["ms", "en"])
def test_it_joins_a_long_listing_into_one_tagged_pdf(documents, tmp_path, monkeypatch, language):
    """A row-level listing longer than a part (Typst, pdf_listing.PART_ROWS) is laid out in parts
    and joined: one structure tree whose table rows are the report's rows, every page's marked
    content resolving, title and language set, every comment readable and "page N of M" on
    every page."""
    from erating.base.reports import pdf_listing

    world, query = documents
    monkeypatch.setattr(pdf_listing, "PART_ROWS", 3)
    data = run(world.home.admin, {**query, "report": "detailed", "fmt": "pdf", "language": language}, tmp_path)
    path = tmp_path / "joined.pdf"
    path.write_bytes(data)
    start, end = (datetime.date.fromisoformat(query[k]) for k in ("start", "end"))
    rows = len(expected({world.home.agency.id}, start, end))  # read row by row in Python
    assert rows > 2 * pdf_listing.PART_ROWS  # three parts at least
    assert structure(path) == {"rows": rows, "unresolved": 0, "stray": 0, "documents": 1}
    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == language
    with override(language):
        assert reader.metadata.title == str(REPORTS["detailed"].title)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for comment in COMMENTS:
        assert squeeze(text).count(squeeze(comment)) == 2, comment
    total = len(reader.pages)
    label = "Page {} of {}" if language == "en" else "Halaman {} daripada {}"
    for n, page in enumerate(reader.pages, 1):
        assert label.format(n, total) in page.extract_text()
    assert notdef_glyphs(reader) == 0
    assert overlapping(pdf_words(path)) == []


def test_it_wraps_a_word_longer_than_its_column_in_a_listing(tmp_path):
    """A listing's comment with a word longer than any column (a code, a run of letters) wraps
    inside its column: nothing runs past the right margin or into another column."""
    from erating.base.reports import pdf_out

    word = "Sangat" + "a" * 200 + "t"
    rows = [(80000 + i, word if i % 2 else COMMENTS[i % 4], "Kaunter") for i in range(6)]
    head = Heading(title="Ujian", agency_name="Jabatan Ujian", language="ms", generated_line="Dijana", wide=True)
    path = tmp_path / "word.pdf"
    pdf_out.write(str(path), [Section("Jadual", [Column("ID", INT, plain=True), Column("Ulasan"),
                                                 Column("Dinilai")], iter(rows))], head)
    words = pdf_words(path)
    width = float(PdfReader(path).pages[0].mediabox.width)
    assert max(w[3] for w in words) <= width - 12 * 72 / 25.4 + 0.5  # the right margin: 12 mm
    assert overlapping(words) == []
    assert squeeze(word) in squeeze(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                                                   text=True, check=True).stdout.replace("\u200b", ""))


def elements(path):
    """[(kind, attributes, children)] of every structure element (pikepdf), parents before their
    children: attributes merged from /A (a dictionary or an array of them), /Alt added."""
    import pikepdf

    found = []
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot

        def walk(element):
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                return None
            attributes = {}
            a = element.get("/A")
            for d in (a if isinstance(a, pikepdf.Array) else [a] if a is not None else []):
                if isinstance(d, pikepdf.Dictionary):
                    attributes |= {k: int(d[k]) if k in ("/ColSpan", "/RowSpan") else str(d[k]) for k in d}
            if "/Alt" in element:
                attributes["/Alt"] = str(element.Alt)
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            node = (str(element.S), attributes, [])
            found.append(node)
            node[2].extend(child for child in (walk(k) for k in kids) if child is not None)
            return node

        kids = tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]
        for kid in kids:
            walk(kid)
    return found


def pixels(path, page, colour, dpi=50):
    """How many pixels of the page (1-based), rendered by pdftoppm, have the colour (#rrggbb),
    each channel within 24; and the topmost such pixel's y in points."""
    data = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path)],
                          capture_output=True, check=True).stdout
    fields, rest = data.split(maxsplit=4)[:4], data.split(maxsplit=4)[4]
    width, height = int(fields[1]), int(fields[2])
    pixels = rest[:width * height * 3]
    want = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    count, top = 0, None
    for n in range(width * height):
        r, g, b = pixels[3 * n:3 * n + 3]
        if abs(r - want[0]) <= 24 and abs(g - want[1]) <= 24 and abs(b - want[2]) <= 24:
            count += 1
            top = n // width if top is None else top
    return count, None if top is None else top * 72 / dpi


@pytest.mark.parametrize("language", ["ms", "en"])
def test_it_draws_the_summarys_charts_under_their_captions(documents, tmp_path, language):
    """The summary's bar charts are in the PDF: each a tagged figure whose alternative text is
    its caption (read out by a screen reader), the caption printed above the bars, the bars in
    the dashboard's colours (score 5 in its green)."""
    from django.utils.translation import gettext as _

    from erating.base.reports.pdf_chart import SCORE_COLOURS

    world, query = documents
    data = run(world.home.admin, {**query, "report": "summary", "fmt": "pdf", "language": language}, tmp_path)
    path = tmp_path / "s.pdf"
    path.write_bytes(data)
    with override(language):
        by_score, satisfaction = _("Ratings by score"), _("Satisfaction (%)")
    alts = [attributes.get("/Alt") for kind, attributes, _children in elements(path) if kind == "/Figure"]
    assert by_score in alts and satisfaction in alts
    # The distribution's chart: its caption's words on the page, above the first green bar.
    first = by_score.split()[0]
    words = pdf_words(path)
    page, caption_bottom = next((w[0], w[4]) for i, w in enumerate(words)
                                if w[5] == first and " ".join(x[5] for x in words[i:i + len(by_score.split())])
                                == by_score)
    green, top = pixels(path, page, SCORE_COLOURS[5])
    assert green > 50  # a bar, not a stray pixel: the fixture's 5s are the largest group
    assert top >= caption_bottom - 1


@pytest.mark.parametrize("language", ["ms", "en"])
def test_it_prints_each_month_over_its_count_and_share(documents, tmp_path, language):
    """The by-month report's two header rows: each month of the period spanning its count and
    share columns (tagged as a header cell of two columns), the count and share labels under it."""
    from django.utils.dates import MONTHS_3
    from django.utils.translation import gettext as _

    from erating.base.analysis import figures

    world, query = documents
    year = timezone.localdate().year
    data = run(world.home.admin, {**query, "report": "by-month", "fmt": "pdf", "language": language,
                                  "year": str(year)}, tmp_path)
    path = tmp_path / "m.pdf"
    path.write_bytes(data)
    start = max(datetime.date.fromisoformat(query["start"]), datetime.date(year, 1, 1))
    end = datetime.date.fromisoformat(query["end"])
    with override(language):
        months = [str(MONTHS_3[m.month]).capitalize() for m in figures.month_starts(start, end)]
        count = _("No.")
    lines = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    n = next(i for i, line in enumerate(lines) if line.split() == months)
    under = next(line for line in lines[n + 1:] if line.strip()).split()
    assert under.count(count) == len(months) and under.count("%") == len(months)
    head = next(children for kind, _a, children in elements(path) if kind == "/THead")
    assert [kind for kind, _a, _c in head] == ["/TR", "/TR"]
    spans = [attributes.get("/ColSpan") for kind, attributes, _c in head[0][2] if kind == "/TH"]
    assert spans.count(2) == len(months)


def test_it_shapes_a_tamil_label_in_a_chart(tmp_path):
    """A chart's labels are shaped as the table's are: a Tamil name (conjuncts, vowel signs) reads
    back whole from the chart as from the table, no glyph missing."""
    from erating.base.reports import pdf_out
    from erating.base.reports.base import PCT, Chart

    names = [COMMENTS[3].split(",")[1].strip(), "登记服务 Kaunter"]  # ஸ்ரீ க்ஷேத்திரம் நன்றி.
    rows = [(names[0], 5, 80.0), (names[1], 3, 40.5)]
    section = Section("Jadual", [Column("Nama"), Column("Bil.", INT), Column("Kepuasan (%)", PCT)], iter(rows),
                      chart=Chart("Kepuasan (%)", label_col=0, value_cols=[2]))
    head = Heading(title="Ujian", agency_name="Jabatan Ujian", language="ms", generated_line="Dijana")
    path = tmp_path / "chart.pdf"
    pdf_out.write(str(path), [section], head)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for name in names:
        assert squeeze(text).count(squeeze(name)) == 2, name  # the chart's label and the table's cell
    assert notdef_glyphs(PdfReader(path)) == 0
    assert overlapping(pdf_words(path)) == []
