"""Each role's home page: what it shows, what it hides, and the navigation it offers."""
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db
HOME = "/control/"


def page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def nav(body):
    start = body.index('<nav class="sidenav"')
    return body[start:body.index("</nav>", start)]


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("control:login") + "?next=/control/"


def test_it_shows_sysadmin_all_agencies(world, login):
    body = page(login(world.sysadmin))
    for agency in (world.home.agency, world.other.agency):
        assert agency.name_en in body  # the page is in English
    assert 'href="/control/premises/"' in nav(body)


def test_it_shows_agency_admin_only_own_agency(world, login):
    body = page(login(world.home.admin))
    assert world.home.agency.name_en in body  # the page is in English
    assert world.home.premise.name in body and world.home.branch.name in body  # ranking of both premises
    for name in (world.other.agency.name_ms, world.other.agency.name_en, world.other.premise.name):
        assert name not in body
    assert "Cawangan lambat" in body  # the branch comment is the admin's to see
    assert 'href="/control/premises/"' in nav(body)


def test_it_shows_supervisor_only_supervised_premises(world, login):
    body = page(login(world.home.supervisor))
    assert world.home.premise.name in body
    assert world.home.branch.name not in body and "Cawangan lambat" not in body
    assert world.other.premise.name not in body
    assert 'href="/control/premises/"' in nav(body)


def test_it_shows_officer_only_own_ratings(world, login):
    body = page(login(world.home.officer))
    assert world.home.officer_target.code in body  # own QR address
    assert "Bagus" in body  # a comment credited to this officer
    assert "Lambat" not in body  # the counter's other rating is not this officer's
    assert world.other.officer_target.code not in body
    assert world.home.premise.name not in nav(body)
    assert 'href="/control/premises/"' not in nav(body)
    assert 'href="/control/password/"' in nav(body)


def test_it_hides_colleagues_ratings_from_an_officer(world, login):
    body = page(login(world.home.colleague))
    assert "Bagus" not in body and "Lambat" not in body
    assert "You have no personal QR code yet." in body


def test_it_shows_times_in_kuala_lumpur(world, login):
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    when = datetime(yesterday.year, yesterday.month, yesterday.day, 0, 30, tzinfo=UTC)
    with scopes_disabled():
        add_rating(world.home.counter, 2, comment="Menunggu terlalu lama", when=when)
    body = page(login(world.home.admin))
    item = body[body.index("Menunggu terlalu lama"):][:400]
    assert "08:30" in item and "00:30" not in item
