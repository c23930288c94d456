"""Idempotent rating ingest, shared by the QR page and the kiosk API.

    ingest(items, *, channel, device=None, source="", flagged_check=True) -> [result, ...]
    (= finish(prepare(...), insert_new(rows)): prepare validates and counts burst flags,
    rating_writer.insert_new stores, finish answers per item)

Each item is a plain dict (the API's JSON item; the QR view builds the same shape):
id (client UUID), target (code), score, reasons (ids), comment, contact {name, phone, email,
consent}, officer (user id on duty), client_time (ISO 8601),
language (ms|en|zh|ta, the customer's; BM when absent). Each result is
{"id", "status": created|duplicate|rejected, "errors": {field: message}}.

Idempotency is enforced by the database, not by a read-then-write: the writer's
INSERT … ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING (PostgreSQL and
SQLite ≥ 3.35). Two concurrent submissions of one UUID to one agency therefore store one row;
the loser gets no row back and answers "duplicate". Keys are unique per agency, not globally.
"""
import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from erating.base.ingest import limits
from erating.base.ingest.cache import officer_ok, reason_ids, target_by_code, target_by_id
from erating.base.ingest.rating_form import COMMENT_MAX_LENGTH, scores_for
from erating.base.ingest.text import clean_text
from erating.base.ingest.writer import insert_new
from erating.base.models import Rating
from erating.base.models.bilingual import CITIZEN_LANGUAGES
from erating.base.privacy import mask_pii, normalise_phone

MAX_REASONS = 20
SKEW_LIMIT = 2_000_000_000  # fits the integer column whatever a broken tablet clock says


class Rejected(Exception):
    pass


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def parse_key(value):
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and len(value) <= 64:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    return None


def _resolve_target(item, device, errors):
    code = item.get("target")
    fixed = device.target_id if device is not None else None
    if code is not None and not isinstance(code, str):
        errors["target"] = _("Target must be a target code.")
        return None
    if fixed and (code is None or code == ""):
        info = target_by_id(fixed)
    elif code:
        info = target_by_code(clean_text(code)[:32], device.agency_id if device is not None else None)
    else:
        errors["target"] = _("This field is required.")
        return None
    if info is None or (device is not None and info.agency_id != device.agency_id):
        errors["target"] = _("Unknown target.")
        return None
    if fixed and info.id != fixed:
        errors["target"] = _("This tablet is fixed to another target.")
    elif not info.active:
        errors["target"] = _("This target no longer accepts ratings.")
    elif not info.agency_active:
        errors["target"] = _("This agency is not accepting ratings at the moment.")
    return info


def _score(item, info, errors):
    score = item.get("score")
    allowed = scores_for(info.form_size) if info else (1, 2, 3, 4, 5)
    if score is None:
        errors["score"] = _("Choose one of the smileys.")
    elif not _is_int(score) or score not in allowed:
        errors["score"] = _("Score must be one of %(scores)s.") % {"scores": ", ".join(map(str, allowed))}
    return score


def _reasons(item, info, score, errors):
    raw = item.get("reasons")
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_REASONS or not all(_is_int(r) for r in raw):
        errors["reasons"] = _("Reasons must be a list of reason ids.")
        return []
    if info is None:
        return []
    # Reasons are asked only after a low score; ticked boxes sent with a good score are dropped.
    if not _is_int(score) or score > info.reasons_max_score:
        return []
    known = reason_ids(info.agency_id)
    if any(r not in known for r in raw):
        errors["reasons"] = _("Unknown reason.")
        return []
    return sorted(set(raw))


def _contact(item, errors):
    raw = item.get("contact")
    if raw is None:
        return {"consent": False}
    if not isinstance(raw, dict):
        errors["contact"] = _("Contact must be an object.")
        return {"consent": False}
    out = {"consent": raw.get("consent", False)}
    if not isinstance(out["consent"], bool):
        errors["contact"] = _("Consent must be true or false.")
        return {"consent": False}
    for field, label, limit in (("name", _("Name"), 150), ("phone", _("Phone number"), 30),
                                ("email", _("E-mail"), 254)):
        value = raw.get(field) or ""
        if not isinstance(value, str):
            errors["contact"] = _("Contact details must be text.")
            return {"consent": False}
        value = clean_text(value).strip()
        if len(value) > limit:
            errors["contact"] = _("%(field)s is too long (at most %(limit)d characters).") % {
                "field": label, "limit": limit}
        out[field] = value
    if out.get("email"):
        try:
            validate_email(out["email"])
        except ValidationError:
            errors["contact"] = _("Enter a valid e-mail address.")
    return out


def _comment_and_contact(item, errors):
    comment = item.get("comment") or ""
    if not isinstance(comment, str):
        errors["comment"] = _("Comment must be text.")
        comment = ""
    comment = clean_text(comment).strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("Your comment is too long: at most %(limit)d characters (you wrote %(count)d).") % {
            "limit": COMMENT_MAX_LENGTH, "count": len(comment)}
    contact = _contact(item, errors)
    masked, found = mask_pii(comment)
    if not contact["consent"]:
        # Without consent no contact detail is kept at all, in the comment or elsewhere.
        return masked, {"consent": False, "name": "", "phone": "", "email": ""}
    if not contact.get("phone") and found["phone"]:
        contact["phone"] = normalise_phone(found["phone"][0])
    if not contact.get("phone") and not contact.get("email") and "contact" not in errors:
        errors["contact"] = _("Give a phone number or an e-mail address so that we can contact you.")
    return masked, contact


