"""Readable audit entries: translated action names, the object's type and name with a link where
the viewer may open it, and each change as "field label: before → after".

Entries keep their machine-readable codes (the CSV export carries both); this module only reads.
Values that are ids of other rows (a premise, counters) are shown by name, looked up once per page
within the viewer's scope; a row the viewer may not see, or one since deleted, keeps its id."""
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django_scopes.exceptions import ScopeError

from erating.base.auditlog import keys

# Every action the code records. A test checks that each log_action() call site is listed here.
ACTIONS = {
    "login": gettext_lazy("Logged in"),
    "logout": gettext_lazy("Logged out"),
    "login_failed": gettext_lazy("Failed login"),
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "export": gettext_lazy("Exported"),
    "apply": gettext_lazy("Applied to use eRating"),
    "approve": gettext_lazy("Application approved"),
    "reject": gettext_lazy("Application rejected"),
    "invite": gettext_lazy("Invitation e-mailed"),
    "suspend": gettext_lazy("Agency suspended"),
    "reactivate": gettext_lazy("Agency reactivated"),
    "view_as_start": gettext_lazy("Started viewing as the agency"),
    "view_as_stop": gettext_lazy("Stopped viewing as the agency"),
    "pair": gettext_lazy("Tablet paired"),
    "cancel": gettext_lazy("Pairing code cancelled"),
    "revoke": gettext_lazy("Tablet revoked"),
    "regenerate_code": gettext_lazy("New QR code made"),
    "agency.captions": gettext_lazy("Score captions changed"),
    "agency.form_settings": gettext_lazy("Rating form settings changed"),
    "agency.logo": gettext_lazy("Logo changed"),
    "agency.appoint_admin": gettext_lazy("Administrator appointed"),
    "agency.remove_admin": gettext_lazy("Administrator removed"),
    "premise.create": gettext_lazy("Premise added"),
    "premise.update": gettext_lazy("Premise changed"),
    "premise.activate": gettext_lazy("Premise activated"),
    "premise.deactivate": gettext_lazy("Premise deactivated"),
    "target.create": gettext_lazy("Counter or service added"),
    "target.update": gettext_lazy("Counter or service changed"),
    "target.activate": gettext_lazy("Counter or service activated"),
    "target.deactivate": gettext_lazy("Counter or service deactivated"),
    "reason.create": gettext_lazy("Reason added"),
    "reason.save": gettext_lazy("Reason changed"),
    "reason.activate": gettext_lazy("Reason shown again"),
    "reason.deactivate": gettext_lazy("Reason hidden"),
    "reason.up": gettext_lazy("Reason moved up"),
    "reason.down": gettext_lazy("Reason moved down"),
    "import.premises": gettext_lazy("Premises imported"),
    "import.targets": gettext_lazy("Counters and services imported"),
    "import.officers": gettext_lazy("Officers imported"),
    "user.create": gettext_lazy("Account created"),
    "user.update": gettext_lazy("Account changed"),
    "user.activate": gettext_lazy("Account activated"),
    "user.deactivate": gettext_lazy("Account deactivated"),
    "user.set_pin": gettext_lazy("Tablet PIN set"),
    "user.assign_counters": gettext_lazy("Counters assigned"),
    "user.invite_sent": gettext_lazy("Invitation e-mailed"),
    "user.reset_sent": gettext_lazy("Password reset link e-mailed"),
    "user.invite_pending_sent": gettext_lazy("Pending invitations e-mailed again"),
    "case.open": gettext_lazy("Follow-up case opened"),
    "wedid.propose": gettext_lazy("\"We did\" line proposed"),
    "wedid.publish": gettext_lazy("\"We did\" line published"),
    "wedid.reject": gettext_lazy("\"We did\" line rejected"),
    "case.status": gettext_lazy("Follow-up case status changed"),
    "case.assign": gettext_lazy("Follow-up case assigned"),
    "case.note": gettext_lazy("Internal note added to a case"),
    "case.reply": gettext_lazy("Reply e-mailed to the customer"),
    "case.call": gettext_lazy("Phone call to the customer recorded"),
    "case.erase_contact": gettext_lazy("Customer contact details erased"),
    "alert.open": gettext_lazy("Alert raised"),
    "alert.close": gettext_lazy("Alert closed"),
    "alert.acknowledge": gettext_lazy("Alert acknowledged"),
    "alert.comment": gettext_lazy("Comment added to an alert"),
    "alert.rule": gettext_lazy("Alert rule changed"),
    "followup.settings": gettext_lazy("Follow-up settings changed"),
    "api_token.issue": gettext_lazy("Read-only API token issued"),
    "api_token.revoke": gettext_lazy("Read-only API token revoked"),
    "theme.update": gettext_lazy("Comment theme changed"),
    "theme.phrases": gettext_lazy("Agency's theme phrases changed"),
    "portal.create": gettext_lazy("Portal content added"),
    "portal.update": gettext_lazy("Portal content changed"),
    "portal.publish": gettext_lazy("Published on the portal"),
    "portal.unpublish": gettext_lazy("Taken off the portal"),
    "portal.delete": gettext_lazy("Portal content deleted"),
}

