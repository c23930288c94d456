"""log_action: one call records who changed what. Used by views, API and commands alike."""
from erating.base.identity import client_ip
from erating.base.models import AuditEntry


def diff(before, after):
    """Field-level before/after for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def log_action(action, *, request=None, user=None, agency=None, obj=None, changes=None, ip=None):
    """ip: the client's address when there is no request at hand (resolved by the caller with
    identity.client_ip); otherwise it comes from the request."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if agency is None and obj is not None:
        agency = getattr(obj, "agency", None) if obj.__class__.__name__ != "Agency" else obj
    return AuditEntry.objects.create(
        agency=agency,
        user=user,
        user_label=(user.email if user else ""),
        action=action,
        object_type=obj.__class__.__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        ip=ip or client_ip(request) or None,
    )
