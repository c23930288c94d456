"""The scoping matrix, continued for the modules with their own filters and roles: Analysis filters
naming another agency's objects, follow-up inside one agency (supervisor of another premise,
officer), and portal editing (system administrator only)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from .scoping import (
    NON_TENANT_KWARGS,
    _body,
    _shown,
    all_urls,
    build_url,
)

pytestmark = pytest.mark.django_db


# -- Analysis: filters in the query string ----------------------------------------------------
def _analysis_urls():
    return [u for u in all_urls() if (u.name or "").startswith("control:analysis")]


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_refuses_other_agency_ids_in_analysis_filters(world, other, role):
    """Every Analysis URL (dashboard, sections, live stamp), with each filter naming the other
    agency's object, answers 404 and shows nothing of it; without filters, the own scope only."""
    client = Client()
    client.force_login(getattr(world.home, role))
    filters = {"agency": other.agency.pk, "ministry": other.agency.ministry_id, "premise": other.premise.pk,
               "target": other.counter.pk, "officer": other.officer.pk}
    urls = _analysis_urls()
    assert len(urls) >= 8, "the Analysis URLs were not found"
    problems = []
    for u in urls:
        url = build_url(u, {k: v for k, (v, _why) in NON_TENANT_KWARGS.items()})
        for name, value in filters.items():
            response = client.get(url, {name: value})
            if response.status_code != 404:
                problems.append(f"GET {url}?{name}={value} → {response.status_code}")
            leaked = [n for n in other.names if n in _shown(response, url)]
            if leaked:
                problems.append(f"GET {url}?{name}={value} shows {leaked}")
        response = client.get(url, {"period": "year"})
        if response.status_code != 200 or [n for n in other.names if n in _shown(response, url)]:
            problems.append(f"GET {url}?period=year → {response.status_code} or shows the other agency")
    assert not problems, "\n".join(problems)


def test_it_refuses_a_supervisor_the_unsupervised_premise_in_analysis(world):
    client = Client()
    client.force_login(world.home.supervisor)
    for u in _analysis_urls():
        url = build_url(u, {k: v for k, (v, _why) in NON_TENANT_KWARGS.items()})
        assert client.get(url, {"premise": world.home.branch.pk}).status_code == 404
        assert client.get(url, {"target": world.home.branch_counter.pk}).status_code == 404
        assert client.get(url, {"premise": world.home.premise.pk}).status_code == 200


def test_it_keeps_follow_up_urls_to_the_supervisors_premises_and_from_officers(world):
    """Inside one agency: a case and an alert of the branch are refused to the supervisor of the
    head office (not their premise) and every follow-up URL to an officer; the admin gets them."""
    from erating.base.followup import alerts, cases
    from erating.base.models import Alert, AlertRule, WeDidLine

    h = world.home
    with scopes_disabled():
        case = cases.open_case(h.ratings[3], user=h.admin)  # the branch's low rating
        alerts.ensure_rules(h.agency)
        alert = Alert.objects.create(agency=h.agency, premise=h.branch, unit=f"premise:{h.branch.pk}",
                                     rule=AlertRule.objects.get(agency=h.agency, kind=AlertRule.LOW_SHARE),
                                     opened_at=timezone.now())
        line = WeDidLine.objects.create(agency=h.agency, premise=h.branch, case=case, text="Kaunter cawangan dibuka",
                                        written_at=timezone.now())
    values = {"case_id": case.pk, "alert_id": alert.pk, "rating_id": h.ratings[3].pk, "line_id": line.pk}
    urls = [u for u in all_urls() if (u.route.startswith(("control/followup/", "control/alerts/"))
                                      or (u.name or "").startswith(("control:case_", "control:alert_")))
            and u.kwargs]
    assert len(urls) >= 9
    problems = []
    for role, refused in (("supervisor", {403, 404, 405}), ("officer", {403, 405})):
        client = Client()
        client.force_login(getattr(h, role))
        for u in urls:
            url = build_url(u, values)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in refused:
                    problems.append(f"{role} {method.upper()} {url} → {status}")
    admin = Client()
    admin.force_login(h.admin)
    assert admin.get(reverse("control:case_detail", args=[case.pk])).status_code == 200
    assert admin.get(reverse("control:alert_detail", args=[alert.pk])).status_code == 200
    assert not problems, "\n".join(problems)


# -- Public portal editing: system administrator only -----------------------------------------
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_lets_only_the_system_administrator_edit_the_portal(world, role, settings, tmp_path):
    from erating.base.models import FaqEntry

    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        entry = FaqEntry.objects.create(question_ms="Soalan draf rahsia", answer_ms="<p>Jawapan</p>")
    values = {"kind": "faq", "item_id": entry.pk}
    urls = [u for u in all_urls() if (u.name or "").startswith("control:portal_")]
    assert len(urls) >= 8
    client = Client()
    client.force_login(getattr(world.home, role))
    problems = []
    for u in urls:
        url = build_url(u, values)
        for method in ("get", "post"):
            response = getattr(client, method)(url, **({"data": {"published": "1", "question_ms": "X",
                                                                "answer_ms": "Y"}} if method == "post" else {}))
            if response.status_code not in (403, 405) or "Soalan draf rahsia" in _body(response):
                problems.append(f"{method.upper()} {url} → {response.status_code}")
    assert not problems, "\n".join(problems)
    entry.refresh_from_db()
    assert (entry.published, entry.question_ms, FaqEntry.objects.count()) == (False, "Soalan draf rahsia", 1)
    sysadmin = Client()
    sysadmin.force_login(world.sysadmin)
    assert all(sysadmin.get(build_url(u, values)).status_code in (200, 405) for u in urls)
