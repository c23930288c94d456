"""Premises and rating targets: create, update, (de)activate, each recorded in the audit log.

Nothing here deletes: a deactivated premise or target keeps its ratings and simply can no
longer be rated (the rating entry points check `active`)."""
from django.db import transaction

from erating.base.auditlog.log import diff, log_action
from erating.base.models import Premise, Target

PREMISE_FIELDS = ("code", "name", "state", "address", "medium", "active")
TARGET_FIELDS = ("premise_id", "kind", "name", "name_en", "active")
EDITABLE_KINDS = (Target.COUNTER, Target.SERVICE, Target.FACILITY)


def snapshot(obj, fields):
    """A JSON-safe picture of the audited fields, for before/after diffs."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
    return out


def _fields_for(obj):
    return PREMISE_FIELDS if isinstance(obj, Premise) else TARGET_FIELDS


@transaction.atomic
def create(obj, *, request=None, user=None):
    """Save a new premise or target and log it (before is empty, after is the new state)."""
    obj.save()
    log_action(f"{obj.__class__.__name__.lower()}.create", request=request, user=user, obj=obj,
               changes=diff({}, snapshot(obj, _fields_for(obj))))
    return obj


@transaction.atomic
def update(obj, before, *, request=None, user=None):
    """Save an edited object; `before` is snapshot() taken before the form touched it."""
    obj.save()
    changes = diff(before, snapshot(obj, _fields_for(obj)))
    if changes:
        log_action(f"{obj.__class__.__name__.lower()}.update", request=request, user=user, obj=obj, changes=changes)
    return obj


@transaction.atomic
def set_active(obj, active, *, request=None, user=None):
    """Activate or deactivate; a no-op (and no log line) when nothing changes."""
    if obj.active == active:
        return False
    before = snapshot(obj, _fields_for(obj))
    obj.active = active
    obj.save(update_fields=["active"])
    action = "activate" if active else "deactivate"
    log_action(f"{obj.__class__.__name__.lower()}.{action}", request=request, user=user, obj=obj,
               changes=diff(before, snapshot(obj, _fields_for(obj))))
    return True
