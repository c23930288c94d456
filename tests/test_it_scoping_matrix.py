"""THE scoping matrix: every URL of the project, requested by every role of one agency with the
ids of ANOTHER agency's objects, must refuse (403/404/405/401 or a redirect to login) and must
never show the other agency's names.

URLs are discovered by walking the resolver, so patterns added later are covered automatically.
A URL whose kwarg name is not in KWARG_OBJECTS makes the test fail: name it by the convention
(premise_id, target_id, user_id, device_id, agency_id, ministry_id, application_id, rating_id,
pairing_id, code) or add the new name here.
"""
import hashlib
import io
import shutil
import subprocess
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled

from erating.base.models import ApiToken, AuditEntry, Device, Ministry, PairingCode, ReportFile, ReportSchedule
from erating.base.models.devices import hash_token

pytestmark = pytest.mark.django_db

# Status codes that are a refusal. 401 is what the device API answers without a token.
REFUSED = {401, 403, 404, 405}

# Public endpoints that resolve a code or token anonymously ON PURPOSE: the matrix does not apply.
# Keyed by namespaced URL name (or route when unnamed); the value is the reason.
PUBLIC_BY_DESIGN = {
    "control:password_reset_confirm": "token-protected; an invalid token only says the link is invalid "
                                      "(still checked: no other-agency names in the body)",
}
PUBLIC_PREFIXES = {
    # Any URL under these namespaces that takes `code` is the public rating page of that target: anyone
    # holding the poster may open it; it shows the target's name by design.
    "rate": "public rating page / kiosk, resolved by the printed code or a device token",
}
# Kwargs that name no tenant object: value and reason. A URL with only these may answer 200 (its
# page identifies nothing of another agency) but still must not show another agency's names.
NON_TENANT_KWARGS = {
    "uidb64": (None, "password reset: filled with the other agency admin's uid, see _values"),
    "token": ("set-password", "password reset token: an invalid one"),
    "kind": ("premises", "bulk-import kind, a fixed list (premises/targets/officers)"),
    "fmt": ("csv", "file format of a template download"),
    "slug": ("no-such-article", "public portal news article, published content only"),
    "name": ("portal/none/none.jpg", "public portal upload path (portal content, not tenant data)"),
    "item_id": (999_999, "portal content (not tenant data); system administrator only, see "
                         "test_it_lets_only_the_system_administrator_edit_the_portal"),
}


