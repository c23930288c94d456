"""The monthly results poster of a premise: figures only at or above the agency's minimum, the
change on last month, the most praised theme, published "we did" lines, a QR code a real decoder
reads; bulk for an agency; a malformed month is a clear 400; another agency's premise a 404."""
import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.models import Agency, WeDidLine
from erating.base.testing import add_rating
from erating.control.tests.test_it_posters import decode_page, page_count, pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db
NOV = datetime.datetime(2026, 11, 12, 3, 0, tzinfo=datetime.UTC)
OCT = datetime.datetime(2026, 10, 12, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def month(world):
    """November: 8 ratings at the HQ (6 satisfied = 75.0 %), October: 4 (2 satisfied = 50.0 %)."""
    h = world.home
    with scopes_disabled():
        Agency.objects.filter(pk=h.agency.pk).update(ranking_min_ratings=4)
        for score, comment in ((5, "Pegawai sangat mesra"), (5, "Pegawai peramah"), (4, ""), (4, ""), (5, ""),
                               (4, ""), (1, ""), (2, "")):
            add_rating(h.counter, score, comment=comment, when=NOV)
        for score in (5, 4, 1, 2):
            add_rating(h.counter, score, when=OCT)
        for n, text in enumerate(["Kaunter 3 dibuka pada waktu rehat", "Kerusi tambahan di ruang menunggu",
                                  "Papan tanda baharu", "Baris paling lama"]):
            when = NOV - datetime.timedelta(days=n)
            WeDidLine.objects.create(agency=h.agency, premise=h.premise, text=text, status=WeDidLine.PUBLISHED,
                                     written_at=when, published_at=when)
        WeDidLine.objects.create(agency=h.agency, premise=h.premise, text="Belum disemak", written_at=NOV)
    pending.fold_all()
    return world


def text_of(data, tmp_path):
    return " ".join(pdf_text(data, tmp_path).split())


def test_the_poster_shows_the_month_its_change_theme_lines_and_qr(month, login, tmp_path):
    h = month.home
    client = login(h.admin)
    data = pdf_bytes(client.get(reverse("control:premise_results_poster", args=[h.premise.pk]), {"month": "2026-11"}))
    assert page_count(data) == 1
    text = text_of(data, tmp_path)
    assert "November 2026" in text and "75.0%" in text and "daripada 8 penilaian" in text
    assert "+25.0 mata berbanding bulan lepas" in text
    assert "Paling dipuji" in text
    assert "Kaunter 3 dibuka pada waktu rehat" in text and "Papan tanda baharu" in text
    assert "Baris paling lama" not in text and "Belum disemak" not in text  # three at most, published only
    assert decode_page(data, 1, tmp_path).startswith(f"{settings.SITE_URL}/r/")


def test_below_the_minimum_the_poster_says_too_few(month, login, tmp_path):
    h = month.home
    with scopes_disabled():
        Agency.objects.filter(pk=h.agency.pk).update(ranking_min_ratings=9)
    client = login(h.admin)
    data = pdf_bytes(client.get(reverse("control:premise_results_poster", args=[h.premise.pk]), {"month": "2026-11"}))
    text = text_of(data, tmp_path)
    assert "Terlalu sedikit penilaian" in text and "Too few ratings" in text
    assert "75.0%" not in text and "daripada 8" not in text
    assert decode_page(data, 1, tmp_path).startswith(f"{settings.SITE_URL}/r/")


def test_an_agency_prints_every_active_premise_in_bulk(month, login, tmp_path):
    h = month.home
    client = login(h.admin)
    data = pdf_bytes(client.get(reverse("control:agency_results_posters"), {"month": "2026-11"}))
    assert page_count(data) == 2  # HQ and branch


@pytest.mark.parametrize("value", ["2026-13", "nov", "2026-1", "1999-12"])
def test_a_malformed_month_is_a_clear_400(month, login, value):
    client = login(month.home.admin)
    response = client.get(reverse("control:premise_results_poster", args=[month.home.premise.pk]), {"month": value})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()


def test_another_agencys_premise_is_not_found(month, login):
    client = login(month.home.admin)
    response = client.get(reverse("control:premise_results_poster", args=[month.other.premise.pk]))
    assert response.status_code == 404