OBJECT_TYPES = {
    "ApiToken": gettext_lazy("API token"),
    "Alert": gettext_lazy("Alert"),
    "AlertRule": gettext_lazy("Alert rule"),
    "Case": gettext_lazy("Follow-up case"),
    "Agency": gettext_lazy("Agency"),
    "AgencyApplication": gettext_lazy("Agency application"),
    "Device": gettext_lazy("Tablet"),
    "FollowUpReason": gettext_lazy("Follow-up reason"),
    "Ministry": gettext_lazy("Ministry"),
    "PairingCode": gettext_lazy("Pairing code"),
    "Premise": gettext_lazy("Premise"),
    "Rating": gettext_lazy("Rating"),
    "ScoreCaption": gettext_lazy("Score caption"),
    "Target": gettext_lazy("Rating target"),
    "User": gettext_lazy("User"),
    "NewsArticle": gettext_lazy("News article"),
    "FaqEntry": gettext_lazy("Frequently asked question"),
    "GalleryItem": gettext_lazy("Gallery item"),
    "Download": gettext_lazy("Download"),
    "PortalText": gettext_lazy("Portal texts and contact details"),
}

# object type → (url name, kwarg, roles that may open it)
SYSADMIN, ADMIN = "sysadmin", "agencyadmin"
LINKS = {
    "Premise": ("control:premise_detail", "premise_id", {SYSADMIN, ADMIN}),
    "Target": ("control:target_detail", "target_id", {SYSADMIN, ADMIN}),
    "PairingCode": ("control:pairing_detail", "pairing_id", {SYSADMIN, ADMIN}),
    "Agency": ("control:agency_edit", "agency_id", {SYSADMIN}),
    "Ministry": ("control:ministry_edit", "ministry_id", {SYSADMIN}),
    "AgencyApplication": ("control:application_detail", "application_id", {SYSADMIN}),
    "User": ("control:officer_detail", "user_id", {SYSADMIN, ADMIN}),
}
STAFF_ROLES = ("officer", "supervisor")


def action_label(code):
    return str(ACTIONS.get(code, code))


def type_label(name):
    """Translated name of an audited model; a model added later falls back to its verbose_name."""
    if name in OBJECT_TYPES:
        return str(OBJECT_TYPES[name])
    model = _model(name)
    return capfirst(str(model._meta.verbose_name)) if model is not None else name


def _model(name):
    try:
        return apps.get_model("base", name)
    except LookupError:
        return None


def _field(model, key):
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(model, key):
    known = keys.label(key)
    if known is not None:
        return known
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return capfirst(str(field.verbose_name))
    return capfirst(key.replace("_", " "))


def labelled(model, key):
    """Whether `key` has a label of its own (the mapping, or a model field's verbose_name set by
    hand) rather than the fallback made from the key."""
    if keys.label(key) is not None:
        return True
    field = _field(model, key)
    name = getattr(field, "verbose_name", None)
    return field is not None and (isinstance(name, Promise) or str(name) != field.name.replace("_", " "))