def _walk(resolver, prefix="", namespace=None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            kwargs = list(getattr(p.pattern, "converters", {}) or {})
            if not kwargs and hasattr(p.pattern, "regex"):
                kwargs = list(p.pattern.regex.groupindex)
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield SimpleNamespace(route=prefix + str(p.pattern), name=name, namespace=namespace or "",
                                  kwargs=kwargs, pattern=p)


def all_urls(urlconf=None):
    return list(_walk(get_resolver(urlconf)))


def kwarg_urls(urlconf=None):
    return [u for u in all_urls(urlconf) if u.kwargs]


def unknown_kwargs(urls):
    known = set(KWARG_OBJECTS) | set(NON_TENANT_KWARGS)
    return sorted({f"{u.route} → {k}" for u in urls for k in u.kwargs if k not in known})


def build_url(u, values, urlconf=None):
    kwargs = {k: values[k] for k in u.kwargs}
    if u.name:
        return reverse(u.name, kwargs=kwargs, urlconf=urlconf)
    route = u.route
    for name in u.pattern.pattern.converters:
        for spec in (f"<{name}>", *[f"<{c}:{name}>" for c in ("int", "str", "slug", "uuid", "path")]):
            route = route.replace(spec, str(kwargs[name]))
    return "/" + route


# kwarg name → function(other agency objects) → value
KWARG_OBJECTS = {
    "premise_id": lambda o: o.premise.pk,
    "target_id": lambda o: o.counter.pk,
    "user_id": lambda o: o.officer.pk,
    "device_id": lambda o: o.device.pk,
    "agency_id": lambda o: o.agency.pk,
    "ministry_id": lambda o: o.agency.ministry_id,
    "application_id": lambda o: o.application_id,
    "rating_id": lambda o: o.ratings[0].pk,
    "pairing_id": lambda o: o.pairing.pk,
    "code": lambda o: o.counter.code,
    "case_id": lambda o: o.case.pk,
    "alert_id": lambda o: o.alert.pk,
    "report_file_id": lambda o: o.report_file.pk,
    "schedule_id": lambda o: o.schedule.pk,
    "token_id": lambda o: o.api_token.pk,
}


def _application_id(ministry):
    """A pending application to join eRating: only system administrators may see it."""
    try:
        model = apps.get_model("base", "AgencyApplication")
    except LookupError:
        return 999_999
    with scopes_disabled():
        return model.objects.create(agency_name="Jabatan Pemohon Rahsia", ministry=ministry, premises_planned=3,
                                    officer_name="Pegawai Pemohon", officer_email="pemohon@rahsia.gov.my",
                                    officer_phone="0123456789", officer_position="Pengarah", consent=True).pk


def _case_and_alert(o):
    """A follow-up case (with the customer's contact details) and an alert of the other agency."""
    from erating.base.followup import alerts, cases
    from erating.base.models import Alert, AlertRule, Rating

    Rating.objects.filter(pk=o.ratings[1].pk).update(contact_consent=True, contact_name="Pelanggan Rahsia",
                                                     contact_email="rahsia@pelanggan.my")
    case = cases.open_case(Rating.objects.get(pk=o.ratings[1].pk), user=o.admin)
    alerts.ensure_rules(o.agency)
    alert = Alert.objects.create(agency=o.agency, premise=o.premise, rule=AlertRule.objects.get(
        agency=o.agency, kind=AlertRule.LOW_SHARE), unit=f"premise:{o.premise.pk}", opened_at=timezone.now())
    return case, alert


def _report_objects(o, label="Rahsia Lain"):
    """A finished report file, a schedule and a read-API token of o's agency."""
    slug = label.lower().replace(" ", "-")
    o.report_file = ReportFile.objects.create(
        agency=o.agency, owner=o.admin, report="detailed", fmt="csv", filename=f"{slug}.csv",
        status=ReportFile.DONE, expires_at=timezone.now() + timedelta(hours=1))
    o.schedule = ReportSchedule.objects.create(agency=o.agency, owner=o.admin, name=f"Jadual {label}",
                                               report="summary")
    o.api_token = ApiToken.objects.create(agency=o.agency, name=f"Sistem {label}",
                                          token_hash=hashlib.sha256(slug.encode()).hexdigest())
    o.report_file.file.save(f"{slug}.csv", ContentFile(f"{o.premise.name}\n".encode()), save=True)


@pytest.fixture
def other(world):
    o = world.other
    with scopes_disabled():
        # The other agency sits in its own ministry, so ministry pages are a cross-tenant case too.
        ministry = Ministry.objects.create(code="klain", name_ms="Kementerian Lain Sekali",
                                           name_en="Ministry of Elsewhere")
        o.agency.ministry = ministry
        o.agency.save(update_fields=["ministry"])
        o.device = Device.objects.create(agency=o.agency, premise=o.premise, name="Tablet Rahsia Lain",
                                         token_hash=hash_token("other-device-token"))
        o.pairing = PairingCode.objects.create(agency=o.agency, premise=o.premise, code="pairother1",
                                               expires_at=timezone.now() + timedelta(hours=1))
        o.application_id = _application_id(ministry)
        o.case, o.alert = _case_and_alert(o)
        _report_objects(o)
        o.codes = list(apps.get_model("base", "Target").objects.filter(agency=o.agency).values_list("code", flat=True))
    o.names = [o.agency.name_ms, o.agency.name_en, o.premise.name, o.branch.name, o.admin.full_name,
               o.supervisor.full_name, o.officer.full_name, o.colleague.full_name, "@other.gov.my",
               "Kementerian Lain Sekali", "Ministry of Elsewhere", "Tablet Rahsia Lain", "Jabatan Pemohon Rahsia",
               "pemohon@rahsia.gov.my", "Pelanggan Rahsia", "rahsia@pelanggan.my", "Jadual Rahsia Lain",
               "Sistem Rahsia Lain", *o.codes]
    return o


def _values(o):
    values = {k: fn(o) for k, fn in KWARG_OBJECTS.items()}
    values.update({k: v for k, (v, _reason) in NON_TENANT_KWARGS.items()})
    values["uidb64"] = urlsafe_base64_encode(force_bytes(o.admin.pk))
    return values


def _body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx / zip export: look inside
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            content = b"".join(z.read(n) for n in z.namelist())
    elif content[:4] == b"%PDF" and shutil.which("pdftotext"):
        content = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True).stdout
    return content.decode("utf-8", "replace")


