"""Poster PDFs: a real decoder reads the rasterised page; bulk page counts; scoping."""
import io
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image
from pypdf import PdfReader

from erating.base.models import Agency, AuditEntry, Target


def pdf_bytes(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    return data


def page_count(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def decode_page(data, page, tmp_path):
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "page")], check=True)
    png = sorted(Path(tmp_path).glob("page*.png"))[0]
    results = zxingcpp.read_barcodes(Image.open(png))
    assert results, "no QR code on the poster page"
    return results[0].text


def pdf_text(data, tmp_path):
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.django_db
@pytest.mark.parametrize("size,width_pt", [("A4", 595), ("A5", 419)])
def test_it_target_poster_decodes_to_exactly_the_url(world, login, tmp_path, size, width_pt):
    target = world.home.counter
    data = pdf_bytes(login(world.home.admin).get(
        reverse("control:target_poster", kwargs={"target_id": target.pk}) + f"?size={size}"))
    assert page_count(data) == 1
    assert int(PdfReader(io.BytesIO(data)).pages[0].mediabox.width) == width_pt
    assert decode_page(data, 1, tmp_path) == f"{settings.SITE_URL}/r/{target.code}"
    text = pdf_text(data, tmp_path)
    for expected in (world.home.agency.name_ms, world.home.premise.name, "Kaunter 1", "Imbas kod QR",
                     "Scan this QR code", f"/r/{target.code}"):
        assert expected in text
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="export", object_id=str(target.pk),
                                         changes__format=[None, f"poster {size}"]).count() == 1


@pytest.mark.django_db
def test_it_poster_carries_the_agency_logo(world, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = Image.new("RGB", (200, 100), (200, 30, 30))
    buf = tmp_path / "logo.png"
    logo.save(buf)
    with scopes_disabled():
        agency = Agency.objects.get(pk=world.home.agency.pk)
        agency.logo.save("logo.png", ContentFile(buf.read_bytes()))
    data = pdf_bytes(login(world.home.admin).get(
        reverse("control:target_poster", kwargs={"target_id": world.home.counter.pk})))
    assert any(page.images for page in PdfReader(io.BytesIO(data)).pages)
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "l")], check=True)
    page = Image.open(next(tmp_path.glob("l*.png"))).convert("RGB")
    reds = sum(1 for r, g, b in page.getdata() if r > 150 and g < 80 and b < 80)
    assert reds > 50  # the red logo is printed


@pytest.mark.django_db
def test_it_premise_posters_one_page_per_active_target(world, login, tmp_path):
    with scopes_disabled():
        Target.objects.filter(pk=world.home.service.pk).update(active=False)
        active = list(Target.objects.filter(premise=world.home.premise, active=True).order_by(
            "kind", "name", "id"))
    data = pdf_bytes(login(world.home.supervisor).get(
        reverse("control:premise_posters", kwargs={"premise_id": world.home.premise.pk}) + "?size=A5"))
    assert page_count(data) == len(active) == 3
    urls = {f"{settings.SITE_URL}/r/{t.code}" for t in active}
    assert decode_page(data, 2, tmp_path) in urls
    assert world.home.service.code not in pdf_text(data, tmp_path)


@pytest.mark.django_db
def test_it_agency_posters_cover_every_active_target_of_own_agency(world, login, tmp_path):
    with scopes_disabled():
        expected = Target.objects.filter(agency=world.home.agency, active=True).count()
        codes = set(Target.objects.filter(agency=world.home.agency).values_list("code", flat=True))
        other_codes = set(Target.objects.filter(agency=world.other.agency).values_list("code", flat=True))
    data = pdf_bytes(login(world.home.admin).get(reverse("control:agency_posters")))
    assert page_count(data) == expected == 5
    text = pdf_text(data, tmp_path)
    assert all(code in text for code in codes)
    assert not any(code in text for code in other_codes)


@pytest.mark.django_db
def test_it_sysadmin_picks_the_agency_for_bulk_posters(world, login, tmp_path):
    client = login(world.sysadmin)
    with scopes_disabled():
        expected = Target.objects.filter(agency=world.other.agency, active=True).count()
    by_kwarg = pdf_bytes(client.get(reverse("control:agency_posters",
                                            kwargs={"agency_id": world.other.agency.pk})))
    by_query = pdf_bytes(client.get(reverse("control:agency_posters") + f"?agency_id={world.other.agency.pk}"))
    assert page_count(by_kwarg) == page_count(by_query) == expected
    assert client.get(reverse("control:agency_posters")).status_code == 404  # which agency?


