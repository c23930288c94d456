"""Issue 22 item 7, no account oracle: whether an address has an account, and in which agency, is
never told to someone who may not see that account. Creating staff (form and import) gives one
and the same refusal whoever holds the address (this agency, another agency, a system
administrator); login and password reset answer alike for addresses with and without an account."""
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.catalogue import imports
from erating.base.models import User

pytestmark = pytest.mark.django_db


def _error_of(response):
    html = response.content.decode()
    found = re.search(r'id="id_email_error"[^>]*>(.*?)</div>', html, re.S)
    return found and re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_creating_staff_refuses_every_taken_address_in_the_same_words(world, client, settings, lang):
    client.force_login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    data = {"full_name": "Baru", "role": User.OFFICER, "language": "en", "home_premise": world.home.premise.pk}
    answers = {}
    for holder, email in {"other agency": world.other.officer.email, "own agency": world.home.officer.email,
                          "own administrator": world.home.admin.email, "system": world.sysadmin.email,
                          "other, in capitals": world.other.officer.email.upper()}.items():
        response = client.post(reverse("control:officer_create"), {**data, "email": email})
        answers[holder] = (response.status_code, _error_of(response))
    assert len(set(answers.values())) == 1, answers
    status, error = answers["other agency"]
    assert status == 200 and error
    with scopes_disabled():
        assert not User.objects.filter(full_name="Baru").exists()
    # A new address is accepted (the one other answer, for any address without an account).
    response = client.post(reverse("control:officer_create"), {**data, "email": "belum.ada@home.gov.my"})
    assert response.status_code == 302


def _rows(*emails):
    header = "email,full_name,premise_code,language,counters\n"
    return (header + "".join(f"{e},Nama {i},home-hq,ms,\n" for i, e in enumerate(emails))).encode()


def test_the_officer_import_refuses_another_agencys_address_as_any_taken_one(world):
    with scopes_disabled():
        supervisor = User.objects.create_user("penyelia.lain@home.gov.my", "x", full_name="Penyelia",
                                              role=User.SUPERVISOR, agency=world.home.agency)
        preview = imports.validate(world.home.agency, "officers",
                                   _rows(world.other.officer.email, supervisor.email, world.sysadmin.email))
    by_row = {e.row: e.message for e in preview.errors if e.column == "email"}
    assert set(by_row) == {2, 3, 4}, by_row
    assert len(set(by_row.values())) == 1, by_row


def test_login_answers_alike_with_and_without_an_account(world, settings):
    answers = []
    for email in (world.other.officer.email, "tiada.akaun@other.gov.my"):
        response = Client().post(reverse("control:login"), {"username": email, "password": "wrong-Password-1"})
        html = response.content.decode()
        errors = re.findall(r'class="alert alert-error"[^>]*>(.*?)</div>', html, re.S)
        answers.append((response.status_code, errors))
    assert answers[0] == answers[1] and answers[0][1], answers


def test_password_reset_answers_alike_with_and_without_an_account(world):
    mail.outbox.clear()
    answers = []
    for email in (world.other.officer.email, "tiada.akaun@other.gov.my"):
        response = Client().post(reverse("control:password_reset"), {"email": email})
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1] == (302, reverse("control:password_reset_done")), answers
    assert [m.to for m in mail.outbox] == [[world.other.officer.email]]  # only the account holder hears of it
