"""What each key the audit log records is called and how its values read: one mapping, used for
the top-level changes of an entry and for the criteria or filters an export records inside one.

A key's kind decides the value's form: a year, score or id is digits without separators (2026,
not 2,026); a count is grouped by the page's locale; dates read DD/MM/YYYY; yes/no in the page
language; a choice by its label. Packages above this one (reports, analysis) register the labels
of their own codes with register_choices(): this package may not import them."""
import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEXT, PLAIN, COUNT, DATE, DATETIME, BOOL, CHOICE, REFERENCE, NESTED, FORMAT = (
    "text", "plain", "count", "date", "datetime", "bool", "choice", "reference", "nested", "format")


class Key:
    def __init__(self, label, kind=TEXT, ref=None):
        self.label, self.kind, self.ref = label, kind, ref


def _choice(label):
    return Key(label, CHOICE)


def _ref(label, model):
    return Key(label, REFERENCE, model)


# Keys that are not model fields, or whose model label reads poorly out of context; a model field
# not listed here is labelled by its verbose_name (a test holds every recorded key to one of both).
KEYS = {
    "administrator": Key(gettext_lazy("Administrator")),
    "sent": Key(gettext_lazy("E-mail sent"), BOOL),
    "format": Key(gettext_lazy("Format"), FORMAT),
    "fmt": Key(gettext_lazy("Format"), FORMAT),
    "report": _choice(gettext_lazy("Report")),
    "criteria": Key(gettext_lazy("Criteria"), NESTED),
    "filters": Key(gettext_lazy("Filters"), NESTED),
    "count": Key(gettext_lazy("Number"), COUNT),
    "created": Key(gettext_lazy("Created"), COUNT),
    "updated": Key(gettext_lazy("Updated"), COUNT),
    "pages": Key(gettext_lazy("Pages"), COUNT),
    "file": Key(gettext_lazy("File")),
    "sha256": Key(gettext_lazy("File fingerprint (SHA-256)")),
    "home_premise": _ref(gettext_lazy("Home premise"), "Premise"),
    "counters": _ref(gettext_lazy("Counters"), "Target"),
    "premises": _ref(gettext_lazy("Supervised premises"), "Premise"),
    "premise": _ref(gettext_lazy("Premise"), "Premise"),
    "premise_id": _ref(gettext_lazy("Premise"), "Premise"),
    "target": _ref(gettext_lazy("Counter, service, facility or officer"), "Target"),
    "target_id": _ref(gettext_lazy("Counter, service, facility or officer"), "Target"),
    "ministry": _ref(gettext_lazy("Ministry"), "Ministry"),
    "agency": _ref(gettext_lazy("Agency"), "Agency"),
    "officer": _ref(gettext_lazy("Officer"), "User"),
    "view_as": _ref(gettext_lazy("Viewing as"), "Agency"),
    "pairing_code": _ref(gettext_lazy("Pairing code"), "PairingCode"),
    "kiosk_pin": Key(gettext_lazy("Tablet PIN")),
    "ip": Key(gettext_lazy("Network address")),
    "email": Key(gettext_lazy("E-mail")),
    "reason": Key(gettext_lazy("Reason")),
    "captions": Key(gettext_lazy("Captions")),
    "logo": Key(gettext_lazy("Logo")),
    "code": Key(gettext_lazy("Code")),
    "active": Key(gettext_lazy("Active"), BOOL),
    "revoked": Key(gettext_lazy("Revoked"), BOOL),
    "revoked_at": Key(gettext_lazy("Revoked at"), DATETIME),
    "sent_now_to": Key(gettext_lazy("Sent now to")),
    "recipients": Key(gettext_lazy("Recipients")),
    "recipients removed": Key(gettext_lazy("Recipients removed")),
    "unit": Key(gettext_lazy("Where")),
    "assignee": Key(gettext_lazy("Assigned to")),
    "note": Key(gettext_lazy("Internal note (no.)"), PLAIN),
    "reply": Key(gettext_lazy("Reply (no.)"), PLAIN),
    "comment": Key(gettext_lazy("Comment (no.)"), PLAIN),
    "call": _choice(gettext_lazy("Phone call")),
    "contact": _choice(gettext_lazy("Customer contact details")),
    "rating": Key(gettext_lazy("Rating (no.)"), PLAIN),
    "text": Key(gettext_lazy("Text")),
    "phrases": Key(gettext_lazy("Phrases")),
    "status": Key(gettext_lazy("Status")),
    "score": Key(gettext_lazy("Score"), PLAIN),
    "position": Key(gettext_lazy("Position in the list"), PLAIN),
    "previous_codes": Key(gettext_lazy("Earlier codes")),
    "name_ms": Key(gettext_lazy("Name (BM)")),
    "name_en": Key(gettext_lazy("Name (EN)")),
    # The report criteria (control/forms_reports.CRITERIA_KEYS) and the audit log's own filters.
    "period": _choice(gettext_lazy("Period")),
    "start": Key(gettext_lazy("From"), DATE),
    "end": Key(gettext_lazy("To"), DATE),
    "date_from": Key(gettext_lazy("From"), DATE),
    "date_to": Key(gettext_lazy("To"), DATE),
    "kind": _choice(gettext_lazy("Type")),
    "channel": _choice(gettext_lazy("Channel")),
    "score_min": Key(gettext_lazy("Lowest score"), PLAIN),
    "score_max": Key(gettext_lazy("Highest score"), PLAIN),
    "flagged": Key(gettext_lazy("Including ratings suspected of abuse"), BOOL),
    "year": Key(gettext_lazy("Year"), PLAIN),
    "levels": Key(gettext_lazy("Scores"), PLAIN),
    "split": Key(gettext_lazy("Split across several sheets"), BOOL),
    "language": _choice(gettext_lazy("Language")),
    "user": Key(gettext_lazy("User (e-mail)")),
    "action": _choice(gettext_lazy("Action")),
    "object_type": _choice(gettext_lazy("Object type")),
    "q": Key(gettext_lazy("Search")),
    "page": Key(gettext_lazy("Page"), PLAIN),
}
CAPTION_KEY = re.compile(r"caption_([1-5])$")

