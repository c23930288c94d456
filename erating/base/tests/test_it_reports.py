"""Report service: every format read back (CSV, openpyxl, pypdf) and compared with an
independent computation from the database, for several criteria; validation; scope."""
from collections import Counter
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import ReportSettings
from erating.base.numbers import half_up
from erating.base.reports import xlsx_out, xlsx_stream
from erating.base.reports.base import TooManyRows
from erating.base.reports.run import prepare, write_file
from erating.base.scoping import dimensions_for
from erating.base.testing import add_rating
from erating.base.tests.reports_helpers import FIRST_ROW, expected, pdf_text, run, seed
from erating.base.tests.reports_helpers import csv_rows as _csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    today = timezone.localdate()
    seed(world, today)
    return world, today


CRITERIA = [
    {},
    {"channel": "qr"},
    {"flagged": "1"},
    {"score_min": "2", "score_max": "4"},
    {"premise": True},
]


@pytest.mark.parametrize("extra", CRITERIA)
def test_it_writes_every_matching_rating_to_the_detailed_csv(data, tmp_path, extra):
    world, today = data
    start = today - timedelta(days=30)
    query = {"report": "detailed", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat(),
             "language": "ms", **{k: v for k, v in extra.items() if k != "premise"}}
    if extra.get("premise"):
        query["premise"] = world.home.branch.pk
    rows = _csv(run(world.home.admin, query, tmp_path))
    want = expected({world.home.agency.pk}, start, today, channel=extra.get("channel", ""),
                    flagged=bool(extra.get("flagged")), smin=int(extra.get("score_min", 1)),
                    smax=int(extra.get("score_max", 5)),
                    premise_id=world.home.branch.pk if extra.get("premise") else None)
    assert rows[0][0] == "ID" and len(rows[0]) == 13
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(r.pk for r in want)
    assert Counter(int(r[8]) for r in rows[1:]) == Counter(r.score for r in want)
    by_pk = {r.pk: r for r in want}
    with scopes_disabled():
        for row in rows[1:]:
            r = by_pk[int(row[0])]
            assert row[2:6] == [r.agency.ministry.name_ms, r.agency.name_ms, r.premise.name, r.target.name]
            # The officer apart from namesakes: the staff number, else the e-mail's first part.
            assert row[7] == (f"{r.officer.full_name} ({r.officer.staff_number or r.officer.email.split('@')[0]})"
                              if r.officer else "")


