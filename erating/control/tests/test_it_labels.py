"""Every person and counter unambiguous wherever listed, ranked, filtered or exported: the premise
beside a counter; an officer's home premise and staff number (or the e-mail's first part) beside
the name (erating.base.labels). The staff number is edited in the staff form and
imported with the officers."""
import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base import labels
from erating.base.models import AuditEntry, Target, User
from erating.base.testing import add_rating
from erating.base.tests.reports_helpers import csv_rows, run

pytestmark = pytest.mark.django_db
NAME = "Aloysius anak Ngelai"


@pytest.fixture
def twins(world):
    """Two officers of one name at two premises (one with a staff number), and a "Kaunter 3" at each."""
    h = world.home
    with scopes_disabled():
        h.agency.ranking_min_ratings = 1
        h.agency.save()
        out = []
        for premise, email, staff in ((h.premise, "aloysius@home.gov.my", "JPN-0457"),
                                      (h.branch, "aloysius.n@home.gov.my", "")):
            user = User.objects.create_user(email, None, full_name=NAME, role=User.OFFICER, agency=h.agency,
                                            staff_number=staff)
            own = Target.objects.create(agency=h.agency, premise=premise, kind=Target.OFFICER, name=NAME, officer=user)
            counter = Target.objects.create(agency=h.agency, premise=premise, kind=Target.COUNTER, name="Kaunter 3")
            add_rating(own, 5)
            add_rating(counter, 4, officer=user)
            out.append((user, own, counter))
    return out


def test_one_helper_names_officers_and_counters_apart(world, twins):
    h = world.home
    (a, a_own, a_counter), (b, b_own, b_counter) = twins
    officers = labels.officer_labels([a.pk, b.pk])
    assert officers[a.pk] == f"{NAME} ({h.premise.name} · JPN-0457)"
    assert officers[b.pk] == f"{NAME} ({h.branch.name} · aloysius.n)"  # no staff number: the e-mail's first part
    targets = labels.target_labels([a_counter.pk, b_counter.pk, a_own.pk])
    assert targets[a_counter.pk] == f"Kaunter 3 ({h.premise.name})" and targets[b_counter.pk] == f"Kaunter 3 ({h.branch.name})"
    assert targets[a_own.pk] == officers[a.pk]


def test_rankings_and_drop_downs_tell_them_apart(world, twins, login):
    h = world.home
    client = login(h.admin)
    tables = {t["key"]: t for t in client.get(reverse("control:analysis_rankings"), {"period": "7d"})
              .context["rankings"]["tables"]}
    counters = [r["label"] for r in tables["counter"]["ranked"] + tables["counter"]["few"]]
    assert len([x for x in counters if x.startswith("Kaunter 3")]) == 2 == len({x for x in counters if x.startswith("Kaunter 3")})
    officers = [r["label"] for r in tables["officer"]["ranked"] + tables["officer"]["few"] if r["label"].startswith(NAME)]
    assert len(officers) == 2 == len(set(officers))
    page = client.get(reverse("control:analysis"), {"period": "7d"}).content.decode()
    assert f"{NAME} ({h.premise.name} · JPN-0457)" in page and f"{NAME} ({h.branch.name} · aloysius.n)" in page
    drill = client.get(reverse("control:analysis"), {"period": "7d", "premise": h.premise.id}).content.decode()
    assert f"Kaunter 3 ({h.premise.name})</option>" in drill
    form = client.get(reverse("control:report_index")).content.decode()
    assert f"{NAME} ({h.premise.name} · JPN-0457)" in form and f"Kaunter 3 ({h.branch.name})" in form


def test_the_per_officer_report_tells_them_apart(world, twins, tmp_path):
    h = world.home
    rows = csv_rows(run(h.admin, {"report": "officers", "fmt": "csv", "period": "7d"}, tmp_path))
    named = [r[1] for r in rows[1:] if r and r[1].startswith(NAME)]
    assert sorted(named) == sorted([f"{NAME} ({h.premise.name} · JPN-0457)", f"{NAME} ({h.branch.name} · aloysius.n)"])
    summary = [r[0] for r in csv_rows(run(h.admin, {"report": "summary", "fmt": "csv", "period": "7d"}, tmp_path)) if r]
    assert f"{NAME} ({h.premise.name} · JPN-0457)" in summary and f"{NAME} ({h.branch.name} · aloysius.n)" in summary
    assert f"Kaunter 3 ({h.premise.name})" in summary and f"Kaunter 3 ({h.branch.name})" in summary


