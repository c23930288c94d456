"""Changes to an agency's rating form (settings, captions, follow-up reasons, logo), each saved
and audit-logged with its before/after in one transaction. The back-office views validate the
input with their forms and call these; anything else that changes the form must too."""
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from erating.base.auditlog.log import diff, log_action
from erating.base.catalogue.targets import snapshot
from erating.base.models import FollowUpReason, ScoreCaption

REASON_FIELDS = ("text_ms", "text_en", "text_zh", "text_ta", "position", "active")
CAPTION_FIELDS = ("caption_ms", "caption_en", "caption_zh", "caption_ta")
REASON_ACTIONS = ("save", "activate", "deactivate", "up", "down")


def _stored(obj):
    """The row as the database has it: validating a ModelForm already changed the instance."""
    return type(obj)._default_manager.get(pk=obj.pk)


@transaction.atomic
def save_settings(agency, form, *, request=None):
    """form: a valid ModelForm of the agency's form settings. -> the changes audited."""
    fields = form.Meta.fields
    before = snapshot(_stored(agency), fields)
    form.save()
    changes = diff(before, snapshot(agency, fields))
    if changes:
        log_action("agency.form_settings", request=request, obj=agency, changes=changes)
        if "public_results_named" in changes:
            from erating.base.portal_content import figures

            figures.forget()  # the public results stop (or start) naming the agency at once
    return changes


@transaction.atomic
def save_captions(agency, captions, *, request=None):
    """captions: {score: (BM, EN, 中文, தமிழ்)} for scores 1..5 (Chinese and Tamil may be blank, or
    left out: then they are kept). -> the changes audited."""
    current = {c.score: c for c in ScoreCaption.objects.filter(agency=agency)}
    changes = {}
    for score in range(1, 6):
        old = tuple(getattr(current[score], f) for f in CAPTION_FIELDS) if score in current else (None,) * 4
        given = tuple(captions[score])
        new = given + tuple(old[len(given):] if score in current else ("",) * (4 - len(given)))
        if new != old:
            ScoreCaption.objects.update_or_create(agency=agency, score=score, defaults=dict(zip(CAPTION_FIELDS, new)))
            changes[f"caption_{score}"] = [list(old), list(new)]
    if changes:
        log_action("agency.captions", request=request, obj=agency, changes=changes)
    return changes


def reason_state(reason):
    return snapshot(reason, REASON_FIELDS)


@transaction.atomic
def add_reason(agency, reason, *, request=None):
    """reason: an unsaved FollowUpReason (from a valid form); it goes to the end of the list."""
    top = FollowUpReason.objects.filter(agency=agency).aggregate(m=Max("position"))["m"]
    reason.agency, reason.position = agency, (top or 0) + 1
    reason.save()
    log_action("reason.create", request=request, obj=reason, changes=diff({}, reason_state(reason)))
    return reason


@transaction.atomic
def change_reason(agency, reason, action, *, form=None, request=None):
    """action: save (with a valid `form` of the reason), activate, deactivate, up or down.
    -> the changes audited."""
    if action not in REASON_ACTIONS:
        raise ValueError(action)
    before = reason_state(_stored(reason))
    if action == "save":
        form.save()
    elif action in ("activate", "deactivate"):
        reason.active = action == "activate"
        reason.save(update_fields=["active"])
    else:
        _move(agency, reason, -1 if action == "up" else 1)
    reason.refresh_from_db()
    changes = diff(before, reason_state(reason))
    if changes:
        log_action(f"reason.{action}", request=request, obj=reason, changes=changes)
    return changes


def _move(agency, reason, step):
    """Renumber 0..n in the current order, then swap with the neighbour."""
    ordered = list(FollowUpReason.objects.filter(agency=agency).order_by("position", "id"))
    i = ordered.index(reason)
    j = i + step
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def save_logo(agency, logo=None, *, request=None):
    """logo: {"data": bytes, "ext": "png"|...} from a valid LogoForm, or None to remove it."""
    before = agency.logo.name or None
    if logo is None:
        agency.logo = ""
    else:
        name = f"{agency.code}-{secrets.token_hex(6)}.{logo['ext']}"
        agency.logo.save(name, ContentFile(logo["data"]), save=False)
    agency.save(update_fields=["logo"])
    log_action("agency.logo", request=request, obj=agency, changes={"logo": [before, agency.logo.name or None]})
