"""One disclosure rule (erating.base.analysis.disclosure) on every path: nothing below the agency's
minimum can be read for a unit that identifies ONE officer -- the officer, or the officer's own
target -- whichever filter, report or role asks; withheld rows are counted truly."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import disclosure
from erating.base.models import Target
from erating.base.reports import api_tokens
from erating.base.testing import add_rating
from erating.base.tests.reports_helpers import csv_rows, pdf_text, run

pytestmark = pytest.mark.django_db


def dashboard(login, user, **query):
    return login(user).get(reverse("control:analysis"), {"period": "7d", **query})


def test_the_officers_own_target_is_withheld_like_the_officer(world, login):
    """As a supervisor, `?officer=` was withheld but `?premise=&target=` (the officer's own
    target) showed its ratings, mean and comment."""
    h = world.home
    with scopes_disabled():
        add_rating(h.officer_target, 5, comment="Petugas ini sangat membantu")
    by_officer = dashboard(login, h.supervisor, officer=h.officer.id)
    assert by_officer.context["withheld"] is True
    by_target = dashboard(login, h.supervisor, premise=h.premise.id, target=h.officer_target.id)
    assert by_target.context["withheld"] is True
    page = by_target.content.decode()
    assert "an-trend-canvas" not in page and "Petugas ini sangat membantu" not in page
    comments = login(h.supervisor).get(reverse("control:analysis_comments"),
                                       {"period": "7d", "target": h.officer_target.id})
    assert "Petugas ini sangat membantu" not in comments.content.decode()
    # Officer-kind filter leaving one officer's target in the premise: the same officer.
    assert dashboard(login, h.supervisor, premise=h.premise.id, kind="officer").context["withheld"] is True
    # A counter is not an officer: shown. The agency administrator sees the officer's target.
    assert dashboard(login, h.supervisor, target=h.counter.id).context["withheld"] is False
    admin = dashboard(login, h.admin, premise=h.premise.id, target=h.officer_target.id)
    assert admin.context["withheld"] is False and admin.context["head"]["ratings"] == 2


def test_enough_ratings_show_but_not_a_previous_period_below_the_minimum(world, login):
    h = world.home
    with scopes_disabled():
        h.agency.ranking_min_ratings = 3
        h.agency.save()
        for _ in range(2):
            add_rating(h.officer_target, 5)
        add_rating(h.officer_target, 1, when=timezone.now() - timedelta(days=9))  # the previous 7 days: 1
    response = dashboard(login, h.supervisor, target=h.officer_target.id)
    assert response.context["withheld"] is False and response.context["head"]["ratings"] == 3
    assert all(v is None for v in response.context["head"]["change"].values())
    admin = dashboard(login, h.admin, target=h.officer_target.id)
    assert admin.context["head"]["change"]["csat"] is not None


def test_the_managers_summary_withholds_officer_targets_below_the_minimum(world, tmp_path):
    h = world.home
    query = {"report": "summary", "fmt": "csv", "period": "7d"}

    def names(user):
        return [r[0] for r in csv_rows(run(user, query, tmp_path)) if r]

    supervisor = names(h.supervisor)
    assert not any(n.startswith(h.officer_target.name) for n in supervisor)
    assert any(n.startswith("Kaunter 1") for n in supervisor)
    _reader, text = pdf_text(run(h.supervisor, {**query, "fmt": "pdf", "language": "en"}, tmp_path))
    assert "1 officer has too few ratings to be shown." in " ".join(text.split())  # the note: a true count
    assert any(n.startswith(h.officer_target.name) for n in names(h.admin))
    with scopes_disabled():
        h.agency.ranking_min_ratings = 1
        h.agency.save()
    assert any(n.startswith(h.officer_target.name) for n in names(h.supervisor))


@pytest.mark.parametrize("report", ["detailed", "summary", "low", "by-agency", "officers"])
def test_every_report_about_one_officer_below_the_minimum_is_withheld(world, tmp_path, report):
    h = world.home
    with scopes_disabled():
        add_rating(h.officer_target, 1, comment="Sangat lambat petugas ini")
    for query in ({"target": h.officer_target.id}, {"officer": h.officer.id}):
        query = {"report": report, "fmt": "csv", "period": "7d", **query}
        body = run(h.supervisor, query, tmp_path).decode("utf-8-sig")
        assert "Sangat lambat" not in body and h.officer_target.name not in body, (report, query, body)
        assert "Withheld" in body or "Dirahsiakan" in body, (report, query)
        if report in ("detailed", "low"):
            assert "Sangat lambat" in run(h.admin, query, tmp_path).decode("utf-8-sig")


def test_pdf_and_xlsx_take_the_same_rule(world, tmp_path):
    h = world.home
    query = {"report": "detailed", "period": "7d", "target": h.officer_target.id}
    book = run(h.supervisor, {**query, "fmt": "xlsx"}, tmp_path)
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert not any(h.officer.full_name in c for c in cells if "Rated" not in c and "Dinilai" not in c)
    assert any("Withheld" in c or "Dirahsiakan" in c for c in cells)


def test_the_read_api_refuses_one_officer_below_the_minimum(world):
    h = world.home
    with scopes_disabled():
        _, clear = api_tokens.issue(h.agency, "Sistem", user=h.admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    for path in ("/api/v1/reports/figures", "/api/v1/reports/ratings", "/api/v1/reports/ratings.csv"):
        for query in ({"officer": h.officer.id}, {"target": h.officer_target.id}):
            response = client.get(path, {"period": "7d", **query})
            assert response.status_code == 403, (path, query)
            assert response.json()["error"] == "withheld" and response.json()["detail"]["minimum"] == 10
    assert client.get("/api/v1/reports/figures", {"period": "7d", "target": h.counter.id}).status_code == 200
    with scopes_disabled():
        h.agency.ranking_min_ratings = 1
        h.agency.save()
    body = client.get("/api/v1/reports/figures", {"period": "7d", "target": h.officer_target.id}).json()
    assert body["total"] == 1


def test_rows_below_the_minimum_are_counted_truly_not_from_a_cut_list(world, login):
    h = world.home
    with scopes_disabled():
        for i in range(27):
            add_rating(Target.objects.create(agency=h.agency, premise=h.branch, kind=Target.COUNTER,
                                             name=f"Kaunter X{i}"), 4)
    response = login(h.admin).get(reverse("control:analysis_rankings"), {"period": "7d"})
    counters = next(t for t in response.context["rankings"]["tables"] if t["key"] == "counter")
    assert counters["few_count"] == 29 and len(counters["few"]) == 20 and counters["few_more"] == 9
    page = response.content.decode()
    assert "29" in page and "9" in page


def test_the_rule_lives_in_one_module(world):
    h = world.home
    from erating.base.analysis.criteria import parse

    with scopes_disabled():
        c = parse({"period": "7d", "target": h.officer_target.id}, user=h.supervisor)
        assert disclosure.officer_unit(c) == (h.officer.id, h.agency.id)
        assert disclosure.withheld(c, h.supervisor) and not disclosure.withheld(c, h.admin)
        counter = parse({"period": "7d", "target": h.counter.id}, user=h.supervisor)
        assert disclosure.officer_unit(counter) is None
    rows = [{"n": 3, "a": h.agency.id, "o": 1}, {"n": 30, "a": h.agency.id, "o": 2}, {"n": 1, "a": h.agency.id, "o": None}]
    shown, hidden = disclosure.split_officer_rows(rows, h.supervisor, total=lambda r: r["n"], agency=lambda r: r["a"],
                                                  officer=lambda r: r["o"])
    assert [r["n"] for r in shown] == [30, 1] and hidden == 1


def test_alerts_and_their_mails_raise_nothing_for_one_officer_below_the_minimum(world, settings):
    """Four low ratings in 15 minutes at an officer's own target: the premise alerts, the officer's
    target does not while it is below the agency's minimum (the alert and its mail would show it)."""
    import datetime

    from django.core import mail

    from erating.base.followup import alerts
    from erating.base.followup.calendar import MALAYSIA
    from erating.base.models import Alert

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    h = world.home
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=MALAYSIA)
    with scopes_disabled():
        for score in (1, 1, 2, 5):
            add_rating(h.officer_target, score, when=start + datetime.timedelta(minutes=1))
        now = start + datetime.timedelta(minutes=2)
        alerts.evaluate(h.agency, now, kinds=("low_share",))
        units = set(Alert.objects.filter(closed_at__isnull=True).values_list("unit", flat=True))
        assert units == {f"premise:{h.premise.pk}"}
        assert not any(h.officer_target.name in m.body for m in mail.outbox)
        h.agency.ranking_min_ratings = 4
        h.agency.save()
        alerts.evaluate(h.agency, now + datetime.timedelta(seconds=1), kinds=("low_share",))
        units = set(Alert.objects.filter(closed_at__isnull=True).values_list("unit", flat=True))
        assert units == {f"target:{h.officer_target.pk}"}  # one alert per burst: the counter explains it


