"""THE scoping matrix: every URL of the project, requested by every role of one agency with the
ids of ANOTHER agency's objects, must refuse (403/404/405/401 or a redirect to login) and must
never show the other agency's names.

URLs are discovered by walking the resolver, so patterns added later are covered automatically.
A URL whose kwarg name is not in KWARG_OBJECTS makes the test fail: name it by the convention
(premise_id, target_id, user_id, device_id, agency_id, ministry_id, application_id, rating_id,
pairing_id, code) or add the new name here.
"""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from erating.base.models import Device
from erating.base.models.devices import hash_token

from .scoping import (
    PUBLIC_BY_DESIGN,
    _body,
    _fingerprint,
    _is_data_url,
    _is_login_redirect,
    _public,
    _query_for,
    _shown,
    _values,
    all_urls,
    build_url,
    check_url,
    kwarg_urls,
    unknown_kwargs,
)

pytestmark = pytest.mark.django_db


def test_it_knows_every_kwarg_name_of_every_url():
    urls = kwarg_urls()
    assert not unknown_kwargs(urls), (
        "URL kwargs the scoping matrix cannot fill; use the naming convention or extend KWARG_OBJECTS: "
        + ", ".join(unknown_kwargs(urls)))


class _FakeUrls:
    from django.urls import include, path

    urlpatterns = [path("x/<int:widget_id>/", lambda r, widget_id: None, name="widget"),
                   path("y/", include(([path("<int:premise_id>/", lambda r, premise_id: None, name="p")], "y")))]


def test_it_fails_for_a_url_with_an_unknown_kwarg_name():
    urls = kwarg_urls(_FakeUrls)
    assert [u.name for u in urls] == ["widget", "y:p"]  # the walk goes into includes with namespaces
    assert unknown_kwargs(urls) == ["x/<int:widget_id>/ → widget_id"]


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_refuses_other_agency_objects_to_every_home_role(world, other, role):
    client = Client()
    client.force_login(getattr(world.home, role))
    values = _values(other)
    before = _fingerprint(other.agency.id)
    problems, checked = [], 0
    for u in kwarg_urls():
        if _public(u) and u.name not in PUBLIC_BY_DESIGN:
            continue
        url = build_url(u, values)
        for method in ("get", "post"):
            problem = check_url(client, url, u, other, method)
            checked += 1
            if problem:
                problems.append(problem)
    assert checked >= 4, "the matrix walked almost nothing"
    assert not problems, "\n".join(problems)
    assert _fingerprint(other.agency.id) == before, "a POST changed the other agency's data"


def test_it_is_not_vacuous_home_admin_sees_own_premise(world, other):
    """The same machinery with the HOME agency's ids gives 200 and the data, so the 404s above are
    a real refusal and not a broken URL."""
    client = Client()
    client.force_login(world.home.admin)
    by_name = {u.name: u for u in kwarg_urls()}
    assert "control:premise_detail" in by_name
    url = build_url(by_name["control:premise_detail"], {"premise_id": world.home.premise.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert world.home.premise.name in _body(response)
    # And the other agency's premise, via the same URL builder, is refused.
    other_url = build_url(by_name["control:premise_detail"], _values(other))
    assert client.get(other_url).status_code == 404


def test_it_sends_anonymous_visitors_of_control_to_login(world, other):
    client = Client()
    public = {"control:login", "control:logout", "control:password_reset", "control:password_reset_done",
              "control:password_reset_confirm", "control:password_reset_complete"}
    values = _values(other)
    checked, problems = 0, []
    for u in all_urls():
        if not u.namespace.startswith("control") or u.name in public:
            continue
        url = build_url(u, values)
        response = client.get(url)
        checked += 1
        if not _is_login_redirect(response):
            problems.append(f"GET {url} → {response.status_code}")
        if any(n in _shown(response, url) for n in other.names):
            problems.append(f"GET {url} leaks other-agency names")
    assert checked >= 3
    assert not problems, "\n".join(problems)


def test_it_refuses_anonymous_visitors_every_tenant_url(world, other):
    client = Client()
    values = _values(other)
    problems = []
    for u in kwarg_urls():
        if _public(u):
            continue
        url = build_url(u, values)
        for method in ("get", "post"):
            problem = check_url(client, url, u, other, method)
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(problems)


# -- API and exports --------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_keeps_api_and_exports_to_own_agency(world, other, role):
    client = Client()
    client.force_login(getattr(world.home, role))
    values, query = _values(other), _query_for(other)
    problems, checked = [], 0
    for u in all_urls():
        if not _is_data_url(u) or _public(u):
            continue
        url = build_url(u, values)
        response = client.get(url, query)
        checked += 1
        body = _shown(response, url)
        leaked = [n for n in other.names if n in body]
        if leaked or response.status_code >= 500:
            problems.append(f"GET {url}?{query} → {response.status_code} {leaked}")
    assert checked >= 1
    assert not problems, "\n".join(problems)


def test_it_keeps_a_home_device_on_the_api_to_its_own_agency(world, other):
    """A paired home tablet, using its bearer token on every API URL with the other agency's ids."""
    with scopes_disabled():
        Device.objects.create(agency=world.home.agency, premise=world.home.premise, name="Tablet Rumah",
                              token_hash=hash_token("home-device-token"))
    client = Client(HTTP_AUTHORIZATION="Bearer home-device-token")
    values = _values(other)
    problems = []
    for u in all_urls():
        if not u.route.startswith("api/") or (u.name or "").endswith(("openapi-json", "openapi-view")):
            continue
        url = build_url(u, values)
        for method in ("get", "post"):
            response = getattr(client, method)(url, **({"data": {}, "content_type": "application/json"}
                                                       if method == "post" else {}))
            body = _shown(response, url)
            leaked = [n for n in other.names if n in body]
            if leaked or response.status_code >= 500:
                problems.append(f"{method.upper()} {url} → {response.status_code} {leaked}")
    assert not problems, "\n".join(problems)