def test_it_neutralises_formulas_and_keeps_malay_text_in_csv(data, tmp_path):
    world, today = data
    rows = _csv(run(world.home.admin, {"report": "detailed", "fmt": "csv", "flagged": "1",
                                       "start": (today - timedelta(days=10)).isoformat(), "end": today.isoformat()}, tmp_path))
    comments = {r[12] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://x\")" in comments
    assert "'+60123 lambat" in comments and "'-- tiada" in comments and "'@spam" in comments
    assert "Terima kasih, pegawai cekap" in comments
    assert not any(c[:1] in "=+-@" for c in comments if c)


def test_it_writes_typed_xlsx_with_real_dates_and_a_frozen_header(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    book = run(world.home.admin, {"report": "detailed", "fmt": "xlsx", "start": start.isoformat(), "end": today.isoformat()}, tmp_path)
    ws = book.worksheets[0]
    assert ws.freeze_panes == f"A{FIRST_ROW}"
    rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    want = {r.pk: r for r in expected({world.home.agency.pk}, start, today)}
    assert sorted(r[0] for r in rows) == sorted(want)
    for row in rows:
        assert isinstance(row[0], int) and isinstance(row[8], int)
        assert isinstance(row[1], datetime)
        rating = want[row[0]]
        # Excel keeps milliseconds: the local wall-clock time to within one.
        assert abs(row[1] - timezone.localtime(rating.created_at).replace(tzinfo=None)) < timedelta(milliseconds=1)
        assert row[8] == rating.score
    # Widths to content: the comment column as wide as its longest comment.
    assert ws.column_dimensions["M"].width >= max(len(r[12] or "") for r in rows)


def _levels(rows):
    out = {}
    for r in rows:
        out.setdefault(r.premise_id, Counter())[r.score] += 1
    return out


@pytest.mark.parametrize("extra", [{}, {"channel": "tablet"}, {"flagged": "1"}])
def test_it_counts_levels_by_premise_in_xlsx_as_the_database_does(data, tmp_path, extra):
    world, today = data
    start = today - timedelta(days=60)
    book = run(world.home.admin, {"report": "by-agency", "fmt": "xlsx", "start": start.isoformat(), "end": today.isoformat(), **extra},
               tmp_path)
    ws = book.worksheets[0]
    header = [c.value for c in ws[FIRST_ROW - 1]]
    assert header[:3] == ["Kedudukan", "Agensi", "Premis"]
    want = _levels(expected({world.home.agency.pk}, start, today, channel=extra.get("channel", ""),
                            flagged=bool(extra.get("flagged"))))
    names = {world.home.premise.name: world.home.premise.pk, world.home.branch.name: world.home.branch.pk}
    seen = set()
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        counts = want[names[row[2]]]
        assert list(row[3:8]) == [counts[s] for s in (5, 4, 3, 2, 1)]
        assert row[8] == sum(counts.values())
        assert row[9] == pytest.approx(100 * (counts[5] + counts[4]) / row[8])  # exact, shown by the format
        seen.add(row[2])
    assert seen == {n for n, pk in names.items() if pk in want}
    scores = [row[11] for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True)]
    assert scores == sorted(scores, reverse=True), "ranked by the Wilson lower bound"


def test_it_prints_the_by_premise_figures_in_the_pdf(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    pdf = run(world.home.admin, {"report": "by-agency", "fmt": "pdf", "start": start.isoformat(), "end": today.isoformat(),
                                 "language": "en"}, tmp_path)
    reader, text = pdf_text(pdf)
    assert "HOME Department" in text and f"Page 1 of {len(reader.pages)}" in text
    assert "Generated on" in text and world.home.admin.email in text
    want = _levels(expected({world.home.agency.pk}, start, today))
    for premise in (world.home.premise, world.home.branch):
        counts = want[premise.pk]
        line = next(ln for ln in text.splitlines() if premise.name in ln and ln.strip()[:1].isdigit())
        numbers = line.split(premise.name, 1)[1].split()
        assert [int(n) for n in numbers[:6]] == [counts[s] for s in (5, 4, 3, 2, 1)] + [sum(counts.values())]


def test_it_counts_each_month_of_the_year(data, tmp_path):
    world, today = data
    start = today.replace(month=1, day=1)
    book = run(world.home.admin, {"report": "by-month", "fmt": "xlsx", "year": str(today.year), "period": "custom",
                                  "start": start.isoformat(), "end": today.isoformat()}, tmp_path)
    ws = book.worksheets[0]
    rows = {r[1]: r for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True)}
    for premise in (world.home.premise, world.home.branch):
        months = Counter(timezone.localtime(r.created_at).month
                         for r in expected({world.home.agency.pk}, start, today) if r.premise_id == premise.pk)
        row = rows[premise.name]
        assert [row[2 + 2 * (m - 1)] or 0 for m in range(1, today.month + 1)] == [months[m] for m in range(1, today.month + 1)]
        assert row[-2] == sum(months.values())


def test_it_counts_only_the_chosen_period_by_month(data, tmp_path):
    """The by-month report reads the chosen period (it read the whole calendar year): a period
    of a few days in one month has that month's column only, counting those days only."""
    world, today = data
    start = max(today.replace(day=1), today - timedelta(days=3))
    book = run(world.home.admin, {"report": "by-month", "fmt": "xlsx", "period": "custom", "start": start.isoformat(),
                                  "end": today.isoformat(), "flagged": "1"}, tmp_path)
    ws = book.worksheets[0]
    header = [c.value for c in ws[FIRST_ROW - 1] if c.value is not None]  # below the sheet's header block
    assert len(header) == 2 + 2 + 2, header  # agency, premise, one month (count, %), total, %
    want = Counter(r.premise_id for r in expected({world.home.agency.pk}, start, today, flagged=True))
    names = {world.home.premise.name: world.home.premise.pk, world.home.branch.name: world.home.branch.pk}
    got = {names[r[1]]: r[2] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True) if r[1] in names}
    assert got == dict(want)