def test_row_level_listings_do_not_name_an_officer_below_the_minimum(world, login, tmp_path):
    """A supervisor's detailed report of the whole premise named the officer on every rating: counting
    those rows gave the officer's figures back. Below the minimum the officer and their own target
    are "(withheld)"; the agency administrator and, above the minimum, everyone see the names."""
    h = world.home
    with scopes_disabled():
        add_rating(h.officer_target, 2, comment="Petugas kurang mesra")
    query = {"report": "detailed", "fmt": "csv", "period": "7d", "language": "en"}
    rows = csv_rows(run(h.supervisor, query, tmp_path))[1:]
    assert rows and not any(h.officer.full_name in cell for r in rows for cell in r)
    assert any(r[5] == "(withheld)" and r[12] == "Petugas kurang mesra" for r in rows)
    low = csv_rows(run(h.supervisor, {**query, "report": "low"}, tmp_path))[1:]
    assert not any(h.officer.full_name in cell for r in low for cell in r)
    admin = csv_rows(run(h.admin, query, tmp_path))[1:]
    assert any(r[7] == f"{h.officer.full_name} (petugas)" for r in admin)  # name and e-mail's first part
    comments = login(h.supervisor).get(reverse("control:analysis_comments"), {"period": "7d"}).content.decode()
    assert "Petugas kurang mesra" in comments and h.officer.full_name not in comments
    with scopes_disabled():
        h.agency.ranking_min_ratings = 1
        h.agency.save()
    rows = csv_rows(run(h.supervisor, query, tmp_path))[1:]
    assert any(r[7] == f"{h.officer.full_name} (petugas)" for r in rows)