def _shown(response, url):
    """The body without the echo of the request's own path (the language switch's `next` field)."""
    body = _body(response)
    full = response.wsgi_request.get_full_path()
    for echo in (full, escape(full), url):
        body = body.replace(echo, "")
    return body


def _fingerprint(agency_id):
    """Every row of the other agency, to prove POSTs changed nothing."""
    rows = []
    with scopes_disabled():
        for model in apps.get_app_config("base").get_models():
            if model is AuditEntry:
                continue
            fields = {f.name for f in model._meta.concrete_fields}
            if "agency" in fields:
                qs = model.objects.filter(agency_id=agency_id)
            elif model._meta.model_name == "agency":
                qs = model.objects.filter(pk=agency_id)
            else:
                continue
            skip = {"last_login", "last_seen"}
            data = serializers.serialize("json", qs.order_by("pk"), fields=[f for f in fields if f not in skip])
            rows.append(data)
    return rows


def _is_login_redirect(response):
    return response.status_code in (301, 302) and response["Location"].split("?")[0] == reverse(settings.LOGIN_URL)


def _public(u):
    return u.name in PUBLIC_BY_DESIGN or (u.namespace.split(":")[0] in PUBLIC_PREFIXES and "code" in u.kwargs)


def check_url(client, url, u, o, method):
    """Returns a problem description, or None when the answer is a clean refusal."""
    response = getattr(client, method)(url, **({"data": {}} if method == "post" else {}))
    body = _shown(response, url)
    leaked = [n for n in o.names if n in body]
    if leaked:
        return f"{method.upper()} {url} [{u.name}] → {response.status_code} shows {leaked}"
    if response.status_code >= 500:
        return f"{method.upper()} {url} [{u.name}] → {response.status_code}"
    if u.name in PUBLIC_BY_DESIGN or not set(u.kwargs) - set(NON_TENANT_KWARGS):
        return None
    if response.status_code in REFUSED or _is_login_redirect(response):
        return None
    return f"{method.upper()} {url} [{u.name}] → {response.status_code} (expected 403/404/405 or login)"


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
def _is_data_url(u):
    route = u.route.lower()
    name = (u.name or "").lower()
    return route.startswith("api/") or any(w in name or w in route for w in ("export", "report", "download", "csv",
                                                                                "xlsx", "pdf"))


def _query_for(o):
    """Query parameters a filter form might take, all pointing at the other agency."""
    q = {}
    for key, fn in KWARG_OBJECTS.items():
        value = fn(o)
        q[key] = value
        if key.endswith("_id"):
            q[key[:-3]] = value
    q["officer"] = o.officer.pk
    return q


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


# -- Analysis: filters in the query string ----------------------------------------------------
def _analysis_urls():
    return [u for u in all_urls() if (u.name or "").startswith("control:analysis")]


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_refuses_other_agency_ids_in_analysis_filters(world, other, role):
    """Every Analysis URL (dashboard, sections, live stamp), with each filter naming the other
    agency's object, answers 404 and shows nothing of it; without filters, the own scope only."""
    client = Client()
    client.force_login(getattr(world.home, role))
    filters = {"agency": other.agency.pk, "ministry": other.agency.ministry_id, "premise": other.premise.pk,
               "target": other.counter.pk, "officer": other.officer.pk}
    urls = _analysis_urls()
    assert len(urls) >= 8, "the Analysis URLs were not found"
    problems = []
    for u in urls:
        url = build_url(u, {})
        for name, value in filters.items():
            response = client.get(url, {name: value})
            if response.status_code != 404:
                problems.append(f"GET {url}?{name}={value} → {response.status_code}")
            leaked = [n for n in other.names if n in _shown(response, url)]
            if leaked:
                problems.append(f"GET {url}?{name}={value} shows {leaked}")
        response = client.get(url, {"period": "year"})
        if response.status_code != 200 or [n for n in other.names if n in _shown(response, url)]:
            problems.append(f"GET {url}?period=year → {response.status_code} or shows the other agency")
    assert not problems, "\n".join(problems)