# key -> callable returning {code: label}; filled here for codes this package knows and by the
# packages that own the others (reports: report names; analysis: period presets).
_CHOICES = {}


def register_choices(key, labels):
    _CHOICES[key] = labels


def _own_choices():
    from erating.base.auditlog.display import ACTIONS, OBJECT_TYPES
    from erating.base.models import Rating, Target
    return {
        "kind": lambda: dict(Target.KIND_CHOICES),
        "channel": lambda: dict(Rating.CHANNEL_CHOICES),
        "language": lambda: {"ms": _("Bahasa Melayu"), "en": _("English"), "zh": "中文", "zh-hans": "中文",
                             "ta": "தமிழ்"},
        "action": lambda: ACTIONS,
        "object_type": lambda: OBJECT_TYPES,
        "contact": lambda: {"kept": _("Kept"), "erased": _("Erased")},
    }


def key_for(name):
    return KEYS.get(name)


def label(name):
    """The label of a key this mapping knows, else None (the caller falls back to the model field)."""
    if name in KEYS:
        return str(KEYS[name].label)
    match = CAPTION_KEY.match(name)
    if match:
        return _("Caption for score %(score)s") % {"score": match.group(1)}
    return None


def choices(name):
    source = _CHOICES.get(name) or _own_choices().get(name)
    return source() if source else {}


# -- values ---------------------------------------------------------------------------------

EMPTY = "—"


def empty(value):
    return value is None or value == "" or value == [] or value == {}


def as_date(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return date_format(value, "d/m/Y")
    parsed = parse_date(value) if isinstance(value, str) else None
    return date_format(parsed, "d/m/Y") if parsed else None


def as_datetime(value):
    moment = value if isinstance(value, datetime) else parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "d/m/Y H:i")


def yes_no(value):
    return _("Yes") if value not in (False, 0, "0", "", None, "false", "off") else _("No")


FORMATS = {"pdf": "PDF", "xlsx": "XLSX", "csv": "CSV", "svg": "SVG", "png": "PNG"}


def format_label(value):
    """Formats as recorded: a file type, or a description of the download ("posters A4",
    "results poster 2026-11", "audit csv")."""
    text = str(value)
    if text.lower() in FORMATS:
        return FORMATS[text.lower()]
    if text == "audit csv":
        return _("User log (CSV)")
    match = re.fullmatch(r"(poster|posters) (\S+)", text)
    if match:
        one = match.group(1) == "poster"
        return (_("QR poster (%(size)s)") if one else _("QR posters (%(size)s)")) % {"size": match.group(2)}
    match = re.fullmatch(r"(results poster|results posters) (\d{4})-(\d{2})", text)
    if match:
        one = match.group(1) == "results poster"
        month = f"{match.group(3)}/{match.group(2)}"
        return (_("Results poster, %(month)s") if one else _("Results posters, %(month)s")) % {"month": month}
    return text


def plain(value):
    """A value with no known kind: numbers without separators (they are mostly years, scores and
    ids), ISO dates as DD/MM/YYYY, yes/no in words."""
    if empty(value):
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_format(value)
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k) or k}: {plain(v)}" for k, v in value.items())
    if isinstance(value, str):
        return as_datetime(value) if "T" in value and as_datetime(value) else as_date(value) or value
    return str(value)


def value(name, raw, names=None):
    """raw, as recorded under key `name`, in words. names: a display._Names for references."""
    key = KEYS.get(name)
    if empty(raw):
        return EMPTY
    if key is None:
        return plain(raw)
    kind = key.kind
    if isinstance(raw, list) and kind not in (REFERENCE, PLAIN, TEXT):
        return ", ".join(value(name, v, names) for v in raw)
    if kind == COUNT and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return number_format(raw, force_grouping=True)
    if kind == PLAIN:
        return ", ".join(str(v) for v in raw) if isinstance(raw, list) else str(raw)
    if kind == DATE:
        return as_date(raw) or plain(raw)
    if kind == DATETIME:
        return as_datetime(raw) or plain(raw)
    if kind == BOOL:
        return yes_no(raw)
    if kind == FORMAT:
        return format_label(raw)
    if kind == CHOICE:
        found = choices(name)
        return str(found.get(raw, found.get(str(raw), plain(raw))))
    if kind == REFERENCE:
        values = raw if isinstance(raw, list) else [raw]
        return ", ".join(names.name(key.ref, v) if names is not None else plain(v) for v in values)
    if kind == NESTED and isinstance(raw, dict):
        return "; ".join(f"{label(k) or k}: {value(k, v, names)}" for k, v in raw.items() if not empty(v))
    return plain(raw)


def references(name, raw):
    """(model name, ids) a value refers to, top level or inside criteria and filters."""
    key = KEYS.get(name)
    if key is None or empty(raw):
        return
    if key.kind == REFERENCE:
        yield key.ref, raw
    elif key.kind == NESTED and isinstance(raw, dict):
        for k, v in raw.items():
            yield from references(k, v)
