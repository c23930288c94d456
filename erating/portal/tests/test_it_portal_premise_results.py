"""A premise's public results on the portal (BM and EN addresses): last month's satisfaction only
at or above the agency's minimum, the most praised theme, published "you said, we did" lines only,
the results poster as PDF; nothing for an agency that asked not to be named."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from erating.base.models import Agency, WeDidLine
from erating.portal.tests.public_pages import publish_a_premise

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month(world):
    publish_a_premise(world)  # last month's ratings at the minimum and one published "we did" line
    h = world.home
    with scopes_disabled():
        when = WeDidLine.objects.get(premise=h.premise).written_at  # the published line's, last month
        WeDidLine.objects.create(agency=h.agency, premise=h.premise, text="Belum disemak", written_at=when)
    return world


def url(world, lang="ms"):
    prefix = "/keputusan" if lang == "ms" else "/en/results"
    return f"{prefix}/{world.home.agency.code}/{world.home.premise.code}/"


def test_the_page_shows_last_months_figures_and_published_lines(last_month):
    page = Client().get(url(last_month))
    body = page.content.decode()
    assert page.status_code == 200 and last_month.home.premise.name in body
    assert "75" in body and 'data-testid="csat"' in body
    assert "Kaunter 3 dibuka pada waktu rehat" in body and "Belum disemak" not in body
    english = Client().get(url(last_month, "en")).content.decode()
    assert "You said, we did" in english
    pdf = Client().get(url(last_month), {"format": "pdf"})
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_below_the_minimum_it_says_too_few(last_month):
    with scopes_disabled():
        Agency.objects.filter(pk=last_month.home.agency.pk).update(ranking_min_ratings=5)
    body = Client().get(url(last_month)).content.decode()
    assert 'data-testid="too-few"' in body and 'data-testid="csat"' not in body


def test_an_agency_that_is_not_named_has_no_premise_page(last_month):
    with scopes_disabled():
        Agency.objects.filter(pk=last_month.home.agency.pk).update(public_results_named=False)
    assert Client().get(url(last_month)).status_code == 404
    assert Client().get("/keputusan/no-such/place/").status_code == 404
