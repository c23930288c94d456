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

TTL = 30.0
_entries = {}  # key -> (expires on time.monotonic(), value)
MISSING = object()


def _get(key):
    hit = _entries.get(key, MISSING)
    return hit[1] if hit is not MISSING and hit[0] > time.monotonic() else MISSING


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
    hit = _get(key)
    return hit if hit is not MISSING else _put(key, loader())


def _put(key, value):
    if len(_entries) > 50_000:  # a flood of random codes must not grow memory without bound
        _entries.clear()
    _entries[key] = (time.monotonic() + TTL, value)
    return value


def clear(**_kwargs):
    _entries.clear()


INFO_FIELDS = ["id", "code", "agency_id", "premise_id", "officer_id", "kind", "active", "agency__status",
               "agency__form_size", "agency__reasons_max_score"]


def _info(row):
    row = list(row)
    row[7] = row[7] == Agency.ACTIVE
    return TargetInfo(*row)


def _load_target(**filters):
    with lookup_scope():
        rows = list(Target.objects.filter(**filters).order_by().values_list(*INFO_FIELDS)[:1])
    return _info(rows[0]) if rows else None


def _load_agency(agency_id):
    """Every target of an agency in one query: a kiosk fleet rates many targets of its own agency,
    and one query per TTL beats one per new code."""
    with lookup_scope():
        infos = [_info(row) for row in Target.objects.filter(agency_id=agency_id).order_by()
                 .values_list(*INFO_FIELDS)]
    expires = time.monotonic() + TTL
    for info in infos:
        _entries[("code", info.code)] = (expires, info)
    return True


def target_by_code(code, agency_id=None):
    """The target behind a code. With agency_id (a device's agency) a miss first loads the
    agency's whole target list (once per TTL)."""
    hit = _get(("code", code))
    if hit is not MISSING:
        return hit
    if agency_id is not None:
        _cached(("agency", agency_id), lambda: _load_agency(agency_id))
        hit = _get(("code", code))
        if hit is not MISSING:
            return hit
    # Unknown codes are remembered too (as None), so a flood of bad codes costs one query each per TTL.
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
