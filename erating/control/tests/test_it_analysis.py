"""The Analysis dashboard views: every role gets its own view, the URL holds the filters, nonsense
is answered with a message (never a 500), the live stamp announces a new rating, and one
officer's figures below the minimum are for the agency administrator only."""
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.ingest import writer as rating_writer
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db

SECTIONS = ["summary", "trend", "heatmap", "reasons", "themes", "rankings", "comments"]


def rating_row(target, score=5, comment=""):
    return {"agency": target.agency_id, "premise": target.premise_id, "target": target.id, "officer": None,
            "score": score, "channel": "qr", "reasons": [], "comment": comment, "contact_consent": False,
            "contact_name": "", "contact_phone": "", "contact_email": "", "created_at": timezone.now(),
            "client_time": None, "clock_skew_seconds": None, "idempotency_key": uuid.uuid4(), "device": None,
            "flagged": False, "source": "", "language": "ms"}


@pytest.mark.parametrize("role", ["sysadmin", "admin", "supervisor", "officer"])
def test_every_role_sees_its_dashboard_and_sections(world, login, role):
    user = world.sysadmin if role == "sysadmin" else getattr(world.home, role)
    with scopes_disabled():  # the officer's two ratings are enough to be shown
        world.home.agency.ranking_min_ratings = 2
        world.home.agency.save()
    client = login(user)
    response = client.get(reverse("control:analysis"), {"period": "7d"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page.replace("<script src=", "")  # no inline script (CSP)
    body = page
    for part in SECTIONS:
        section = client.get(reverse(f"control:analysis_{part}"), {"period": "7d"})
        assert section.status_code == 200
        assert (f'hx-get="/control/analysis/{part}/?period=7d"' in page) is not (part == "rankings" and role == "officer")
        body += section.content.decode()
    assert 'id="an-trend-canvas" data-chart="{&quot;type&quot;: &quot;trend&quot;' in body
    if role == "officer":
        assert "an-rank-" not in body and "Bagus" in body  # own comment, no rankings
        assert "Cawangan lambat" not in body
    if role == "supervisor":
        assert "Cawangan lambat" not in body and "Lambat" in body
    if role == "sysadmin":
        assert 'id="an-rank-agency"' in body and world.other.agency.name_ms in body


def test_filters_in_the_url_narrow_the_figures(world, login):
    client = login(world.home.admin)
    url = reverse("control:analysis_summary")
    everything = client.get(url, {"period": "7d"}).context["summary"]["dist_rows"]
    low = client.get(url, {"period": "7d", "score_max": "2", "premise": world.home.premise.id}).context
    assert low["head"]["ratings"] == 1 and low["head"]["distribution"] == [1, 0, 0, 0, 0]
    assert sum(int(r["n"]) for r in everything) == 4
    # drill-down links keep the other filters and add the clicked one
    href = low["summary"]["dist_rows"][-1]["href"]
    assert f"premise={world.home.premise.id}" in href and "score_min=1" in href and "score_max=1" in href


@pytest.mark.parametrize("query", [{"period": "custom", "start": "2026-02-10", "end": "2026-02-01"},
                                   {"period": "custom", "start": "1999-13-40"}, {"score_min": "9"},
                                   {"channel": "fax"}, {"period": "forever"}])
def test_nonsense_filters_get_a_message_not_an_error(world, login, query):
    response = login(world.home.admin).get(reverse("control:analysis"), query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert login(world.home.admin).get(reverse("control:analysis_trend"), query).status_code == 400


def test_live_stamp_announces_a_new_rating(world, login):
    client = login(world.home.admin)
    first = client.get(reverse("control:analysis"), {"period": "today"}).context["stamp"]
    same = client.get(reverse("control:analysis_stamp"), {"period": "today", "stamp": first})
    assert same.status_code == 200 and "HX-Trigger" not in same
    rating_writer.insert_new([rating_row(world.home.counter)])
    changed = client.get(reverse("control:analysis_stamp"), {"period": "today", "stamp": first})
    assert changed["HX-Trigger"] == "analysis-refresh"
    assert client.get(reverse("control:analysis_summary"), {"period": "today"}).context["head"]["ratings"] == 5
    # A rating of the other agency does not move this agency's stamp.
    again = changed.content.decode().split("stamp=")[1].split('"')[0]
    rating_writer.insert_new([rating_row(world.other.counter)])
    from urllib.parse import unquote
    assert "HX-Trigger" not in client.get(reverse("control:analysis_stamp"),
                                          {"period": "today", "stamp": unquote(again)})


def test_one_officers_figures_below_the_minimum_are_for_the_agency_admin_only(world, login):
    officer = world.home.officer
    query = {"period": "7d", "officer": officer.id}
    for user in (world.home.supervisor, world.sysadmin, officer):
        response = login(user).get(reverse("control:analysis"), {"period": "7d"} if user == officer else query)
        assert response.context["withheld"] is True, user
        # No section is loaded (the filter form's own hx-get, the agency choices, is not a figure).
        assert "an-trend-canvas" not in response.content.decode() and 'hx-get="/control/analysis/' not in \
            response.content.decode().split('id="an-live"')[1].split("</p>", 1)[1]
    admin = login(world.home.admin).get(reverse("control:analysis"), query)
    assert admin.context["withheld"] is False and admin.context["head"]["ratings"] == 2
    # Enough ratings: the officer sees their own figures.
    with scopes_disabled():
        for _ in range(8):
            add_rating(world.home.officer_target, 4, when=timezone.now() - timedelta(hours=1))
    mine = login(officer).get(reverse("control:analysis"), {"period": "7d"})
    assert mine.context["withheld"] is False and mine.context["head"]["ratings"] == 10


def test_labels_follow_the_language(world, login):
    with scopes_disabled():
        for _ in range(3):
            add_rating(world.home.counter, 4)
    client = login(world.home.admin)
    client.cookies["django_language"] = "en"
    en = client.get(reverse("control:analysis_summary"), {"period": "7d"}).content.decode()
    client.cookies["django_language"] = "ms"
    ms = client.get(reverse("control:analysis_summary"), {"period": "7d"}).content.decode()
    assert "Satisfaction index" in en and "Indeks kepuasan" in ms


def test_agency_admin_sets_the_minimum_in_form_settings(world, login):
    from erating.control.tests.test_it_form_settings import GENERAL, URL

    client = login(world.home.admin)
    response = client.post(reverse(URL), {**GENERAL, "ranking_min_ratings": "25"})
    assert response.status_code in (200, 302)
    with scopes_disabled():
        world.home.agency.refresh_from_db()
    assert world.home.agency.ranking_min_ratings == 25
    client.post(reverse(URL), GENERAL)  # a form without the field keeps it
    with scopes_disabled():
        world.home.agency.refresh_from_db()
    assert world.home.agency.ranking_min_ratings == 25
    bad = client.post(reverse(URL), {**GENERAL, "ranking_min_ratings": "0"})
    assert "ranking_min_ratings" in bad.context["settings_form"].errors


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_the_summary_shows_follow_up_deadlines_to_those_who_work_cases(world, login, role):
    from erating.base.followup import cases
    from erating.base.models import Case

    h = world.home
    with scopes_disabled():
        low = [r for r in h.ratings if r.score <= 2]
        for rating in low:
            cases.open_case(rating, user=h.admin)
        in_scope = Case.objects.filter(premise__in=[h.premise] if role == "supervisor" else
                                       [h.premise, h.branch]).count()
    client = login(getattr(h, role))
    body = client.get(reverse("control:analysis_summary"), {"period": "30d"}).content.decode()
    if role == "officer":
        assert "an-followup" not in body
    else:
        assert low and in_scope
        assert f"<strong>{in_scope}</strong> kes dibuka" in body