def test_a_scheduled_report_about_one_officer_mails_the_withheld_note(world, settings):
    """The e-mailed report takes the same rule: a supervisor's monthly report of an officer's own
    target below the minimum carries the note, not the officer's ratings."""
    import io
    from datetime import date, datetime, time

    import openpyxl
    from django.core import mail

    from erating.base.models import ReportSchedule
    from erating.base.reports.schedules import last_period, run_due

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    h = world.home
    today = date(2026, 12, 2)
    start, _end = last_period("monthly", today)
    with scopes_disabled():
        add_rating(h.officer_target, 1, comment="Sangat lambat petugas ini",
                   when=datetime.combine(start, time(10), timezone.get_current_timezone()))
        s = ReportSchedule.objects.create(agency=h.agency, owner=h.supervisor, name="Petugas", report="detailed",
                                          fmt="xlsx", language="en", frequency="monthly",
                                          query={"target": h.officer_target.id})
        s.recipients.set([h.supervisor])
    mail.outbox.clear()
    assert run_due(now=datetime.combine(today, time(9, 30), timezone.get_current_timezone())) == [s.pk]
    _name, content, _type = mail.outbox[0].attachments[0]
    cells = [str(c) for ws in openpyxl.load_workbook(io.BytesIO(content)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(c.startswith("Withheld") for c in cells) and not any("Sangat lambat" in c for c in cells)
