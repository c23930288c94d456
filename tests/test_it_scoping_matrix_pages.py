"""The scoping matrix, continued (tests/test_it_scoping_matrix.py walks URLs with ids in the path):

- every page WITHOUT an id (list pages, dashboards, forms), as each role, with the other agency's
  ids in the query string: never a name of the other agency in the body, never a 5xx;
- every back-office form POSTed back with the other agency's ids in its id-like fields: no row
  of the other agency changes and no row of the home agency ends up pointing at one;
- inside one agency: a supervisor given another premise's ids, an officer given a colleague's.
"""
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Device, PairingCode, Target
from erating.base.testing import add_rating

from .scoping import (
    KWARG_OBJECTS,
    NON_TENANT_KWARGS,
    REFUSED,
    _case_and_alert,
    _fingerprint,
    _is_login_redirect,
    _public,
    _query_for,
    _report_objects,
    _shown,
    _values,
    all_urls,
    build_url,
    kwarg_urls,
)

pytestmark = pytest.mark.django_db
ROLES = ["admin", "supervisor", "officer"]
# GETs that would end the session or only redirect.
SKIP_GET = {"control:logout", "set_language", "control:view_as_stop"}
# Public pages that show some tenant names to everyone on purpose: the names they may show.
PUBLIC_NAMES = {"portal:apply": ("Kementerian Lain Sekali", "Ministry of Elsewhere")}  # the ministry choice


def pages_without_ids():
    return [u for u in all_urls() if not set(u.kwargs) - set(NON_TENANT_KWARGS) and u.name not in SKIP_GET
            and not (u.route.startswith("api/") and "openapi" not in (u.name or ""))]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def leaks(response, url, names):
    body = _shown(response, url)
    return [n for n in names if n in body]


@pytest.mark.parametrize("role", [*ROLES, "sysadmin-viewing-home"])
def test_pages_without_ids_show_nothing_of_another_agency(world, other, role):
    if role == "sysadmin-viewing-home":
        client = client_for(world.sysadmin)
        client.post(reverse("control:view_as_start", args=[world.home.agency.pk]))
    else:
        client = client_for(getattr(world.home, role))
    query = _query_for(other)
    problems, checked = [], 0
    for u in pages_without_ids():
        if role == "sysadmin-viewing-home" and u.route.startswith("control/system/"):
            continue  # the system administrator's own pages list every agency by design
        url = build_url(u, _values(other))
        for params in ({}, query):
            response = client.get(url, params)
            checked += 1
            # A value the request itself carries (a code in the query) may be echoed in a filter field.
            echoed = {str(v) for v in params.values()} | set(PUBLIC_NAMES.get(u.name, ()))
            leaked = leaks(response, url, [n for n in other.names if n not in echoed])
            if leaked or response.status_code >= 500:
                problems.append(f"GET {url}?{params and 'other-ids'} [{u.name}] → {response.status_code} {leaked}")
    assert checked > 20, "the walk found almost no pages"
    assert not problems, "\n".join(problems)


# -- forms POSTed back with the other agency's ids -----------------------------------------------
class Forms(HTMLParser):
    """The POST forms of a page: [(action, {field: value})], selects and hidden fields included."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.forms.append((a.get("action") or "", {}))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button", "image"):
            if a.get("type") in ("checkbox", "radio"):
                fields.setdefault(name, a.get("value", "on"))
            else:
                fields[name] = a.get("value") or ("1" if a.get("type") == "number" else
                                                 "ujian@home.gov.my" if a.get("type") == "email" else "Ujian")
        elif tag == "button" and name:
            fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea" and name:
            fields[name] = "Ujian"
        elif tag == "select" and name:
            self._select = name
            fields[name] = ""
        elif tag == "option" and self._select and not fields.get(self._select):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def foreign_value(field, o):
    """The other agency's id for a field named like a tenant object, else None."""
    name = field.lower()
    for word, value in [("premise_code", o.premise.code), ("premise", o.premise.pk), ("counter", o.counter.pk),
                        ("target", o.counter.pk), ("officer", o.officer.pk), ("user", o.officer.pk),
                        ("device", o.device.pk), ("pairing", o.pairing.pk), ("reason", o.reasons[0].pk),
                        ("agency", o.agency.pk), ("ministry", o.agency.ministry_id), ("rating", o.ratings[0].pk)]:
        if word in name:
            return value
    return None


