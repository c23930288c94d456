import csv
import io

import pytest
from django.conf import settings
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from erating.base.catalogue import imports
from erating.base.catalogue import officers as staff
from erating.base.models import AuditEntry, Premise, Target, User

pytestmark = pytest.mark.django_db
OFFICER_COLUMNS = ["email", "full_name", "premise_code", "language", "counters"]


@pytest.fixture(autouse=True)
def english(client):
    """The messages are asserted in English (BM is the default language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def queued(queued_tasks):
    return queued_tasks


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def upload(client, kind, data, name="data.csv", **extra):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("control:import_upload", args=[kind]), {"file": file, **extra})


def confirm(client, kind, response):
    return client.post(reverse("control:import_confirm", args=[kind]), {"token": response.context["token"]})


def counts():
    with scopes_disabled():
        return Premise.objects.count(), Target.objects.count(), User.objects.count(), AuditEntry.objects.count()


def officer_rows(world, n, start=0):
    return [OFFICER_COLUMNS] + [[f"pegawai{i}@home.gov.my", f"Pegawai {i}", world.home.premise.code, "ms" if i % 2 else "en",
                                 "Kaunter 1" if i % 3 == 0 else ""] for i in range(start, start + n)]


def test_it_serves_templates_in_csv_and_xlsx(world, login):
    client = login(world.home.admin)
    for kind, spec in imports.KINDS.items():
        response = client.get(reverse("control:import_template", args=[kind, "csv"]))
        assert response["Content-Disposition"].endswith(f'{kind}-template.csv"')
        assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == spec.columns
        book = load_workbook(io.BytesIO(client.get(reverse("control:import_template", args=[kind, "xlsx"])).content))
        assert [c.value for c in book.worksheets[0][1]] == spec.columns
    # the untouched template is "no data", not a crash
    empty = upload(client, "premises", imports.template_xlsx("premises"), "t.xlsx")
    assert "no data rows" in empty.context["preview"].file_error


def test_it_previews_then_commits_premises(world, login):
    client = login(world.home.admin)
    data = csv_bytes([["code", "name", "state", "address", "medium"],
                      ["home-ipoh", "Pejabat Ipoh", "Perak", "Jalan 1", "tablet"],
                      ["HOME-KL", "Pejabat KL", "kul", "", ""],
                      [world.home.branch.code, "Cawangan Dinamakan Semula", "SGR", "", "qr"],
                      [world.home.premise.code, world.home.premise.name, "PJY", "", "both"]])
    before = counts()
    preview = upload(client, "premises", data)
    p = preview.context["preview"]
    assert preview.status_code == 200 and (len(p.creates), len(p.updates), p.unchanged, p.errors) == (2, 1, 1, [])
    assert counts() == before  # a dry run writes nothing
    assert "Pejabat Ipoh" in preview.content.decode()
    assert confirm(client, "premises", preview).status_code == 302
    with scopes_disabled():
        assert Premise.objects.get(code="home-kl").state == "KUL"
        assert Premise.objects.get(pk=world.home.branch.pk).name == "Cawangan Dinamakan Semula"
        entry = AuditEntry.objects.get(action="import.premises")
    assert entry.changes["created"] == 2 and entry.changes["updated"] == 1 and entry.agency == world.home.agency
    # the same token cannot be used twice
    assert confirm(client, "premises", preview).status_code == 302
    assert counts()[0] == before[0] + 2


def test_it_imports_targets_with_bm_words(world, login):
    client = login(world.home.admin)
    data = csv_bytes([["premise_code", "kind", "name", "name_en"],
                      [world.home.branch.code, "kaunter", "Kaunter C", "Counter C"],
                      [world.home.branch.code, "kemudahan", "Tandas", ""],
                      [world.home.premise.code, "counter", "Kaunter 1", "Counter No. 1"]])
    preview = upload(client, "targets", data)
    p = preview.context["preview"]
    assert (len(p.creates), len(p.updates), p.errors) == (2, 1, [])
    confirm(client, "targets", preview)
    with scopes_disabled():
        assert Target.objects.get(name="Kaunter C").kind == Target.COUNTER
        assert Target.objects.get(name="Tandas").kind == Target.FACILITY
        assert Target.objects.get(pk=world.home.counter.pk).name_en == "Counter No. 1"


def test_it_imports_10000_officers_from_xlsx(world, login, queued):
    client = login(world.home.admin)
    preview = upload(client, "officers", xlsx_bytes(officer_rows(world, 10_000)), "officers.xlsx")
    p = preview.context["preview"]
    assert preview.status_code == 200 and len(p.creates) == 10_000 and not p.errors
    assert confirm(client, "officers", preview).status_code == 302
    with scopes_disabled():
        officers = User.objects.filter(email__startswith="pegawai", agency=world.home.agency, role=User.OFFICER)
        assert officers.count() == 10_000
        assert Target.objects.filter(officer__in=officers, kind=Target.OFFICER, premise=world.home.premise).count() == 10_000
        assert world.home.counter.officer_links.count() == 1 + 3334
        assert not officers.first().has_usable_password()
    # 10,000 invitations are queued as 20 background tasks of 500, each sent over one connection
    assert [r.task.name for r in queued] == ["send_links_task"] * 20 and not mail.outbox
    ids = [pk for r in queued for pk in r.args[0]]
    assert sorted(ids) == sorted(officers.values_list("pk", flat=True)) and {r.args[1] for r in queued} == {staff.INVITE}
    # a worker running one of them sends its 500 invitations, in each invitee's language
    assert staff.send_links_task.call(*queued[1].args) == 500 and len(mail.outbox) == 500
    with scopes_disabled():
        first = User.objects.get(pk=queued[1].args[0][0])
    assert mail.outbox[0].to == [first.email] and "/control/password/reset/" in mail.outbox[0].body
    page = client.get(reverse("control:officer_list"), {"q": "pegawai9999@"}).content.decode()
    assert "Pegawai 9999" in page


def test_it_refuses_more_than_10000_rows(world, login):
    client = login(world.home.admin)
    before = counts()
    response = upload(client, "officers", xlsx_bytes(officer_rows(world, 10_001)), "big.xlsx")
    assert response.status_code == 400 and "more than 10,000 rows" in response.context["preview"].file_error
    assert counts() == before


@pytest.mark.parametrize("data,name,message", [
    ("email,full_name\n".encode("utf-16"), "x.csv", "UTF-16"),
    ("email,full_name,premise_code,language,counters\nandré@x.my,André,hq,ms,\n".encode("latin-1"), "x.csv",
     "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "logo.xlsx", "PNG"),
    (b"PK\x03\x04" + b"garbage" * 20, "broken.xlsx", "not a valid XLSX"),
    (b"", "empty.csv", "The file is empty."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.xls", ".xls"),
    (b"email,full_name,premise_code\n", "x.csv", "Missing column(s): language, counters"),
    (b"email,full_name,premise_code,language,counters,phone\n", "x.csv", "Unknown column(s): phone"),
])
def test_it_gives_clear_errors_for_broken_files(world, login, data, name, message):
    client = login(world.home.admin)
    before = counts()
    response = upload(client, "officers", data, name)
    assert response.status_code == 400 and message in response.context["preview"].file_error
    assert "token" not in response.context or not response.context["token"]
    assert counts() == before


def test_it_accepts_utf8_with_bom_and_semicolons(world, login):
    client = login(world.home.admin)
    data = "\ufeffemail;full_name;premise_code;language;counters\nsiti@home.gov.my;Siti Nurhaliza Ünal;{};en;\n"
    response = upload(client, "officers", data.format(world.home.premise.code).encode("utf-8"))
    assert response.status_code == 200 and response.context["preview"].creates[0]["values"]["full_name"] == \
        "Siti Nurhaliza Ünal"


def test_it_reports_row_level_errors_and_changes_nothing(world, login):
    client = login(world.home.admin)
    rows = [OFFICER_COLUMNS,
            ["ok@home.gov.my", "Okay", world.home.premise.code, "ms", ""],
            ["dup@home.gov.my", "Satu", world.home.premise.code, "ms", ""],
            ["DUP@home.gov.my", "Dua", world.home.premise.code, "ms", ""],
            [world.other.officer.email, "Orang Lain", world.home.premise.code, "ms", ""],
            ["bukan-emel", "", "tiada", "fr", ""],
            ["c@home.gov.my", "C", world.home.branch.code, "en", "Kaunter 1"]]
    before = counts()
    response = upload(client, "officers", csv_bytes(rows))
    errors = {(e.row, e.column) for e in response.context["preview"].errors}
    assert response.status_code == 400 and not response.context["token"]
    assert errors == {(4, "email"), (5, "email"), (6, "email"), (6, "full_name"), (6, "premise_code"),
                      (6, "language"), (7, "counters")}
    page = response.content.decode()
    assert "Duplicate e-mail: also in row 3." in page and "cannot be used for a new account" in page
    assert counts() == before
    duplicate_codes = upload(client, "premises", csv_bytes([["code", "name", "state", "address", "medium"],
                                                            ["a1", "A", "SGR", "", ""], ["A1", "B", "SGR", "", ""]]))
    assert [(e.row, e.column) for e in duplicate_codes.context["preview"].errors] == [(3, "code")]


def test_it_sends_invitations_for_a_small_import_at_once(world, login):
    client = login(world.home.admin)
    confirm(client, "officers", upload(client, "officers", csv_bytes(officer_rows(world, 3))))
    assert sorted(m.to[0] for m in mail.outbox) == [f"pegawai{i}@home.gov.my" for i in range(3)]


def test_it_revalidates_at_confirm_and_refuses_a_bad_token(world, login):
    client = login(world.home.admin)
    preview = upload(client, "officers", csv_bytes(officer_rows(world, 3)))
    assert preview.status_code == 200
    before = counts()
    wrong = client.post(reverse("control:import_confirm", args=["officers"]), {"token": "forged"})
    assert wrong.status_code == 302 and counts() == before
    with scopes_disabled():
        users_before = User.objects.count()
        # a colleague takes one of the e-mails in another agency between preview and confirm
        User.objects.create_user("pegawai1@home.gov.my", "x", full_name="X", role=User.OFFICER,
                                 agency=world.other.agency)
    response = confirm(client, "officers", preview)
    assert response.status_code == 400 and response.context["preview"].errors[0].row == 3
    with scopes_disabled():
        assert User.objects.count() == users_before + 1


def test_it_rolls_back_everything_on_a_database_failure(world, login, monkeypatch):
    client = login(world.home.admin)
    preview = upload(client, "officers", csv_bytes(officer_rows(world, 5)))
    before = counts()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Target.objects, "bulk_create", fail)  # after the users were inserted
    response = confirm(client, "officers", preview)
    assert response.status_code == 302 and counts() == before and not mail.outbox


def test_it_keeps_other_roles_out_and_asks_system_admin_for_the_agency(world, login):
    for user in (world.home.supervisor, world.home.officer):
        client = login(user)
        assert client.get(reverse("control:import_index")).status_code == 403
        assert upload(client, "premises", b"code\n").status_code == 403
    client = login(world.home.admin)
    assert client.get(reverse("control:import_upload", args=["nonsense"])).status_code == 404
    sysadmin = login(world.sysadmin)
    data = csv_bytes([["premise_code", "kind", "name", "name_en"], [world.other.premise.code, "service", "Baru", ""]])
    missing = upload(sysadmin, "targets", data)
    assert missing.status_code == 400 and "agency" in missing.context["form"].errors
    preview = upload(sysadmin, "targets", data, agency=world.other.agency.pk)
    assert preview.status_code == 200
    confirm(sysadmin, "targets", preview)
    with scopes_disabled():
        assert Target.objects.get(name="Baru").agency == world.other.agency