@pytest.mark.django_db
def test_it_posters_refused_outside_scope(world, login):
    home = world.home
    outsider = login(world.other.admin)
    assert outsider.get(reverse("control:target_poster", kwargs={"target_id": home.counter.pk})).status_code == 404
    assert outsider.get(reverse("control:premise_posters", kwargs={"premise_id": home.premise.pk})).status_code == 404
    assert outsider.get(reverse("control:agency_posters",
                                kwargs={"agency_id": home.agency.pk})).status_code == 404
    supervisor = login(home.supervisor)
    assert supervisor.get(reverse("control:premise_posters",
                                  kwargs={"premise_id": home.branch.pk})).status_code == 404
    assert supervisor.get(reverse("control:agency_posters")).status_code == 403
    officer = login(home.officer)
    assert officer.get(reverse("control:premise_posters", kwargs={"premise_id": home.premise.pk})).status_code == 403
    assert officer.get(reverse("control:target_poster", kwargs={"target_id": home.counter.pk})).status_code == 404


@pytest.mark.django_db
def test_it_officer_prints_own_poster(world, login, tmp_path):
    own = world.home.officer_target
    data = pdf_bytes(login(world.home.officer).get(
        reverse("control:target_poster", kwargs={"target_id": own.pk}) + "?size=A5"))
    assert decode_page(data, 1, tmp_path) == f"{settings.SITE_URL}/r/{own.code}"


def word_boxes(data, tmp_path):
    """{word: height in points} from pdftotext -bbox (the largest box of each word)."""
    pdf = tmp_path / "bbox.pdf"
    pdf.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    heights = {}
    for y0, y1, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                                   html):
        heights[word] = max(heights.get(word, 0), float(y1) - float(y0))
    return heights


def rasterise(data, tmp_path, dpi=50):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "r")], check=True)
    return Image.open(min(tmp_path.glob("r*.png"))).convert("RGB")


def near(pixel, hex_colour, tolerance=40):
    want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, want))


def coloured(page, hex_colour):
    """How many pixels of the page are close to the colour (counted over distinct colours)."""
    return sum(n for n, colour in page.getcolors(maxcolors=1 << 24) if near(colour, hex_colour, 25))


@pytest.mark.django_db
def test_it_poster_reads_like_a_government_notice(world, login, tmp_path):
    from erating.base.ingest.rating_form import COLOURS

    target = world.home.counter
    data = pdf_bytes(login(world.home.admin).get(reverse("control:target_poster", kwargs={"target_id": target.pk})))
    text = pdf_text(data, tmp_path)
    short = f"{settings.SITE_URL}/r/{target.code}".split("://", 1)[1]
    for expected in ("Nilaikan perkhidmatan kami", "Rate our service", short, "Cemerlang", "Memuaskan",
                     "Sederhana", "Kurang", "Tidak"):
        assert expected in text, expected
    assert "http://" not in text and "https://" not in text  # the short address, as people type it
    # The counter's name is the largest type on the page: over twice the instructions' height.
    heights = word_boxes(data, tmp_path)
    assert heights["Kaunter"] >= 2 * heights["Imbas"] and heights["Kaunter"] == max(heights.values())
    page = rasterise(data, tmp_path)
    for score, colour in COLOURS.items():  # the five faces, each in its own colour
        assert coloured(page, colour) > 30, score
    width, height = page.size
    lower_third = page.crop((0, height * 2 // 3, width, height))
    inked = sum(1 for p in lower_third.getdata() if sum(p) < 600)
    assert inked > 0.08 * width * height / 3  # faces, words and the footer band: not an empty third
    assert decode_page(data, 1, tmp_path) == f"{settings.SITE_URL}/r/{target.code}"


@pytest.mark.django_db
def test_it_poster_shows_the_three_faces_of_a_three_smiley_form(world, login, tmp_path):
    from erating.base.ingest.rating_form import COLOURS

    with scopes_disabled():
        Agency.objects.filter(pk=world.home.agency.pk).update(form_size=3)
    data = pdf_bytes(login(world.home.admin).get(
        reverse("control:target_poster", kwargs={"target_id": world.home.counter.pk})))
    page = rasterise(data, tmp_path)
    drawn = {score for score, colour in COLOURS.items() if coloured(page, colour) > 30}
    assert drawn == {5, 3, 1}
