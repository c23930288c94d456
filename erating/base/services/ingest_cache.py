"""Short-lived per-process cache of what ingest looks up for every rating: the target behind a
code, the agency's reason ids, whether a user is an active officer. A busy kiosk fleet sends the
same few codes all day, so this saves two or three queries per rating.

Entries live TTL seconds; any save/delete of the underlying models clears this process's cache
at once (other processes catch up within TTL, which bounds how long a deactivated target may
still be rated through the API)."""
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from erating.base.models import Agency, FollowUpReason, Target, User
from erating.base.scoping import lookup_scope

TTL = 10.0
_entries = {}
_MISSING = object()


@dataclass(frozen=True)
class TargetInfo:
    id: int
    code: str
    agency_id: int
    premise_id: int
    officer_id: int | None
    kind: str
    active: bool
    agency_active: bool
    form_size: int
    reasons_max_score: int


def _cached(key, loader):
    now = time.monotonic()
    hit = _entries.get(key, _MISSING)
    if hit is not _MISSING and hit[0] > now:
        return hit[1]
    value = loader()
    if len(_entries) > 50_000:  # a flood of random codes must not grow memory without bound
        _entries.clear()
    _entries[key] = (now + TTL, value)
    return value


def clear(**_kwargs):
    _entries.clear()


def _load_target(**filters):
    with lookup_scope():
        t = Target.objects.select_related("agency").filter(**filters).first()
    if t is None:
        return None
    return TargetInfo(t.id, t.code, t.agency_id, t.premise_id, t.officer_id, t.kind, t.active, t.agency.is_active,
                      t.agency.form_size, t.agency.reasons_max_score)


def target_by_code(code):
    return _cached(("code", code), lambda: _load_target(code=code))


def target_by_id(target_id):
    return _cached(("target", target_id), lambda: _load_target(pk=target_id))


def reason_ids(agency_id):
    def load():
        with lookup_scope():
            return frozenset(FollowUpReason.objects.filter(agency_id=agency_id, active=True)
                             .values_list("id", flat=True))
    return _cached(("reasons", agency_id), load)


def officer_ok(user_id, agency_id):
    """An officer credited on duty must be an active officer (or supervisor) of the agency."""
    def load():
        return User.objects.filter(pk=user_id, agency_id=agency_id, is_active=True,
                                   role__in=[User.OFFICER, User.SUPERVISOR]).exists()
    if not 0 < user_id < 2**62:
        return False
    return _cached(("officer", user_id, agency_id), load)


for _model in (Agency, Target, FollowUpReason, User):
    post_save.connect(clear, sender=_model, dispatch_uid=f"ingest_cache_{_model.__name__}")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"ingest_cache_del_{_model.__name__}")