def test_it_counts_the_agencys_own_follow_up_reasons(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    rows = _csv(run(world.home.admin, {"report": "followup", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat()}, tmp_path))
    header = rows[1]
    assert header[1:3] == [r.text_ms for r in world.home.reasons]
    want = Counter()
    for r in expected({world.home.agency.pk}, start, today):
        for reason in r.reasons:
            want[(r.premise_id, reason)] += 1
    body = {r[0]: r for r in rows[2:]}
    for premise in (world.home.premise, world.home.branch):
        assert [int(x) for x in body[premise.name][1:3]] == [want[(premise.pk, r.id)] for r in world.home.reasons]
    assert int(body["Jumlah"][3]) == sum(want.values())


def test_it_lists_low_ratings_with_contact_only_when_consented(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    rows = _csv(run(world.home.admin, {"report": "low", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat(), "levels": ["1"]},
                    tmp_path))
    want = [r for r in expected({world.home.agency.pk}, start, today) if r.score == 1]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(r.pk for r in want)
    rows = _csv(run(world.home.admin, {"report": "low", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat()}, tmp_path))
    by_pk = {r.pk: r for r in expected({world.home.agency.pk}, start, today)}
    assert any(row[9] for row in rows[1:]) and any(not row[9] for row in rows[1:])
    for row in rows[1:]:
        rating = by_pk[int(row[0])]
        # Every low rating has a name on file; it is shown only where the customer consented.
        assert row[9:11] == ([rating.contact_name, rating.contact_phone] if rating.contact_consent else ["", ""])


def test_it_reports_the_client_charter_against_the_agencys_promise(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    with scopes_disabled():
        ReportSettings.objects.create(agency=world.home.agency, charter_promise=60)
    book = run(world.home.admin, {"report": "charter", "fmt": "xlsx", "start": start.isoformat(), "end": today.isoformat(),
                                  "language": "en"}, tmp_path)
    ws = book.worksheets[0]
    want = _levels(expected({world.home.agency.pk}, start, today))
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        pk = world.home.premise.pk if row[0] == world.home.premise.name else world.home.branch.pk
        share = 100 * (want[pk][5] + want[pk][4]) / sum(want[pk].values())
        assert row[3] == pytest.approx(share) and row[4] == 60
        assert row[5] == ("Met" if half_up(share, 1) >= 60 else "Not met")


def test_it_compares_the_summary_with_the_previous_period(data, tmp_path):
    world, today = data
    start = today - timedelta(days=29)
    book = run(world.home.admin, {"report": "summary", "fmt": "xlsx", "start": start.isoformat(),
                                  "end": today.isoformat(), "language": "en"}, tmp_path)
    ws = book["Headline figures"]
    now = expected({world.home.agency.pk}, start, today)
    before = expected({world.home.agency.pk}, start - timedelta(days=30), start - timedelta(days=1))
    row = next(ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW, values_only=True))
    assert row[1:3] == (len(now), len(before))
    assert len(book.worksheets) == 5, "one sheet per section (rising phrases only when asked for)"


def test_it_counts_logins_and_failures_in_the_user_log(data, tmp_path, client):
    world, _today = data
    client.post("/control/login/", {"username": world.home.officer.email, "password": "wrong"})
    client.force_login(world.home.officer)
    client.post("/control/logout/")
    book = run(world.home.admin, {"report": "user-log", "fmt": "xlsx", "language": "en"}, tmp_path)
    rows = {r[0]: r for r in book.worksheets[0].iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert rows[world.home.officer.email][3] == 1  # failed login
    assert rows[world.home.officer.email][2] == 1  # logout


def test_it_keeps_a_supervisor_and_an_officer_to_their_scope(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    q = {"report": "detailed", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat()}
    ids = {int(r[0]) for r in _csv(run(world.home.supervisor, q, tmp_path))[1:]}
    assert ids == {r.pk for r in expected({world.home.agency.pk}, start, today) if r.premise_id == world.home.premise.pk}
    # An officer's own ratings below the agency's minimum are withheld from them as on the dashboard
    # (erating.base.analysis.disclosure); with a minimum they reach, they get exactly their own.
    withheld = _csv(run(world.home.officer, q, tmp_path))
    assert len(withheld) == 2 and withheld[1][0].startswith("Dirahsiakan")  # the report in BM
    with scopes_disabled():
        world.home.agency.ranking_min_ratings = 1
        world.home.agency.save()
    ids = {int(r[0]) for r in _csv(run(world.home.officer, q, tmp_path))[1:]}
    assert ids == {r.pk for r in expected({world.home.agency.pk}, start, today) if r.officer_id == world.home.officer.pk}
    with pytest.raises(PermissionDenied):
        prepare(world.home.officer, dimensions_for(world.home.officer), {"report": "by-agency"})
    with pytest.raises(PermissionDenied):
        prepare(world.home.admin, dimensions_for(world.home.admin), {"report": "cross-agency"})


def test_it_gives_the_system_administrator_every_agency(data, tmp_path):
    world, today = data
    book = run(world.sysadmin, {"report": "cross-agency", "fmt": "xlsx", "start": (today - timedelta(days=60))
               .isoformat(), "end": today.isoformat(), "language": "en"}, tmp_path)
    by_agency = {r[2]: r for r in book["By agency"].iter_rows(min_row=FIRST_ROW, values_only=True)}
    for agency in (world.home, world.other):
        want = expected({agency.agency.pk}, today - timedelta(days=60), today)
        assert by_agency[agency.agency.name_en][8] == len(want)


@pytest.mark.parametrize("query, field", [
    ({"start": "2026-05-01", "end": "2026-04-01"}, "end"),
    ({"start": "2001-01-01", "end": "2051-01-01"}, "end"),
    ({"premise": "OTHER"}, "premise"),
    ({"target": "OTHER"}, "target"),
    ({"agency": "OTHER"}, "agency"),
    ({"start": "not-a-date"}, "start"),
    ({"fmt": "docx"}, "fmt"),
])
def test_it_refuses_nonsense_criteria_with_a_clear_error(world, query, field):
    query = dict(query)
    for key, obj in (("premise", world.other.premise), ("target", world.other.counter), ("agency", world.other.agency)):
        if query.get(key) == "OTHER":
            query[key] = str(obj.pk)
    with pytest.raises(ValidationError) as exc:
        prepare(world.home.admin, dimensions_for(world.home.admin), {"report": "detailed", **query})
    assert field in exc.value.message_dict


@pytest.mark.parametrize("report, writer, rows", [("detailed", xlsx_stream, 3), ("by-agency", xlsx_out, 1)])
def test_it_refuses_an_oversize_sheet_and_leaves_no_file(data, tmp_path, monkeypatch, report, writer, rows):
    """Both XLSX writers (streaming for row-level reports, XlsxWriter for the others)."""
    world, today = data
    limit = FIRST_ROW - 1 + rows  # the header block and the table header, then `rows` rows
    monkeypatch.setattr(writer, "XLSX_MAX_ROWS", limit)
    query = {"report": report, "fmt": "xlsx", "flagged": "1", "start": (today - timedelta(days=60)).isoformat(),
             "end": today.isoformat()}
    req = prepare(world.home.admin, dimensions_for(world.home.admin), query)
    path = tmp_path / "big.xlsx"
    with pytest.raises(TooManyRows) as exc:
        write_file(req, str(path))
    assert "CSV" in str(exc.value) and not path.exists()
    req = prepare(world.home.admin, dimensions_for(world.home.admin), {**query, "split": "1"})
    write_file(req, str(path))
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) >= 2 and all(ws.max_row <= limit for ws in book.worksheets)
    want = expected({world.home.agency.pk}, today - timedelta(days=60), today, flagged=True)
    if report == "detailed":
        ids = [r[0] for ws in book.worksheets for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True)]
        assert sorted(ids) == sorted(r.pk for r in want), "every row once, across the sheets"


def test_it_sums_the_summary_tables_to_what_the_database_holds(data, tmp_path):
    world, today = data
    start = today - timedelta(days=60)
    book = run(world.home.admin, {"report": "summary", "fmt": "xlsx", "start": start.isoformat(),
                                  "end": today.isoformat(), "language": "en"}, tmp_path)
    want = expected({world.home.agency.pk}, start, today)
    dist = {int(r[0][0]): r[1] for r in book["Distribution of scores"].iter_rows(min_row=FIRST_ROW, values_only=True)}
    assert dist == {s: sum(r.score == s for r in want) for s in (5, 4, 3, 2, 1)}
    by_premise = {r[0]: r[1:] for r in book["By premise"].iter_rows(min_row=FIRST_ROW, values_only=True)}
    for premise in (world.home.premise, world.home.branch):
        rows = [r for r in want if r.premise_id == premise.pk]
        assert by_premise[premise.name][0] == len(rows)
        assert by_premise[premise.name][2] == pytest.approx(sum(r.score for r in rows) / len(rows))
    headline = list(book["Headline figures"].iter_rows(min_row=FIRST_ROW, values_only=True))
    assert headline[2][1] == float(half_up(sum(r.score for r in want) / len(want), 2))  # shown precision


def test_it_round_trips_csv_cells_by_type():
    from erating.base.reports import csv_out
    from erating.base.reports.base import FLOAT, INT, TEXT, Column, Section

    section = Section("t", [Column("a", TEXT), Column("b", INT), Column("c", FLOAT)],
                      [("=1+1", -3, -0.5), ("-3", None, 2.25), ("@x\tq", 7, None), ("\tTab", 0, 0.0),
                       ("Kaunter ñ é", 1, 1.0)])
    data = b"".join(csv_out.stream([section]))
    rows = _csv(data)
    # Fractions are written as every format shows them: rounded half up to their precision.
    assert rows[1:] == [["'=1+1", "-3", "-0.50"], ["'-3", "", "2.25"], ["'@x\tq", "7", ""], ["'\tTab", "0", "0.00"],
                        ["Kaunter ñ é", "1", "1.00"]]



def test_it_lists_low_ratings_at_the_agencys_threshold(data, tmp_path):
    """The low report takes the agency's threshold (it was fixed at 1–2), as the dashboard's
    "Low scores (1–3)" does, and says which."""
    world, today = data
    start = today - timedelta(days=60)
    with scopes_disabled():
        world.home.agency.reasons_max_score = 3
        world.home.agency.save()
        add_rating(world.home.counter, 3, when=timezone.now() - timedelta(days=1))
    query = {"report": "low", "fmt": "csv", "start": start.isoformat(), "end": today.isoformat(), "language": "en"}
    rows = _csv(run(world.home.admin, query, tmp_path))
    want = [r for r in expected({world.home.agency.pk}, start, today) if r.score <= 3]
    assert any(r.score == 3 for r in want)
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(r.pk for r in want)
    req = prepare(world.home.admin, dimensions_for(world.home.admin), query)
    from erating.base.reports.detail import low_ratings
    from erating.base.reports.run import bound

    with bound(req.ctx):
        assert low_ratings(req.ctx)[1] == "Low scores (1–3)"
