"""Issue 24: the agency administrator's setup checklist on the home page, from first login to the
first rating. Each step is marked done from the agency's data, through the real screens (a
premise, a counter, a staff account, a poster downloaded or a tablet paired, the thresholds
saved, a rating), and the list goes away once every step is done."""
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Agency, Device, Premise, Target, User
from erating.base.testing import PASSWORD, add_rating

pytestmark = pytest.mark.django_db

THRESHOLDS = {"ack_days": 2, "resolve_days": 10, "contact_retention_days": 30,
              "low_share-active": "on", "low_share-threshold": 60, "low_share-window_minutes": 10,
              "low_share-min_ratings": 5, "csat_day-active": "on", "csat_day-threshold": 70,
              "csat_day-window_minutes": 1440, "csat_day-min_ratings": 10, "drop-threshold": 25,
              "drop-min_ratings": 10, "kiosk-active": "on", "kiosk-threshold": 45, "kiosk-min_ratings": 5}


@pytest.fixture
def new_agency(world):
    """An agency just approved: its administrator and nothing else."""
    with scopes_disabled():
        agency = Agency.objects.create(ministry=world.ministry, code="baru", name_ms="Jabatan Baru",
                                       name_en="New Department")
        admin = User.objects.create_user("admin@baru.gov.my", PASSWORD, full_name="Admin Baru",
                                         role=User.AGENCY_ADMIN, agency=agency)
    return agency, admin


def steps(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/control/").content.decode()
    if 'class="card setup"' not in body:
        return None
    return {key: "is-done" in cls for cls, key in re.findall(r'class="setup-step([^"]*)" data-step="(\w+)"', body)}


def test_it_walks_a_new_agency_from_first_login_to_the_first_rating(world, login, new_agency):
    agency, admin = new_agency
    client = login(admin)
    assert steps(client) == {"premises": False, "counters": False, "officers": False, "media": False,
                             "thresholds": False, "first_rating": False}
    body = client.get("/control/").content.decode()
    assert "0 of 6 steps done" in body and 'href="/control/premises/"' in body

    premise_data = {"code": "baru-hq", "name": "Ibu Pejabat", "state": "PJY", "medium": "both",
                    "opens_at": "08:00", "closes_at": "17:00"}
    assert client.post(reverse("control:premise_create"), premise_data).status_code == 302
    assert steps(client)["premises"] is True
    with scopes_disabled():
        premise = Premise.objects.get(agency=agency)
        counter = Target.objects.create(agency=agency, premise=premise, kind=Target.COUNTER, name="Kaunter 1")
    assert steps(client)["counters"] is True

    with scopes_disabled():
        User.objects.create_user("petugas@baru.gov.my", PASSWORD, full_name="Petugas Baru", role=User.OFFICER,
                                 agency=agency)
    assert steps(client)["officers"] is True

    assert steps(client)["media"] is False
    assert client.get(reverse("control:target_poster", args=[counter.pk])).status_code == 200  # the audited download
    assert steps(client)["media"] is True

    assert client.post(reverse("control:followup_settings"), THRESHOLDS).status_code == 302
    assert steps(client)["thresholds"] is True

    with scopes_disabled():
        add_rating(counter, 5)
    # Every step done: the checklist steps aside for the figures.
    assert steps(client) is None


def test_it_counts_a_paired_tablet_as_the_medium_step(world, login, new_agency):
    agency, admin = new_agency
    with scopes_disabled():
        premise = Premise.objects.create(agency=agency, code="baru-hq", name="HQ", state="PJY", medium=Premise.TABLET)
        Device.objects.create(agency=agency, premise=premise, token_hash="x" * 64)
    body = login(admin).get("/control/").content.decode()
    assert steps(login(admin))["media"] is True
    assert re.search(r"Tablets paired: 1|Tablet dipasangkan: 1", body)


def test_it_counts_only_the_agencys_own_data(world, login, new_agency):
    """The other agencies in the world have premises, staff and ratings: none of it counts here."""
    _agency, admin = new_agency
    assert not any(steps(login(admin)).values())


def test_it_leaves_a_set_up_agency_and_other_roles_without_the_checklist(world, login):
    assert steps(login(world.home.admin)) is not None  # the test world never downloaded a poster
    for user in (world.home.supervisor, world.home.officer, world.sysadmin):
        assert steps(login(user)) is None
