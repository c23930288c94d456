"""One resolver for the client's address and one for the login name (identity.py).

Behind a load balancer (PROXY_COUNT=1) every request arrives from the balancer's address: each
part that counts or records by address must see the client, or one client's failures lock out
everyone. The login name is compared in one case by the password check and the lockout alike."""
import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.catalogue import devices
from erating.base.identity import axes_username, client_ip, login_name
from erating.base.ingest import limits
from erating.base.models import AuditEntry
from erating.base.testing import PASSWORD

pytestmark = pytest.mark.django_db
BALANCER = "10.0.0.254"
LOGIN = "/control/login/"


@pytest.fixture(autouse=True)
def behind_balancer(settings):
    settings.PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def via_balancer(client_address):
    """A browser at client_address reaching the app through the load balancer."""
    return Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=client_address)


def form_login(client, email, password):
    client.get(LOGIN)
    return client.post(LOGIN, {"username": email, "password": password})


def is_logged_in(client):
    return client.get(reverse("control:home")).status_code == 200


# -- the resolver ---------------------------------------------------------------------------------
@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "203.0.113.9", BALANCER),                     # no trusted proxy: the header proves nothing
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),       # a client-sent entry on the left is ignored
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.9", "203.0.113.9"),
    (2, "203.0.113.9", BALANCER),                     # fewer hops than proxies: not via the proxies
    (1, "", BALANCER),
    (1, "not-an-address", BALANCER),
    (1, " 2001:db8::1 ", "2001:db8::1"),
])
def test_it_finds_the_client_proxy_count_entries_from_the_right(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_it_answers_empty_without_a_request_or_an_address():
    assert client_ip(None) == ""
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="garbage")) == ""


def test_every_part_uses_the_one_resolver():
    from erating.api import devices as api_devices
    from erating.base.auditlog import log as audit
    from erating.control import signals
    from erating.portal import views_apply

    for module in (audit, limits, signals, api_devices, views_apply):
        assert module.client_ip is client_ip, module.__name__
    assert settings.AXES_CLIENT_IP_CALLABLE == "erating.base.identity.axes_client_ip"
    assert settings.AXES_USERNAME_CALLABLE == "erating.base.identity.axes_username"


# -- login lockout behind the balancer --------------------------------------------------------------
def test_one_clients_failed_logins_do_not_lock_out_another(world):
    attacker = via_balancer("203.0.113.66")
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT):
        response = form_login(attacker, f"guess{i}@home.gov.my", "wrong-password")
    assert response.status_code == 429  # the attacker's own address is locked...
    assert form_login(attacker, world.home.officer.email, PASSWORD).status_code == 429
    # ...while a colleague elsewhere, through the same balancer, logs in.
    colleague = via_balancer("198.51.100.7")
    form_login(colleague, world.home.officer.email, PASSWORD)
    assert is_logged_in(colleague)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_audit_entries_record_the_client_not_the_balancer(world):
    client = via_balancer("203.0.113.5")
    form_login(client, world.home.supervisor.email, "wrong-password")
    form_login(client, world.home.supervisor.email, PASSWORD)
    with scopes_disabled():
        assert list(AuditEntry.objects.order_by("id").values_list("action", "ip")) == [
            ("login_failed", "203.0.113.5"), ("login", "203.0.113.5")]


# -- tablet pairing behind the balancer -----------------------------------------------------------
def test_one_sites_wrong_pairing_codes_do_not_block_another(world):
    def pair(client, code):
        return client.post("/api/v1/kiosk/pair", json.dumps({"code": code}), content_type="application/json")

    guesser = via_balancer("203.0.113.66")
    for _ in range(devices.PAIRING_ATTEMPTS):
        assert pair(guesser, "WRONG234").status_code == 400
    assert pair(guesser, "WRONG234").status_code == 429
    with scopes_disabled():
        good = devices.create_pairing_code(world.home.premise, target=world.home.counter, hours=1)
    response = pair(via_balancer("198.51.100.7"), good.code)
    assert response.status_code == 200, response.content
    with scopes_disabled():
        assert AuditEntry.objects.get(action="pair").ip == "198.51.100.7"


# -- rating limits behind the balancer ------------------------------------------------------------
def test_the_per_address_rating_limit_counts_each_client(still_clock, settings):
    settings.RATING_IP_PER_MINUTE = 3
    factory = RequestFactory()
    busy = factory.post("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert [limits.ip_allowed(busy) for _ in range(4)] == [True, True, True, False]
    other = factory.post("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert limits.ip_allowed(other)
    assert limits.source_for(busy) != limits.source_for(other)


# -- the login name in one case --------------------------------------------------------------------
def test_login_names_are_trimmed_and_lower_case():
    assert login_name("  Someone@Agency.GOV.my ") == "someone@agency.gov.my"
    assert login_name(None) == ""
    assert axes_username(None, {"username": "A@B.MY"}) == "a@b.my"
    assert axes_username(RequestFactory().post("/", {"username": "X@Y.MY"}), None) == "x@y.my"


def test_failures_in_any_letter_case_count_against_one_account(world):
    email = world.home.admin.email
    variants = [email.upper(), email.title(), email, " " + email.swapcase(), email.capitalize()]
    limit = settings.LOGIN_FAILURE_LIMIT
    for i in range(limit):
        # each from its own address, so only the per-account count can lock
        response = form_login(via_balancer(f"203.0.113.{i + 1}"), variants[i % len(variants)], "wrong-password")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {email.lower()}


def test_a_locked_account_stays_locked_in_another_letter_case(world):
    email = world.home.admin.email
    client = via_balancer("203.0.113.20")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        form_login(client, email, "wrong-password")
    for variant in (email.upper(), email.swapcase(), f" {email.upper()} "):
        elsewhere = via_balancer("198.51.100.30")
        assert form_login(elsewhere, variant, PASSWORD).status_code == 429, variant
        assert not is_logged_in(elsewhere)
