"""Issue 22, finding 2: one account key. An e-mail is normalised once (NFKC, case-folded) and stored
as the account's key; login, lockout, password reset, invitations and imports all use it, so a
look-alike spelling is the same account to all of them or no account at all, on SQLite and
PostgreSQL alike. Before, PostgreSQL's UPPER() (email__iexact) folded ſ, ı and the Kelvin sign
onto ASCII while the lockout's Python key did not: a locked account logged in under `petugaſ`."""
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.catalogue import imports
from erating.base.identity import account_key, email_problem
from erating.base.models import User
from erating.base.testing import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/control/login/"
LONG_S, DOTLESS_I, KELVIN = "\u017f", "\u0131", "\u212a"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "petugas")  # ｐｅｔｕｇａｓ
COMBINING = "e\u0301"  # e + combining acute: é in two code points


def test_the_key_folds_look_alikes_once():
    assert account_key(f"Petuga{LONG_S}@Home.gov.my") == "petugas@home.gov.my"
    assert account_key(f"{KELVIN}amal@home.gov.my") == "kamal@home.gov.my"
    assert account_key(f"{FULL_WIDTH}@home.gov.my") == "petugas@home.gov.my"
    assert account_key(f"r{COMBINING}ne@home.gov.my") == account_key("r\u00e9ne@home.gov.my")
    assert account_key(f"petuga{DOTLESS_I}@home.gov.my") != "petugai@home.gov.my"  # ı is not i: no account
    for spelling in (f"petuga{LONG_S}@x.gov.my", f"{KELVIN}amal@x.gov.my", f"{FULL_WIDTH}@x.gov.my",
                     f"r{COMBINING}ne@x.gov.my", f"petuga{DOTLESS_I}@x.gov.my", "r\u00e9ne@x.gov.my"):
        assert email_problem(spelling), spelling
    assert email_problem("Petugas.Satu@home.gov.my") == ""


def login(client, email, password):
    client.get(LOGIN)
    return client.post(LOGIN, {"username": email, "password": password})


def logged_in_as(client):
    response = client.get(reverse("control:home"))
    return response.wsgi_request.user if response.status_code == 200 else None


@pytest.fixture
def officer(world):
    with scopes_disabled():
        return User.objects.create_user("petugas.jpn-043.3@home.gov.my", PASSWORD, full_name="Petugas Tiga",
                                        role=User.OFFICER, agency=world.home.agency)


@pytest.mark.parametrize("spelling", [
    f"petuga{LONG_S}.jpn-043.3@home.gov.my",
    "PETUGAS.JPN-043.3@HOME.GOV.MY",
    f"{FULL_WIDTH}.jpn-043.3@home.gov.my",
])
def test_a_locked_account_stays_locked_under_a_look_alike_spelling(officer, spelling):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, officer.email, "wrong-password")
    response = login(Client(REMOTE_ADDR="10.0.0.2"), spelling, PASSWORD)
    assert response.status_code == 429


@pytest.mark.parametrize("spelling", [f"petuga{LONG_S}.jpn-043.3@home.gov.my",
                                      f"{FULL_WIDTH}.jpn-043.3@home.gov.my"])
def test_failures_under_a_look_alike_spelling_count_against_the_account(officer, spelling):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, spelling, "wrong-password")
    assert login(Client(REMOTE_ADDR="10.0.0.4"), officer.email, PASSWORD).status_code == 429


@pytest.mark.parametrize("spelling", [f"petuga{DOTLESS_I}.jpn-043.3@home.gov.my",
                                      "petugas.jpn-043.3@home.gov.m\u0301y"])  # ḿ: another letter
def test_a_spelling_that_is_not_the_account_is_no_account_on_any_database(officer, spelling):
    client = Client(REMOTE_ADDR="10.0.0.5")
    response = login(client, spelling, PASSWORD)
    assert response.status_code == 200 and logged_in_as(client) is None


def test_the_kelvin_sign_is_the_same_account(world):
    with scopes_disabled():
        kamal = User.objects.create_user("kamal@home.gov.my", PASSWORD, full_name="Kamal", role=User.OFFICER,
                                         agency=world.home.agency)
    client = Client()
    login(client, f"{KELVIN}amal@home.gov.my", PASSWORD)
    assert logged_in_as(client) == kamal


def test_password_reset_finds_the_account_by_its_key_and_mails_the_stored_address(officer):
    mail.outbox.clear()
    Client().post(reverse("control:password_reset"), {"email": f"petuga{LONG_S}.jpn-043.3@home.gov.my"})
    assert [m.to for m in mail.outbox] == [[officer.email]]
    mail.outbox.clear()
    Client().post(reverse("control:password_reset"), {"email": f"petuga{DOTLESS_I}.jpn-043.3@home.gov.my"})
    assert mail.outbox == []


def test_a_look_alike_address_is_refused_when_creating_staff(world, officer, client):
    client.force_login(world.home.admin)
    for spelling in (f"petuga{LONG_S}.baru@home.gov.my", f"petuga{DOTLESS_I}.baru@home.gov.my",
                     f"{KELVIN}amal@home.gov.my"):
        response = client.post(reverse("control:officer_create"), {
            "email": spelling, "full_name": "Baru", "role": User.OFFICER, "language": "ms",
            "home_premise": world.home.premise.pk})
        assert response.status_code == 200 and "plain letters" in response.content.decode().replace("&#x27;", "'") \
            or "huruf biasa" in response.content.decode(), spelling
    with scopes_disabled():
        assert not User.objects.filter(full_name="Baru").exists()


def test_no_account_oracle_when_staff_are_created_with_another_agencys_email(world, client):
    client.force_login(world.home.admin)
    data = {"full_name": "Baru", "role": User.OFFICER, "language": "en", "home_premise": world.home.premise.pk}
    other = client.post(reverse("control:officer_create"), {**data, "email": world.other.officer.email})
    assert other.status_code == 200
    body = other.content.decode()
    assert "already exists" not in body and "sudah wujud" not in body
    own = client.post(reverse("control:officer_create"), {**data, "email": world.home.officer.email})
    assert own.status_code == 200  # the agency's own account: it sees it in its list anyway


def _officer_rows(*emails):
    header = "email,full_name,premise_code,language,counters\n"
    return (header + "".join(f"{e},Nama {i},home-hq,ms,\n" for i, e in enumerate(emails))).encode()


def test_an_import_finds_the_account_a_look_alike_folds_onto_and_refuses_the_spelling(world, officer):
    with scopes_disabled():
        preview = imports.validate(world.home.agency, "officers",
                                   _officer_rows(f"petuga{LONG_S}.jpn-043.3@home.gov.my", "baru@home.gov.my",
                                                 "BARU@home.gov.my"))
    messages = [(e.row, e.column, e.message) for e in preview.errors]
    assert any(row == 2 and column == "email" for row, column, _m in messages), messages
    assert any(row == 4 and re.search("row 3|baris 3", m) for row, _c, m in messages), messages


def test_every_account_gets_its_key_and_keys_are_unique(world):
    with scopes_disabled():
        assert all(u.email_key == account_key(u.email) for u in User.objects.all())
        user = User.objects.create_user("Satu@Home.gov.my", PASSWORD, full_name="Satu", role=User.OFFICER,
                                        agency=world.home.agency)
        assert user.email_key == "satu@home.gov.my"
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            User(email="SATU@HOME.GOV.MY", full_name="x", role=User.OFFICER,
                 agency=world.home.agency).save()
