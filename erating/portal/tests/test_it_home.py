"""The public portal: aggregate counts only, no tenant rows, BM by default."""
import pytest
from django_scopes import scopes_disabled

from erating.base.models import Premise
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


def count(body, key):
    start = body.index(f'data-count="{key}">') + len(f'data-count="{key}">')
    return int(body[start:body.index("<", start)].replace(",", ""))


def test_it_shows_public_counts_to_anyone(world, client):
    with scopes_disabled():
        flagged = add_rating(world.home.counter, 1)
        flagged.flagged = True
        flagged.save()
        Premise.objects.create(agency=world.other.agency, code="tab", name="Tablet only", state="JHR",
                               medium=Premise.TABLET)
        Premise.objects.create(agency=world.other.agency, code="off", name="Closed", state="JHR",
                               medium=Premise.TABLET, active=False)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="ms"' in body
    # world: per agency one BOTH and one QR premise; plus one active tablet premise.
    assert (count(body, "tablet"), count(body, "qr"), count(body, "both")) == (1, 2, 2)
    assert count(body, "ratings") == 8  # flagged ratings are not counted
    for name in (world.home.premise.name, world.other.agency.name_ms, world.home.admin.full_name, "Bagus"):
        assert name not in body


def test_it_leaves_suspended_agencies_out(world, client):
    with scopes_disabled():
        world.other.agency.status = "suspended"
        world.other.agency.save()
    body = client.get("/").content.decode()
    assert (count(body, "both"), count(body, "qr")) == (1, 1)


def test_it_works_on_an_empty_database(db, client):
    body = client.get("/").content.decode()
    assert count(body, "ratings") == 0