def cross_agency_links():
    """Rows of one agency pointing (by foreign key) at a row of another: must never exist."""
    found = []
    with scopes_disabled():
        for model in apps.get_app_config("base").get_models():
            fields = {f.name: f for f in model._meta.concrete_fields}
            if "agency" not in fields:
                continue
            for f in fields.values():
                related = getattr(f, "related_model", None)
                if not related or f.name == "agency" or "agency" not in {x.name for x in related._meta.fields}:
                    continue
                # Rows and related rows without an agency (system administrators, their audit) aside.
                bad = model.objects.filter(**{"agency_id__isnull": False, f"{f.name}__agency_id__isnull": False}
                                           ).exclude(**{f"{f.name}__agency_id": models_f("agency_id")})
                found += [f"{model.__name__}.{f.name} #{pk}" for pk in bad.values_list("pk", flat=True)]
    return found


def models_f(name):
    from django.db.models import F

    return F(name)


SLIPPED_IN = ("agency", "agency_id", "premise", "premise_id", "target", "officer", "user")


@pytest.mark.parametrize("role", [*ROLES, "sysadmin-viewing-home"])
def test_forms_posted_back_with_another_agencys_ids_change_nothing_of_it(world, other, role):
    if role == "sysadmin-viewing-home":
        client = client_for(world.sysadmin)
        client.post(reverse("control:view_as_start", args=[world.home.agency.pk]))
    else:
        client = client_for(getattr(world.home, role))
    before = _fingerprint(other.agency.id)
    problems, posted = [], 0
    # The forms of every page without an id and of the home agency's own detail pages.
    own = _own_values(world)
    pages = [build_url(u, _values(other)) for u in pages_without_ids()
             if u.namespace.startswith("control") and u.name not in SKIP_GET | {"control:view_as_start"}]
    pages += [build_url(u, own) for u in kwarg_urls()
              if u.namespace.startswith("control") and not u.route.startswith("control/system/")
              and u.name != "control:password_reset_confirm"]
    for url in pages:
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(page.content.decode())
        for action, fields in parser.forms:
            target = action or url
            if not target.startswith("/control/") or "logout" in target or "view-as" in target:
                continue
            if target.startswith("/control/system/"):
                continue  # the system administrator manages every agency there by design
            data = dict(fields)
            # Its id-like fields point at the other agency, and fields a form does not show are
            # slipped in too (mass assignment): agency, premise, target, officer.
            swapped = {k: foreign_value(k, other) for k in [*data, *SLIPPED_IN]
                       if foreign_value(k, other) is not None and k != "csrfmiddlewaretoken"}
            data.update(swapped)
            response = client.post(target, data)
            posted += 1
            leaked = leaks(response, target, other.names)
            if leaked or response.status_code >= 500:
                problems.append(f"POST {target} {sorted(swapped)} → {response.status_code} {leaked}")
    assert posted >= (10 if role == "admin" else 1), f"only {posted} forms found"
    assert not problems, "\n".join(problems)
    assert _fingerprint(other.agency.id) == before, "a POST changed the other agency's data"
    assert cross_agency_links() == []


def _own_values(world):
    h = world.home
    with scopes_disabled():
        h.device = Device.objects.create(agency=h.agency, premise=h.premise, name="Tablet Rumah", token_hash="h" * 64)
        h.pairing = PairingCode.objects.create(agency=h.agency, premise=h.premise, code="pairhome01",
                                               expires_at=h.ratings[0].created_at.replace(year=2099))
        h.case, h.alert = _case_and_alert(h)
        _report_objects(h, label="Rumah")
    h.application_id = 999_999
    return {**_values_stub(), **{k: fn(h) for k, fn in KWARG_OBJECTS.items()}}


def test_the_cross_link_check_is_not_vacuous(world, other):
    with scopes_disabled():
        Target.objects.filter(pk=world.home.counter.pk).update(premise_id=other.premise.pk)
    assert cross_agency_links() == [f"Target.premise #{world.home.counter.pk}"]


# -- inside one agency ------------------------------------------------------------------------------
def _inside(world):
    """The home agency's objects a supervisor of the HQ (premise) must not reach: the branch's."""
    h = world.home
    with scopes_disabled():
        device = Device.objects.create(agency=h.agency, premise=h.branch, name="Tablet Cawangan Tersembunyi",
                                       token_hash="x" * 64)
        pairing = PairingCode.objects.create(agency=h.agency, premise=h.branch, code="pairbranch1",
                                             expires_at=h.ratings[0].created_at.replace(year=2099))
        rating = add_rating(h.branch_counter, 2, comment="Komen cawangan rahsia")
        colleague_target = Target.objects.create(agency=h.agency, premise=h.premise, kind=Target.OFFICER,
                                                 name="Sasaran Rakan", officer=h.colleague)
        colleague_rating = add_rating(colleague_target, 1, comment="Komen rakan rahsia")
    return device, pairing, rating, colleague_target, colleague_rating


