"""Posters in Malaysia's four scripts: the agency, premise and target names and the "we did" lines in
Malay, English, Chinese and Tamil print on the QR posters (A4, A5, one and bulk) and the results
posters (one and bulk): pdftotext finds each unchanged, every font is embedded, no character is
drawn with a glyph its font lacks (.notdef), and the QR code still decodes to the right URL.

The Tamil texts avoid vowel signs written in two parts or before the consonant (ொ, ோ, ெ, ே, ை):
such a glyph shared by two clusters may copy back wrong from the PDF although it prints right
(README, "Reports"). The conjuncts ஸ்ரீ and க்ஷ are in."""
import datetime
import io
import re
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

from erating.base.analysis import pending
from erating.base.catalogue import poster_pdf
from erating.base.catalogue.results_posters import rating_target
from erating.base.models import Agency, Premise, Target, WeDidLine
from erating.base.testing import add_rating
from erating.control.tests.test_it_posters import decode_page, page_count, pdf_bytes

pytestmark = pytest.mark.django_db
NOV = datetime.datetime(2026, 11, 12, 3, 0, tzinfo=datetime.UTC)
AGENCY_MS = "Jabatan Pendaftaran 国民登记局"
AGENCY_EN = "National Registration Department · பதிவு அலுவலகம்"
PREMISE = "Pejabat Klang 巴生办事处 கிள்ளான் அலுவலகம்"
TARGET = "Kaunter Pasport 护照柜台 கடவுச்சீட்டு"
TARGET_EN = "Passport Counter"
BRANCH = "Cawangan Kajang 加影分行 காஜாங் அலுவலகம்"
LINES = [
    "Kaunter 3 dibuka pada waktu rehat · Counter 3 now opens at lunch",
    "午休时间三号柜台照常开放，等候区增加了座位。",
    "ஸ்ரீ லக்ஷ்மி கவுண்டர் மதியம் திறந்திருக்கும்",
]
BRANCH_LINE = "Counter 2 now takes card payments"


@pytest.fixture
def scripts(world):
    """The home agency named in four scripts; November: 8 ratings at the HQ (6 satisfied) and the
    three lines above, 2 ratings and one English line at the branch (below the minimum of 4)."""
    h = world.home
    with scopes_disabled():
        Agency.objects.filter(pk=h.agency.pk).update(name_ms=AGENCY_MS, name_en=AGENCY_EN, ranking_min_ratings=4)
        Premise.objects.filter(pk=h.premise.pk).update(name=PREMISE)
        Premise.objects.filter(pk=h.branch.pk).update(name=BRANCH)
        Target.objects.filter(pk=h.counter.pk).update(name=TARGET, name_en=TARGET_EN)
        for score in (5, 5, 4, 4, 5, 4, 1, 2):
            add_rating(h.counter, score, when=NOV)
        for score in (5, 1):
            add_rating(h.branch_counter, score, when=NOV)
        for n, text in enumerate(LINES):
            when = NOV - datetime.timedelta(days=n)
            WeDidLine.objects.create(agency=h.agency, premise=h.premise, text=text, status=WeDidLine.PUBLISHED,
                                     written_at=when, published_at=when)
        WeDidLine.objects.create(agency=h.agency, premise=h.branch, text=BRANCH_LINE, status=WeDidLine.PUBLISHED,
                                 written_at=NOV, published_at=NOV)
    pending.fold_all()
    return world


def squeeze(text):
    return re.sub(r"\s+", "", text)


def page_text(path, page=None):
    """The text of the PDF (or one page) in drawing order, whitespace removed: a long name may wrap."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return squeeze(subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout)


def word_tops(path):
    """{word: top of its first box, in points from the page's top} from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    tops = {}
    for top, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html):
        tops.setdefault(word, round(float(top), 1))
    return tops