class _Names:
    """Names of referenced rows, fetched in one query per model for a whole page of entries."""

    def __init__(self):
        self.wanted, self.found = defaultdict(set), {}

    def want(self, model_name, value):
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, (int, str)) and str(v).isdigit():
                self.wanted[model_name].add(int(v))

    def load(self):
        for model_name, ids in self.wanted.items():
            model = _model(model_name)
            if model is None:
                continue
            try:
                self.found.update({(model_name, o.pk): str(o) for o in model.objects.filter(pk__in=ids)})
            except ScopeError:
                continue

    def name(self, model_name, value):
        return self.found.get((model_name, int(value)), str(value)) if str(value).isdigit() else str(value)


def _value(model, key, value, names):
    field = _field(model, key)
    if field is not None and field.choices and not isinstance(value, (list, dict)) and not keys.empty(value):
        return str(dict(field.flatchoices).get(value, keys.plain(value)))
    if keys.key_for(key) is not None:
        return keys.value(key, value, names)
    if isinstance(field, models.BooleanField) and value in (0, 1):
        return keys.plain(bool(value))
    if isinstance(field, models.DateTimeField):
        return keys.as_datetime(value) or keys.plain(value)
    if isinstance(field, models.DateField):
        return keys.as_date(value) or keys.plain(value)
    return keys.plain(value)


def _pairs(changes):
    """(key, before, after, is_change): most entries store {key: [before, after]} (see audit.diff);
    a few record plain facts {key: value} (an import's file name and counts)."""
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            yield key, value[0], value[1], True
        else:
            yield key, None, value, False


class Row:
    def __init__(self, entry):
        self.entry = entry
        self.action_label = action_label(entry.action)
        self.type_label = type_label(entry.object_type) if entry.object_type else ""
        self.url = None
        self.changes = []

    @property
    def changes_text(self):
        return "; ".join(f"{label}: {before} → {after}" if is_change else f"{label}: {after}"
                         for label, before, after, is_change in self.changes)


def _links(entries, viewer):
    """{(type, id): url} for objects the viewer may open and can still see (scoped query)."""
    wanted = defaultdict(set)
    for e in entries:
        if e.object_type in LINKS and e.object_id.isdigit() and viewer.role in LINKS[e.object_type][2]:
            wanted[e.object_type].add(int(e.object_id))
    urls = {}
    for type_name, ids in wanted.items():
        model, (url_name, kwarg, _roles) = _model(type_name), LINKS[type_name]
        try:
            rows = model.objects.filter(pk__in=ids)
            if type_name == "User":
                rows = rows.filter(role__in=STAFF_ROLES)  # administrators have no staff page
            for pk in rows.values_list("pk", flat=True):
                urls[(type_name, str(pk))] = reverse(url_name, kwargs={kwarg: pk})
        except ScopeError:
            continue
    if viewer.role == SYSADMIN and "User" in wanted:
        from erating.base.models import User
        for pk, agency_id in User.objects.filter(pk__in=wanted["User"], role=ADMIN).values_list("pk", "agency_id"):
            urls[("User", str(pk))] = reverse("control:agency_admins", kwargs={"agency_id": agency_id})
    return urls


def describe_entries(entries, viewer=None):
    """Rows to show for `entries` (a page, already scoped to the viewer)."""
    entries = list(entries)
    names = _Names()
    for e in entries:
        for key, before, after, _is_change in _pairs(e.changes):
            for raw in (before, after):
                for model_name, ids in keys.references(key, raw):
                    names.want(model_name, ids)
    names.load()
    urls = _links(entries, viewer) if viewer is not None else {}
    rows = []
    for e in entries:
        row, model = Row(e), _model(e.object_type) if e.object_type else None
        row.url = urls.get((e.object_type, e.object_id))
        row.changes = [(field_label(model, key), _value(model, key, before, names), _value(model, key, after, names),
                        is_change) for key, before, after, is_change in _pairs(e.changes)]
        rows.append(row)
    return rows
