"""Short-lived per-process cache of what ingest looks up for every rating: the target behind a
code, the agency's reason ids, whether a user is an active officer. A busy kiosk fleet sends the
same few codes all day, so this saves two or three queries per rating.

Entries live TTL seconds; any save/delete of the underlying models clears this process's cache
at once (other processes catch up within TTL, which bounds how long a deactivated target may
still be rated through the API)."""
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from erating.base.models import Agency, FollowUpReason, Target, User
from erating.base.scoping import lookup_scope

TTL = 30.0
log = logging.getLogger(__name__)
_entries = {}
MISSING = object()
_cached_only = ContextVar("ingest_cache_only", default=False)


class CacheMiss(Exception):
    """A lookup needs the database while only remembered answers may be used."""


GRACE = 10.0
_stale = ContextVar("ingest_cache_stale", default=None)
_refreshing = set()


@contextmanager
def cached_only():
    """Lookups inside answer from memory or raise CacheMiss, never query: the asynchronous
    rating route validates on its event loop this way and goes to a thread on a miss.
    An entry past its TTL still answers here, for at most GRACE seconds more, and is noted in the
    dict this yields with the function that reloads it, for the caller to run off the loop
    (refresh_later): otherwise every request arriving until one reload is done would miss
    together, go to threads together, and all wait (the latency tail of the route)."""
    stale = {}
    only, noted = _cached_only.set(True), _stale.set(stale)
    try:
        yield stale
    finally:
        _cached_only.reset(only)
        _stale.reset(noted)


def remembered(entries, key, reload, now):
    """entries[key]'s value (entries hold (expires, value)) or MISSING; past expiry see cached_only()."""
    hit = entries.get(key, MISSING)
    if hit is MISSING:
        return MISSING
    if hit[0] > now:
        return hit[1]
    stale = _stale.get()
    if stale is not None and hit[0] + GRACE > now:
        stale.setdefault(key, reload)
        return hit[1]
    return MISSING


def refresh_later(stale):
    """The reloads of `stale` that no other thread is running yet (marked as running)."""
    jobs = {key: reload for key, reload in stale.items() if key not in _refreshing}
    _refreshing.update(jobs)
    return jobs


def refresh(jobs):
    """Run reloads from refresh_later (in a thread: they query)."""
    for key, reload in jobs.items():
        try:
            reload()
        except Exception:  # the entry stays stale and expires after GRACE: the next miss reloads it
            log.exception("reloading %s failed", key)
        finally:
            _refreshing.discard(key)


def may_query():
    if _cached_only.get():
        raise CacheMiss()


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
    hit = remembered(_entries, key, lambda: _put(key, loader()), time.monotonic())
    if hit is not MISSING:
        return hit
    may_query()
    return _put(key, loader())


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
    if agency_id is not None:
        reload = lambda: _put(("agency", agency_id), _load_agency(agency_id))  # noqa: E731
    else:
        reload = lambda: _put(("code", code), _load_target(code=code))  # noqa: E731
    hit = remembered(_entries, ("code", code), reload, time.monotonic())
    if hit is not MISSING:
        return hit
    if agency_id is not None:
        _cached(("agency", agency_id), lambda: _load_agency(agency_id))
        hit = _entries.get(("code", code), MISSING)
        if hit is not MISSING and hit[0] > time.monotonic():
            return hit[1]
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