def test_the_staff_form_sets_the_staff_number_and_audits_it(world, login):
    h = world.home
    admin = login(h.admin)
    data = {"email": "baru@home.gov.my", "full_name": "Siti Baru", "staff_number": " 00123 ", "role": "officer",
            "language": "ms", "home_premise": h.premise.pk}
    assert admin.post(reverse("control:officer_create"), data).status_code == 302
    with scopes_disabled():
        user = User.objects.get(email="baru@home.gov.my")
        assert user.staff_number == "00123"
        assert AuditEntry.objects.filter(action="user.create").latest("id").changes["staff_number"] == [None, "00123"]
    assert "00123" in admin.get(reverse("control:officer_detail", args=[user.pk])).content.decode()
    edited = admin.post(reverse("control:officer_edit", args=[user.pk]),
                        {"email": user.email, "full_name": "Siti Baru", "staff_number": "00999", "language": "ms",
                         "home_premise": h.premise.pk})
    assert edited.status_code == 302
    with scopes_disabled():
        user.refresh_from_db()
        assert user.staff_number == "00999"
        assert AuditEntry.objects.filter(action="user.update").latest("id").changes["staff_number"] == ["00123", "00999"]


def upload(client, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    file = io.BytesIO(buffer.getvalue().encode())
    file.name = "officers.csv"
    response = client.post(reverse("control:import_upload", args=["officers"]), {"file": file})
    return response


def test_the_officer_import_takes_staff_numbers_and_old_files_still_load(world, login, client):
    h = world.home
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    admin = login(h.admin)
    response = upload(admin, [["email", "full_name", "premise_code", "language", "counters", "staff_number"],
                              ["satu@home.gov.my", "Satu", h.premise.code, "ms", "", "A-1"],
                              [h.officer.email, h.officer.full_name, h.premise.code, "ms", "Kaunter 1", "B-2"]])
    assert response.status_code == 200, response.context["preview"].errors
    confirmed = admin.post(reverse("control:import_confirm", args=["officers"]), {"token": response.context["token"]})
    assert confirmed.status_code == 302
    with scopes_disabled():
        assert User.objects.get(email="satu@home.gov.my").staff_number == "A-1"
        assert User.objects.get(pk=h.officer.pk).staff_number == "B-2"
    # A file of the old five columns still loads, and keeps the numbers it does not carry.
    old = upload(admin, [["email", "full_name", "premise_code", "language", "counters"],
                         ["satu@home.gov.my", "Satu Baru", h.premise.code, "ms", ""]])
    assert old.status_code == 200 and not old.context["preview"].file_error
    admin.post(reverse("control:import_confirm", args=["officers"]), {"token": old.context["token"]})
    with scopes_disabled():
        user = User.objects.get(email="satu@home.gov.my")
        assert (user.full_name, user.staff_number) == ("Satu Baru", "A-1")
    too_long = upload(admin, [["email", "full_name", "premise_code", "language", "counters", "staff_number"],
                              ["dua@home.gov.my", "Dua", h.premise.code, "ms", "", "x" * 31]])
    assert too_long.status_code == 400
    assert {(e.row, e.column) for e in too_long.context["preview"].errors} == {(2, "staff_number")}


def test_the_case_assignee_choices_tell_namesakes_apart(world, login):
    h = world.home
    with scopes_disabled():
        User.objects.filter(pk=h.admin.pk).update(full_name=h.supervisor.full_name, staff_number="ADM-1")
        rating = h.ratings[1]
    client = login(h.supervisor)
    opened = client.post(reverse("control:case_open", args=[rating.pk]))
    page = client.get(opened["Location"]).content.decode()
    assert f"{h.supervisor.full_name} (ADM-1)</option>" in page
    assert f"{h.supervisor.full_name} (penyelia)</option>" in page
