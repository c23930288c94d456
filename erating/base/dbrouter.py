"""Reads where they belong: the Analysis dashboard, reports and the public results read from the
streaming replica while it is fresh; everything else uses the primary.

Active only when DATABASE_REPLICA_URL is set (settings.REPLICA_READS, README "Configuration");
without it every query goes to "default", as before.

A request reads from the replica only when all of these hold:
- its view is listed in settings.REPLICA_READ_VIEWS (ReplicaReadsMiddleware decides per view);
- the session did not write in the last REPLICA_PIN_SECONDS (a cookie the middleware sets after
  any unsafe request or any write): a user who just saved something sees it;
- the request itself has not written (db_for_write pins the rest of it to the primary), is not
  inside a transaction on the primary (folding the aggregates reads and writes there), and the
  model is not write-side state (the folder's queue);
- the replica's replay lag, measured on the replica (never assumed) and remembered per process
  for REPLICA_LAG_CACHE_SECONDS, is at most REPLICA_MAX_LAG_SECONDS. A replica that cannot be
  reached counts as infinitely late.
If the replica fails in the middle of such a request, the view is run once more on the primary.
"""
import contextvars
import fnmatch
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
PIN_COOKIE = "erating_primary"
PRIMARY_ONLY = {"base.pendingrating"}  # write-side state: the folder's queue

# On the replica: None when it does not stream from a primary (its data then ages unseen),
# else seconds behind. Nothing waiting to be replayed means nothing is behind, however long ago
# the last transaction was replayed (an idle primary is not lag).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE GREATEST(0, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0))
END"""


class ReadState:
    """What one request may do and did: read from the replica, wrote, the lag it saw."""
    __slots__ = ("wants_replica", "wrote", "used_replica", "lag")

    def __init__(self):
        self.wants_replica = self.wrote = self.used_replica = False
        self.lag = None


_state = contextvars.ContextVar("erating_read_state", default=None)


def enabled():
    return settings.REPLICA_READS and REPLICA_ALIAS in settings.DATABASES


def probe(alias=REPLICA_ALIAS):
    """The replica's replay lag in seconds, measured now; None if it is down or not streaming."""
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            if conn.vendor != "postgresql":
                return 0.0  # tests: an alias of the same database
            return measure(cursor)
    except DatabaseError:
        log.warning("replica %s unreachable: reads go to the primary", alias)
        _close(alias)
        return None


def measure(cursor):
    """LAG_SQL on a cursor of the replica -> seconds behind, or None when it does not stream."""
    cursor.execute(LAG_SQL)
    value = cursor.fetchone()[0]
    return None if value is None else float(value)


_lag_lock = threading.Lock()
_lag_cache = [0.0, None]  # [valid until (monotonic), lag]


def lag():
    """The replica's lag, measured at most once per REPLICA_LAG_CACHE_SECONDS per process."""
    now = time.monotonic()
    until, value = _lag_cache
    if now < until:
        return value
    with _lag_lock:
        if time.monotonic() >= _lag_cache[0]:
            value = probe()
            _lag_cache[:] = [time.monotonic() + settings.REPLICA_LAG_CACHE_SECONDS, value]
        return _lag_cache[1]


def mark_down():
    """The replica failed under a request: count it as down until the next measurement."""
    _lag_cache[:] = [time.monotonic() + settings.REPLICA_LAG_CACHE_SECONDS, None]
    _close(REPLICA_ALIAS)


def forget_lag():
    _lag_cache[:] = [0.0, None]


def _close(alias):
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def fresh_enough(value):
    return value is not None and value <= settings.REPLICA_MAX_LAG_SECONDS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.wants_replica or state.wrote:
            return None
        if model._meta.label_lower in PRIMARY_ONLY or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if state.lag is None:
            state.lag = lag()
            if state.lag is None:
                state.lag = float("inf")
        if not fresh_enough(state.lag):
            return None
        state.used_replica = True
        return REPLICA_ALIAS

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.wrote = True  # read-your-writes: the rest of this request reads the primary
        return None

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA_ALIAS else None


def wants_replica(view_name):
    return bool(view_name) and any(fnmatch.fnmatchcase(view_name, p) for p in settings.REPLICA_READ_VIEWS)


class ReplicaReadsMiddleware:
    """Gives each request its ReadState, turns replica reads on for the listed views, retries a
    view on the primary when the replica fails under it, pins a session that wrote to the
    primary for REPLICA_PIN_SECONDS, and says where the figures came from (X-Read-From)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        state = ReadState()
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote or request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(PIN_COOKIE, "1", max_age=int(settings.REPLICA_PIN_SECONDS + 0.999),
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        response["X-Read-From"] = "replica" if state.used_replica else "primary"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        if state is None or request.method not in ("GET", "HEAD") or PIN_COOKIE in request.COOKIES:
            return None
        match = getattr(request, "resolver_match", None)
        state.wants_replica = wants_replica(match.view_name if match else "")
        if state.wants_replica:
            request._replica_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        state = _state.get()
        again = getattr(request, "_replica_view", None)
        if state is None or not state.used_replica or again is None:
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.warning("replica failed under %s; answering from the primary", request.path, exc_info=exception)
        mark_down()
        state.wants_replica = state.used_replica = False
        request._replica_view = None
        view_func, view_args, view_kwargs = again
        return view_func(request, *view_args, **view_kwargs)


def freshness(request):
    """Template context: how far behind the figures on this page are, when read from a replica
    more than a second behind (templates show it as "figures as of ...")."""
    state = _state.get()
    if state is None or not state.used_replica or state.lag is None or state.lag <= 1:
        return {}
    from datetime import timedelta

    from django.utils import timezone

    return {"replica_lag": {"seconds": round(state.lag), "as_of": timezone.localtime() - timedelta(seconds=state.lag)}}
