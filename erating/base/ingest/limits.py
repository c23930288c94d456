"""Abuse limits on rating capture, kept in Django's cache: Redis when REDIS_URL is set, so every
app server shares the counters; the per-process memory cache otherwise (limits then hold per
server). Counters are fixed windows: cheap (one or two cache calls) and good enough for abuse.

- repeat: one phone may rate one target once per RATING_REPEAT_WINDOW_SECONDS.
- per IP: at most RATING_IP_PER_MINUTE rating submissions a minute.
- burst: more than RATING_BURST_MAX ratings of one target from one source within
  RATING_BURST_WINDOW_SECONDS look scripted: they are stored but flagged, never dropped.
"""
import hashlib
import logging
import secrets

from django.conf import settings

from erating.base.identity import client_ip
from erating.base.ingest import counters
from erating.base.ingest.counters import cache as _cache

log = logging.getLogger(__name__)
PHONE_COOKIE = "erating_phone"
PHONE_COOKIE_AGE = 2 * 365 * 24 * 3600


def _setting(name):
    # The defaults live in settings.py, once (read on every call: tests override them).
    return int(getattr(settings, name))


def repeat_window():
    return _setting("RATING_REPEAT_WINDOW_SECONDS")


def _hash(*parts):
    return hashlib.sha256("|".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def new_phone_id():
    return secrets.token_urlsafe(18)


def phone_id(request):
    """Identity of one phone: its long-lived random cookie, else a hash of address + browser."""
    cookie = request.COOKIES.get(PHONE_COOKIE, "")
    if 16 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum():
        return "c:" + _hash(cookie)
    return "h:" + _hash(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])


def source_for(request):
    """The origin recorded on a QR rating (hashed address: no personal data is stored)."""
    return "ip:" + _hash(client_ip(request))[:24]


def window_counter(key, window):
    """Count one event in the key's current fixed window; -> the count so far (atomic on Redis),
    or 0 when the counter store cannot be reached (limits fail open: see _unavailable)."""
    try:
        return counters.add({key: 1}, window)[key]
    except counters.UNAVAILABLE:
        return _unavailable(0)


def _unavailable(answer):
    # Redis down must not turn citizens away or lose ratings: the limits let the request
    # through (as django-ratelimit's fail-open setting does) and say so in the log.
    log.warning("abuse-limit counters unavailable: limits not applied", exc_info=True)
    return answer


def ip_allowed(request):
    """Counts this submission against the address; False once over the per-minute limit."""
    return window_counter("rl:ip:" + _hash(client_ip(request)), 60) <= _setting("RATING_IP_PER_MINUTE")


def public_allowed(request, name):
    """Counts one public request that costs work without producing anything (an unknown QR code,
    the application form) against the address; False once over PUBLIC_PER_MINUTE in a minute."""
    return window_counter(f"rl:{name}:" + _hash(client_ip(request)), 60) <= _setting("PUBLIC_PER_MINUTE")


def claim_repeat(phone, target_id):
    """Reserve "this phone rated this target" for the window; False if already rated.
    Atomic (cache.add), so two simultaneous submissions cannot both pass. The value is the
    time of the claim, so the page can say how long is left (repeat_wait)."""
    try:
        return _cache().add(f"rl:rep:{phone}:{target_id}", int(counters.clock()), timeout=repeat_window())
    except counters.UNAVAILABLE:
        return _unavailable(True)


def repeat_wait(phone, target_id):
    """Seconds until this phone may rate this target again; 0 when it may now (or when the
    store cannot be reached: the limits fail open)."""
    try:
        claimed = _cache().get(f"rl:rep:{phone}:{target_id}")
    except counters.UNAVAILABLE:
        return _unavailable(0)
    if claimed is None:
        return 0
    window = repeat_window()
    if not isinstance(claimed, int) or claimed < 1_000_000:  # a claim stored without its time
        return window
    return max(0, min(window, claimed + window - int(counters.clock())))


def minutes(seconds):
    """Whole minutes, rounded up, at least one: what the page tells a customer to wait."""
    return max(1, -(-int(seconds) // 60))


def release_repeat(phone, target_id):
    """Undo a claim when the rating was not stored (e.g. a validation error), so the customer
    can correct the form and send it again."""
    try:
        _cache().delete(f"rl:rep:{phone}:{target_id}")
    except counters.UNAVAILABLE:
        _unavailable(None)


def flag_bursts(rows, device=False):
    """Count each row against its (source, target) and set row["flagged"] when that count in
    the window looks scripted. A kiosk rates one counter all day, so its threshold is far
    higher than a phone's. One counter call for the whole batch."""
    plan = _burst_plan(rows, device)
    if plan:
        _flag(rows, plan, _counted(plan))


def _burst_plan(rows, device):
    keys, deltas, hashed = [], {}, {}
    for row in rows:
        row["flagged"] = False
        source = row.get("source")
        if source and source not in hashed:
            hashed[source] = _hash(source)
        key = f"rl:burst:{hashed[source]}:{row['target']}" if source else None
        keys.append(key)
        if key:
            deltas[key] = deltas.get(key, 0) + 1
    if not deltas:
        return None
    window = _setting("RATING_BURST_WINDOW_SECONDS")
    limit = _setting("RATING_BURST_DEVICE_MAX") if device else _setting("RATING_BURST_MAX")
    return keys, deltas, window, limit


def _counted(plan):
    _keys, deltas, window, _limit = plan
    try:
        return counters.add(deltas, window)
    except counters.UNAVAILABLE:
        return _not_counted()


def _not_counted():
    # The flag is advice for dashboards; the rating itself must not wait for the counter store.
    log.warning("burst counters unavailable: ratings stored unflagged", exc_info=True)
    return None


def _flag(rows, plan, totals):
    if totals is None:
        return
    keys, deltas, _window, limit = plan
    seen = {}
    for row, key in zip(rows, keys):
        if key:
            # The count this row brought its key to: the batch's rows count in order.
            seen[key] = seen.get(key, 0) + 1
            row["flagged"] = totals[key] - deltas[key] + seen[key] > limit