def test_it_refuses_a_supervisor_the_unsupervised_premise_in_analysis(world):
    client = Client()
    client.force_login(world.home.supervisor)
    for u in _analysis_urls():
        url = build_url(u, {})
        assert client.get(url, {"premise": world.home.branch.pk}).status_code == 404
        assert client.get(url, {"target": world.home.branch_counter.pk}).status_code == 404
        assert client.get(url, {"premise": world.home.premise.pk}).status_code == 200


def test_it_keeps_follow_up_urls_to_the_supervisors_premises_and_from_officers(world):
    """Inside one agency: a case and an alert of the branch are refused to the supervisor of the
    head office (not their premise) and every follow-up URL to an officer; the admin gets them."""
    from erating.base.followup import alerts, cases
    from erating.base.models import Alert, AlertRule

    h = world.home
    with scopes_disabled():
        case = cases.open_case(h.ratings[3], user=h.admin)  # the branch's low rating
        alerts.ensure_rules(h.agency)
        alert = Alert.objects.create(agency=h.agency, premise=h.branch, unit=f"premise:{h.branch.pk}",
                                     rule=AlertRule.objects.get(agency=h.agency, kind=AlertRule.LOW_SHARE),
                                     opened_at=timezone.now())
    values = {"case_id": case.pk, "alert_id": alert.pk, "rating_id": h.ratings[3].pk}
    urls = [u for u in all_urls() if (u.route.startswith(("control/followup/", "control/alerts/"))
                                      or (u.name or "").startswith(("control:case_", "control:alert_")))
            and u.kwargs]
    assert len(urls) >= 9
    problems = []
    for role, refused in (("supervisor", {403, 404, 405}), ("officer", {403, 405})):
        client = Client()
        client.force_login(getattr(h, role))
        for u in urls:
            url = build_url(u, values)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in refused:
                    problems.append(f"{role} {method.upper()} {url} → {status}")
    admin = Client()
    admin.force_login(h.admin)
    assert admin.get(reverse("control:case_detail", args=[case.pk])).status_code == 200
    assert admin.get(reverse("control:alert_detail", args=[alert.pk])).status_code == 200
    assert not problems, "\n".join(problems)


# -- Public portal editing: system administrator only -----------------------------------------
@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_it_lets_only_the_system_administrator_edit_the_portal(world, role, settings, tmp_path):
    from erating.base.models import FaqEntry

    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        entry = FaqEntry.objects.create(question_ms="Soalan draf rahsia", answer_ms="<p>Jawapan</p>")
    values = {"kind": "faq", "item_id": entry.pk}
    urls = [u for u in all_urls() if (u.name or "").startswith("control:portal_")]
    assert len(urls) >= 8
    client = Client()
    client.force_login(getattr(world.home, role))
    problems = []
    for u in urls:
        url = build_url(u, values)
        for method in ("get", "post"):
            response = getattr(client, method)(url, **({"data": {"published": "1", "question_ms": "X",
                                                                "answer_ms": "Y"}} if method == "post" else {}))
            if response.status_code not in (403, 405) or "Soalan draf rahsia" in _body(response):
                problems.append(f"{method.upper()} {url} → {response.status_code}")
    assert not problems, "\n".join(problems)
    entry.refresh_from_db()
    assert (entry.published, entry.question_ms, FaqEntry.objects.count()) == (False, "Soalan draf rahsia", 1)
    sysadmin = Client()
    sysadmin.force_login(world.sysadmin)
    assert all(sysadmin.get(build_url(u, values)).status_code in (200, 405) for u in urls)
