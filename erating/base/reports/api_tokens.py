"""Read-only API tokens for an agency's own systems: issued (shown once), looked up by hash,
revoked; issuing and revoking are audited."""
import hashlib
import secrets
from types import SimpleNamespace

from django.utils import timezone

from erating.base.auditlog.log import log_action
from erating.base.models import ApiToken, User
from erating.base.scoping import lookup_scope


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue(agency, name, *, request=None, user=None):
    """-> (ApiToken, the token in clear, to show once)."""
    token = ApiToken.PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(agency=agency, name=name, token_hash=hash_token(token),
                                     created_by=user or getattr(request, "user", None))
    log_action("api_token.issue", request=request, user=user, agency=agency, obj=record,
               changes={"name": [None, name]})
    return record, token


def revoke(record, *, request=None, user=None):
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    log_action("api_token.revoke", request=request, user=user, agency=record.agency, obj=record,
               changes={"revoked": [False, True]})


def authenticate(token):
    """The live ApiToken for a clear token, or None (unknown, revoked, or agency suspended)."""
    if not token or not token.startswith(ApiToken.PREFIX) or len(token) > 200:
        return None
    with lookup_scope():
        record = ApiToken.objects.select_related("agency").filter(token_hash=hash_token(token),
                                                                  revoked_at__isnull=True).first()
        if record is None or not record.agency.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record


def reader(record):
    """Who the report code sees behind a token: the agency, read-only, at administrator level."""
    return SimpleNamespace(pk=None, id=None, role=User.AGENCY_ADMIN, agency_id=record.agency_id, language="ms",
                           full_name=f"API: {record.name}", email=f"token {record.pk}", is_system_admin=False,
                           is_authenticated=False)


def dims(record):
    return {"agency": record.agency_id, "premise": None, "officer": None}