def _officer(item, info, errors):
    if info is None:
        return None
    if info.officer_id:  # an officer target credits that officer, whoever is on duty
        return info.officer_id
    officer = item.get("officer")
    if officer is None:
        return None
    if not _is_int(officer) or not officer_ok(officer, info.agency_id):
        errors["officer"] = _("Unknown officer.")
        return None
    return officer


def _client_time(item, now, errors):
    raw = item.get("client_time")
    if raw is None or raw == "":
        return None, None
    try:
        parsed = parse_datetime(raw) if isinstance(raw, str) and len(raw) <= 64 else None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        if parsed is not None:
            # Stored in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
            # (OverflowError at the calendar's edges is a parse error like any other.)
            parsed = parsed.astimezone(datetime.UTC)
            skew = int((parsed - now).total_seconds())
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        errors["client_time"] = _("Use an ISO 8601 date and time, e.g. 2026-01-31T09:30:00+08:00.")
        return None, None
    return parsed, max(-SKEW_LIMIT, min(SKEW_LIMIT, skew))


LANGUAGES = CITIZEN_LANGUAGES


def _language(item, errors):
    """The language the customer rated in (optional, BM when absent): replies are written in it."""
    language = item.get("language")
    if language is None or language == "":
        return "ms"
    if language not in LANGUAGES:
        errors["language"] = _("Language must be “ms”, “en”, “zh” or “ta”.")
        return "ms"
    return language


def validate(item, *, channel, device, now):
    """(row dict, errors dict, agency id) for one item; row is None when the item is rejected,
    the agency id None when not even the target is known."""
    errors = {}
    if not isinstance(item, dict):
        return None, {"rating": _("Each rating must be an object.")}, None
    info = _resolve_target(item, device, errors)
    score = _score(item, info, errors)
    reasons = _reasons(item, info, score, errors)
    comment, contact = _comment_and_contact(item, errors)
    officer = _officer(item, info, errors)
    client_time, skew = _client_time(item, now, errors)
    language = _language(item, errors)
    agency_id = info.agency_id if info is not None else None
    if errors:
        return None, errors, agency_id
    return {
        "agency": info.agency_id, "premise": info.premise_id, "target": info.id, "officer": officer,
        "score": score, "channel": channel, "reasons": reasons, "comment": comment,
        "contact_consent": contact["consent"], "contact_name": contact.get("name", ""),
        "contact_phone": contact.get("phone", ""), "contact_email": contact.get("email", ""),
        "created_at": now, "client_time": client_time, "clock_skew_seconds": skew,
        "device": device.pk if device is not None else None, "flagged": False, "source": "",
        "language": language,
    }, {}, agency_id


def ingest(items, *, channel, device=None, source="", flagged_check=True):
    batch = prepare(items, channel=channel, device=device, source=source, flagged_check=flagged_check)
    return finish(batch, insert_new(batch.rows))


class Prepared:
    """Validated rows ready for the writer, and the per-item results waiting for its answer."""
    __slots__ = ("results", "rows")

    def __init__(self, results, rows):
        self.results, self.rows = results, rows


def prepare(items, *, channel, device=None, source="", flagged_check=True):
    """Validate the items and count them for burst flags; nothing is written."""
    now = timezone.now()
    source = (source or (f"device:{device.pk}" if device is not None else ""))[:64]
    results, rows, seen = [], [], set()
    for item in items:
        raw_id = item.get("id") if isinstance(item, dict) else None
        key = parse_key(raw_id)
        shown_id = str(key) if key else (clean_text(raw_id)[:64] if isinstance(raw_id, str) else "")
        result = {"id": shown_id, "status": "rejected", "errors": {}}
        results.append(result)
        row, errors, agency_id = validate(item, channel=channel, device=device, now=now)
        if device is not None:
            agency_id = device.agency_id
        if key is None:
            errors["id"] = _("A UUID is required.")
        # The rating's identity: its key within its agency (None when either is unknown).
        result["key"] = (agency_id, key) if key is not None and agency_id is not None else None
        if errors:
            result["errors"] = errors
            continue
        if result["key"] in seen:
            result["status"] = "duplicate"
            continue
        seen.add(result["key"])
        row["idempotency_key"], row["source"] = key, source
        rows.append(row)
    if flagged_check:
        limits.flag_bursts(rows, device=device is not None)
    return Prepared(results, rows)


def finish(batch, created):
    """The per-item results, given the (agency, key) pairs the writer inserted."""
    results = batch.results
    _mark_seen_rejections(results)
    for result in results:
        key = result.pop("key", None)
        if result["status"] == "rejected" and not result["errors"]:
            result["status"] = "created" if key in created else "duplicate"
    return results


def _mark_seen_rejections(results):
    """A retry of an already stored rating is a duplicate even if it no longer validates (e.g.
    the target was deactivated meanwhile): the tablet may then drop it from its queue. Looked
    up by (agency, key), the unique index, never by the key alone."""
    keys = [r["key"] for r in results if r["errors"] and r.get("key")]
    if not keys:
        return
    from django.db.models import Q

    from erating.base.scoping import lookup_scope

    wanted = Q()
    for agency_id, key in keys:
        wanted |= Q(agency_id=agency_id, idempotency_key=key)
    with lookup_scope():
        stored = set(Rating.objects.filter(wanted).values_list("agency_id", "idempotency_key"))
    for result in results:
        if result["errors"] and result.get("key") in stored:
            result["status"], result["errors"] = "duplicate", {}
            result["key"] = None


def summarise(results):
    counts = {"created": 0, "duplicates": 0, "rejected": 0}
    names = {"created": "created", "duplicate": "duplicates", "rejected": "rejected"}
    for result in results:
        counts[names[result["status"]]] += 1
    return counts