def _check_refused(client, values, names, skip_kwargs=()):
    problems, checked = [], 0
    for u in kwarg_urls():
        if _public(u) or not set(u.kwargs) & set(values) or set(u.kwargs) & set(skip_kwargs):
            continue
        url = build_url(u, {**_values_stub(), **values})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            checked += 1
            leaked = leaks(response, url, names)
            if leaked or response.status_code >= 500:
                problems.append(f"{method.upper()} {url} [{u.name}] → {response.status_code} {leaked}")
            elif not (response.status_code in REFUSED or _is_login_redirect(response)):
                problems.append(f"{method.upper()} {url} [{u.name}] → {response.status_code} (expected a refusal)")
    return problems, checked


def _values_stub():
    """Values for kwargs that are not under test (filled, so every URL can be built)."""
    stub = dict.fromkeys(KWARG_OBJECTS, 999999)
    stub.update({k: v for k, (v, _reason) in NON_TENANT_KWARGS.items()})
    stub.update(code="nocode", uidb64="MQ")
    return stub


def test_a_supervisor_cannot_reach_another_premise_of_the_agency(world):
    device, pairing, rating, _target, _rating = _inside(world)
    h = world.home
    values = {"premise_id": h.branch.pk, "target_id": h.branch_counter.pk, "device_id": device.pk,
              "pairing_id": pairing.pk, "rating_id": rating.pk}
    names = ["Kaunter B", "Tablet Cawangan Tersembunyi", "Komen cawangan rahsia", "Cawangan lambat"]
    problems, checked = _check_refused(client_for(h.supervisor), values, names)
    assert checked >= 4
    assert not problems, "\n".join(problems)
    # ...while the same URLs with the supervisor's own premise answer.
    assert client_for(h.supervisor).get(reverse("control:premise_detail", args=[h.premise.pk])).status_code == 200


def test_an_officer_cannot_reach_a_colleague(world):
    _device, _pairing, _rating, colleague_target, colleague_rating = _inside(world)
    h = world.home
    values = {"user_id": h.colleague.pk, "target_id": colleague_target.pk, "rating_id": colleague_rating.pk}
    problems, checked = _check_refused(client_for(h.officer), values, ["Komen rakan rahsia", "Sasaran Rakan"])
    assert checked >= 2
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["supervisor", "officer"])
def test_pages_without_ids_show_nothing_beyond_the_users_reach(world, role):
    _inside(world)
    client = client_for(getattr(world.home, role))
    names = {"supervisor": ["Tablet Cawangan Tersembunyi", "Komen cawangan rahsia", "Cawangan lambat"],
             "officer": ["Komen rakan rahsia", "Komen cawangan rahsia", "Cawangan lambat"]}[role]
    problems = []
    for u in pages_without_ids():
        url = build_url(u, _values_stub())
        response = client.get(url)
        leaked = leaks(response, url, names)
        if leaked or response.status_code >= 500:
            problems.append(f"GET {url} [{u.name}] → {response.status_code} {leaked}")
    assert not problems, "\n".join(problems)


def test_query_filters_naming_the_branch_show_a_supervisor_nothing_of_it(world):
    _inside(world)
    h = world.home
    client = client_for(h.supervisor)
    problems = []
    for u in pages_without_ids():
        url = build_url(u, _values_stub())
        response = client.get(url, {"premise": h.branch.pk, "premise_id": h.branch.pk,
                                    "target": h.branch_counter.pk, "q": "Cawangan"})
        leaked = leaks(response, url, ["Komen cawangan rahsia", "Cawangan lambat", "Tablet Cawangan Tersembunyi"])
        if leaked or response.status_code >= 500:
            problems.append(f"GET {url} [{u.name}] → {response.status_code} {leaked}")
    assert not problems, "\n".join(problems)


def test_the_page_walk_covers_the_list_pages():
    names = {u.name for u in pages_without_ids()}
    assert {"control:premise_list", "control:target_list", "control:officer_list", "control:home",
            "portal:home"} <= names
    assert not any(re.search(r"<(int|str):", u.route) and set(u.kwargs) - set(NON_TENANT_KWARGS)
                   for u in pages_without_ids())