def missing_glyphs(reader):
    """How many characters the pages draw with a glyph their font lacks (glyph 0, .notdef): two-byte
    CIDs of a composite font (Identity-H), or a simple TrueType font's codes through its own cmap."""
    count, cmaps = 0, {}

    def glyphs(font, data):
        if font["/Subtype"] == "/Type0":
            return [int.from_bytes(data[k:k + 2], "big") for k in range(0, len(data) - 1, 2)]
        descriptor = font.get("/FontDescriptor")
        file = descriptor.get_object().get("/FontFile2") if descriptor is not None else None
        if file is None:
            return []  # not embedded: pdffonts says so
        key = file.idnum if isinstance(file, IndirectObject) else id(file)
        if key not in cmaps:
            embedded = TTFont(io.BytesIO(file.get_object().get_data()))
            order = {name: gid for gid, name in enumerate(embedded.getGlyphOrder())}
            cmaps[key] = {}
            for table in embedded["cmap"].tables:
                for code, name in table.cmap.items():
                    cmaps[key].setdefault(code & 0xFF, order[name])
        return [cmaps[key].get(byte, 0) for byte in data]

    def walk(content, resources):
        nonlocal count
        fonts, font = (resources or {}).get("/Font") or {}, None
        for operands, operator in ContentStream(content, reader).operations:
            if operator == b"Tf":
                font = fonts[operands[0]].get_object()
            elif operator in (b"Tj", b"'", b'"', b"TJ"):
                for item in operands[-1] if operator == b"TJ" else [operands[-1]]:
                    if not isinstance(item, (int, float)):
                        data = getattr(item, "original_bytes", None) or bytes(item)
                        count += sum(1 for glyph in glyphs(font, data) if glyph == 0)
        for ref in ((resources or {}).get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject, xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"))
    return count


def check_fonts(path):
    """Every font embedded (a subset, with a Unicode map), every one of them Noto, no glyph missing."""
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts
    assert all(line.split()[0].split("+")[-1].startswith("Noto") for line in fonts), fonts
    assert missing_glyphs(PdfReader(path)) == 0


def saved(data, tmp_path, name="poster.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def decode(data, page, tmp_path):
    """The QR code on one page (decode_page reads the first picture in its folder: one folder a page)."""
    folder = tmp_path / f"decode-{page}"
    folder.mkdir(exist_ok=True)
    return decode_page(data, page, folder)


def url_of(target):
    return f"{settings.SITE_URL}/r/{target.code}"


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_a_qr_poster_prints_every_script(scripts, login, tmp_path, size):
    h = scripts.home
    data = pdf_bytes(login(h.admin).get(reverse("control:target_poster", args=[h.counter.pk]), {"size": size}))
    path = saved(data, tmp_path)
    text = page_text(path)
    for expected in (AGENCY_MS, AGENCY_EN, PREMISE, TARGET, TARGET_EN, "Nilaikan perkhidmatan kami"):
        assert squeeze(expected) in text, expected
    check_fonts(path)
    assert decode(data, 1, tmp_path) == url_of(h.counter)
    # The captions stand in one row under the faces, the instructions below them all.
    tops = word_tops(path)
    assert tops["Cemerlang"] == tops["Memuaskan"] == tops["Tidak"]
    assert tops["Imbas"] > max(tops["Cemerlang"], tops["Sederhana"], tops["Kurang"], tops["Tidak"]) + 5


@pytest.mark.parametrize("part", [2, poster_pdf.PAGES_PER_PART])
def test_bulk_qr_posters_print_every_script_in_parts(scripts, login, tmp_path, monkeypatch, part):
    """An agency's posters laid out a few pages at a time (here 2) and joined, or all at once:
    every page in order, names in every script, fonts embedded, each QR its target's, the file
    tagged (one structure tree over every page) and no "page N of M" on a poster."""
    h = scripts.home
    monkeypatch.setattr(poster_pdf, "PAGES_PER_PART", part)
    with scopes_disabled():
        targets = list(Target.objects.filter(agency=h.agency, active=True, premise__active=True)
                       .order_by("premise__name", "premise_id", "kind", "name", "id"))
    data = pdf_bytes(login(h.admin).get(reverse("control:agency_posters")))
    path = saved(data, tmp_path)
    assert page_count(data) == len(targets) == 5
    reader = PdfReader(path)
    assert reader.metadata.title == "eRating QR posters" and reader.trailer["/Root"]["/Lang"] == "ms"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Page" not in page_text(path)
    for number, target in enumerate(targets, 1):
        text = page_text(path, number)
        assert squeeze(AGENCY_MS) in text and squeeze(AGENCY_EN) in text
        assert squeeze(target.name) in text and squeeze(target.premise.name) in text
        assert decode(data, number, tmp_path) == url_of(target)
    check_fonts(path)


def test_a_results_poster_prints_every_script_and_its_figures(scripts, login, tmp_path):
    h = scripts.home
    data = pdf_bytes(login(h.admin).get(reverse("control:premise_results_poster", args=[h.premise.pk]),
                                        {"month": "2026-11"}))
    path = saved(data, tmp_path)
    assert page_count(data) == 1
    text = page_text(path)
    for expected in (AGENCY_MS, AGENCY_EN, PREMISE, *LINES):
        assert squeeze(expected) in text, expected
    assert squeeze("75.0% pelanggan berpuas hati, daripada 8 penilaian") in text  # 8 ratings >= minimum 4
    check_fonts(path)
    assert decode(data, 1, tmp_path) == url_of(rating_target(h.premise))


def test_bulk_results_posters_print_every_script_and_respect_the_minimum(scripts, login, tmp_path, monkeypatch):
    h = scripts.home
    monkeypatch.setattr(poster_pdf, "PAGES_PER_PART", 1)  # one part a premise, joined
    data = pdf_bytes(login(h.admin).get(reverse("control:agency_results_posters"), {"month": "2026-11"}))
    path = saved(data, tmp_path)
    assert page_count(data) == 2
    # Premises in name order: the branch (2 ratings, below the minimum of 4), then the HQ.
    branch, hq = page_text(path, 1), page_text(path, 2)
    assert squeeze(BRANCH) in branch and squeeze(BRANCH_LINE) in branch and squeeze(AGENCY_EN) in branch
    assert "Terlalusedikitpenilaian" in branch and "%" not in branch and "daripada" not in branch
    assert squeeze(PREMISE) in hq and all(squeeze(line) in hq for line in LINES) and "75.0%" in hq
    check_fonts(path)
    assert decode(data, 1, tmp_path) == url_of(rating_target(h.branch))
