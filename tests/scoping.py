"""The scoping matrix's machinery, shared by its test modules: every URL of the project found by
walking the resolver, the objects of ANOTHER agency to fill them with, and what counts as a
refusal or a leak. The other agency's objects come from the `other` fixture (tests/conftest.py)."""
import hashlib
import io
import subprocess
import zipfile
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled

from erating.base.models import ApiToken, AuditEntry, ReportFile, ReportSchedule

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
    "theme_id": (1, "a national comment theme (not tenant data; the migration seeds the first): the page edits "
                    "only the user's own agency's phrases"),
    "theme_code": ("facilities", "a national comment theme's code (not tenant data): the drill-down reads the "
                                 "user's own scope only"),
    "agency_code": ("no-such-agency", "public results of one premise: only named agencies' aggregate figures and "
                                      "published lines (see test_it_portal_premise_results)"),
    "premise_code": ("no-such-premise", "with agency_code: a premise's public results page"),
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
    "line_id": lambda o: _we_did_line(o),
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


def _we_did_line(o):
    """A "you said, we did" line of the other agency, written on its case, awaiting review."""
    from erating.base.models import WeDidLine

    with scopes_disabled():  # one line, however often asked: the matrix compares the other agency's data
        line, _created = WeDidLine.objects.get_or_create(
            agency=o.agency, premise=o.premise, case=o.case, text="Kaunter rahsia dibuka",
            defaults={"written_at": timezone.now()})
        return line.pk


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
    o.case = case
    _we_did_line(o)  # made with the other objects, before any fingerprint of the agency's data
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
    elif content[:4] == b"%PDF":  # `make test` installs poppler-utils: a missing pdftotext fails here
        content = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
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
