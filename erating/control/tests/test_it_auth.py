"""Login, logout, password change and reset, lockout, audit and session expiry — all through the
real forms (no client.login), so axes and the signals run exactly as in production."""
import re
from datetime import timedelta
from importlib import util as importlib_util
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import AuditEntry
from erating.base.testing import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nasi-lemak-sedap-2026"
LOGIN = "/control/login/"


def form_login(client, email, password, **extra):
    client.get(LOGIN)
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def is_logged_in(client):
    response = client.get(reverse("control:home"))
    return response.status_code == 200


def test_it_logs_in_through_the_form_and_out_again(world):
    client = Client()
    response = form_login(client, world.home.admin.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("control:home")
    assert is_logged_in(client)
    response = client.post(reverse("control:logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)
    assert client.get(reverse("control:home"))["Location"].startswith(reverse("control:login"))


def test_it_accepts_the_email_in_any_case(world):
    client = Client()
    form_login(client, world.home.officer.email.upper(), PASSWORD)
    assert is_logged_in(client)


def test_it_refuses_a_wrong_password_with_a_clear_message(world):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = form_login(client, world.home.admin.email, "wrong-password")
    assert response.status_code == 200
    assert "The e-mail or password is not correct" in response.content.decode()
    assert not is_logged_in(client)


def test_it_refuses_inactive_users(world):
    world.home.admin.is_active = False
    world.home.admin.save()
    client = Client()
    form_login(client, world.home.admin.email, PASSWORD)
    assert not is_logged_in(client)


def test_it_follows_next_only_within_the_site(world):
    client = Client()
    client.get(LOGIN)
    response = client.post(LOGIN + "?next=/control/premises/",
                           {"username": world.home.admin.email, "password": PASSWORD, "next": "/control/premises/"})
    assert response["Location"] == "/control/premises/"
    client = Client()
    response = client.post(LOGIN, {"username": world.home.admin.email, "password": PASSWORD,
                                   "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("control:home")


def test_it_audits_logins_failures_and_logouts(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    form_login(client, world.home.supervisor.email, "wrong-password")
    form_login(client, "nobody@nowhere.gov.my", "wrong-password")
    form_login(client, world.home.supervisor.email, PASSWORD)
    client.post(reverse("control:logout"))
    with scopes_disabled():
        entries = list(AuditEntry.objects.order_by("id").values_list("action", "user_label", "user_id", "agency_id",
                                                                      "ip"))
    sup = world.home.supervisor
    assert entries == [
        ("login_failed", sup.email, sup.id, sup.agency_id, "10.1.2.3"),
        ("login_failed", "nobody@nowhere.gov.my", None, None, "10.1.2.3"),
        ("login", sup.email, sup.id, sup.agency_id, "10.1.2.3"),
        ("logout", sup.email, sup.id, sup.agency_id, "10.1.2.3"),
    ]


def test_it_changes_the_password(world, login):
    client = Client()
    form_login(client, world.home.officer.email, PASSWORD)
    url = reverse("control:password_change")
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": "wrong", "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert response.status_code == 200  # wrong old password: form shown again
    response = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)  # the session survives its own password change
    fresh = Client()
    form_login(fresh, world.home.officer.email, PASSWORD)
    assert not is_logged_in(fresh)
    form_login(fresh, world.home.officer.email, NEW_PASSWORD)
    assert is_logged_in(fresh)


def test_it_refuses_weak_new_passwords(world):
    client = Client()
    form_login(client, world.home.officer.email, PASSWORD)
    response = client.post(reverse("control:password_change"),
                           {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    world.home.officer.refresh_from_db()
    assert world.home.officer.check_password(PASSWORD)


def test_it_resets_a_forgotten_password_by_email(world):
    client = Client()
    response = client.post(reverse("control:password_reset"), {"email": world.home.admin.email})
    assert response.status_code == 302 and response["Location"] == reverse("control:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.home.admin.email]
    link = re.search(r"https?://[^/\s]+(/control/password/reset/\S+/\S+/)", message.body).group(1)
    response = client.get(link)  # Django swaps the token for a session marker and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("control:password_reset_complete")
    fresh = Client()
    form_login(fresh, world.home.admin.email, NEW_PASSWORD)
    assert is_logged_in(fresh)
    # The link is single-use.
    again = Client().get(link, follow=True)
    assert "no longer valid" in again.content.decode() or again.context["validlink"] is False


def test_it_sends_no_mail_for_unknown_addresses_but_says_the_same(world):
    client = Client()
    response = client.post(reverse("control:password_reset"), {"email": "nobody@nowhere.gov.my"})
    assert response.status_code == 302 and response["Location"] == reverse("control:password_reset_done")
    assert mail.outbox == []


def test_it_uses_argon2_first_in_production_settings():
    # The test settings swap in MD5 for speed; the production module is what ships.
    spec = importlib_util.find_spec("erating.settings")
    source = Path(spec.origin).read_text()
    namespace = {}
    block = re.search(r"PASSWORD_HASHERS = \[.*?\]", source, re.S).group(0)
    exec(block, namespace)
    assert namespace["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    import argon2  # noqa: F401 - the hasher's dependency is installed


# -- lockout -----------------------------------------------------------------------------------
def _fail(client, email, times):
    for _ in range(times):
        response = form_login(client, email, "wrong-password")
    return response


@pytest.mark.parametrize("lang, text", [("en", "Too many failed attempts"), ("ms", None)])
def test_it_locks_an_account_after_repeated_failures(world, lang, text):
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    limit = settings.LOGIN_FAILURE_LIMIT
    assert 3 <= limit <= 10
    response = _fail(client, world.home.admin.email, limit - 1)
    assert response.status_code == 200  # not yet
    response = _fail(client, world.home.admin.email, 1)
    assert response.status_code == 429
    body = response.content.decode()
    assert f'lang="{lang}"' in body
    # Even the right password, from another address, is refused while the account is locked.
    other_ip = Client(REMOTE_ADDR="10.0.0.2")
    other_ip.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = form_login(other_ip, world.home.admin.email, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(other_ip)
    body = response.content.decode()
    if text:
        assert text in body and "30 minutes" in body
    else:
        # Needs the compiled BM catalogue (locale/ms): the page must not fall back to English.
        assert "Too many failed attempts" not in body, "BM catalogue missing: lockout page shown in English"
        assert "minit" in body
    # Other accounts are not affected from a clean address.
    bystander = Client(REMOTE_ADDR="10.0.0.3")
    form_login(bystander, world.home.officer.email, PASSWORD)
    assert is_logged_in(bystander)


def test_it_locks_an_address_trying_many_accounts(world):
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    assert limit > settings.LOGIN_FAILURE_LIMIT  # an office behind one address is not locked by a few typos
    for i in range(limit - 1):
        response = form_login(attacker, f"guess{i}@home.gov.my", "wrong-password")
        assert response.status_code == 200, f"address locked after {i + 1} failures"
    response = form_login(attacker, "guess-last@home.gov.my", "wrong-password")
    assert response.status_code == 429
    # The address is locked even for a real account with its right password...
    response = form_login(attacker, world.home.officer.email, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(attacker)
    # ...while that account still works from elsewhere.
    office = Client(REMOTE_ADDR="10.0.0.5")
    form_login(office, world.home.officer.email, PASSWORD)
    assert is_logged_in(office)


def test_it_forgets_failures_after_a_successful_login(world):
    client = Client(REMOTE_ADDR="10.0.0.7")
    _fail(client, world.home.admin.email, settings.LOGIN_FAILURE_LIMIT - 1)
    form_login(client, world.home.admin.email, PASSWORD)
    assert is_logged_in(client)
    client.post(reverse("control:logout"))
    response = _fail(client, world.home.admin.email, 1)
    assert response.status_code == 200


def test_it_unlocks_after_the_cooloff(world):
    client = Client(REMOTE_ADDR="10.0.0.8")
    _fail(client, world.home.admin.email, settings.LOGIN_FAILURE_LIMIT)
    assert form_login(client, world.home.admin.email, PASSWORD).status_code == 429
    cooloff = timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    AccessAttempt.objects.update(attempt_time=timezone.now() - cooloff - timedelta(minutes=1))
    form_login(client, world.home.admin.email, PASSWORD)
    assert is_logged_in(client)


# -- session expiry ------------------------------------------------------------------------------
def test_it_expires_sessions(world):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE or settings.SESSION_COOKIE_AGE
    client = Client()
    response = form_login(client, world.home.admin.email, PASSWORD)
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == settings.SESSION_COOKIE_AGE
    assert is_logged_in(client)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("control:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("control:login"))
