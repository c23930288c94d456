"""Abuse limits on rating capture, kept in Django's cache: Redis when REDIS_URL is set, so every
app server shares the counters; the per-process memory cache otherwise (limits then hold per
server). Counters are fixed windows: cheap (one or two cache calls) and good enough for abuse.

- repeat: one phone may rate one target once per RATING_REPEAT_WINDOW_SECONDS.
- per IP: at most RATING_IP_PER_MINUTE rating submissions a minute.
- burst: more than RATING_BURST_MAX ratings of one target from one source within
  RATING_BURST_WINDOW_SECONDS look scripted: they are stored but flagged, never dropped.
"""
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

PHONE_COOKIE = "erating_phone"
PHONE_COOKIE_AGE = 2 * 365 * 24 * 3600


_shared = None


def _cache():
    """One client of the default cache per process. django.core.cache.cache is one per thread,
    and on an event loop one per request: a new client (for Redis, a new connection pool) for
    every rating. LocMemCache and Redis clients are thread-safe, so one is enough."""
    global _shared
    if _shared is None:
        _shared = caches.create_connection(DEFAULT_CACHE_ALIAS)
    return _shared


@receiver(setting_changed)
def _forget_cache(setting, **_kwargs):
    global _shared
    if setting == "CACHES":
        _shared = None


def _setting(name, default):
    return int(getattr(settings, name, default))


def repeat_window():
    return _setting("RATING_REPEAT_WINDOW_SECONDS", 300)


def _hash(*parts):
    return hashlib.sha256("|".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def client_ip(request):
    # Behind PROXY_COUNT trusted proxies the client is that many hops from the right.
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


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
    """Increment a fixed-window counter and return its new value (atomic on Redis). Increments
    first: the key usually exists, and then that is the only cache call."""
    full_key = f"{key}:{int(time.time() // window)}"
    try:
        return _cache().incr(full_key)
    except ValueError:  # first count in this window (or the key just expired)
        if _cache().add(full_key, 1, timeout=window + 5):
            return 1
        return _cache().incr(full_key)  # another request created it meanwhile


def ip_allowed(request):
    """Counts this submission against the address; False once over the per-minute limit."""
    return window_counter("rl:ip:" + _hash(client_ip(request)), 60) <= _setting("RATING_IP_PER_MINUTE", 30)


def claim_repeat(phone, target_id):
    """Reserve "this phone rated this target" for the window; False if already rated.
    Atomic (cache.add), so two simultaneous submissions cannot both pass."""
    return _cache().add(f"rl:rep:{phone}:{target_id}", 1, timeout=repeat_window())


def release_repeat(phone, target_id):
    """Undo a claim when the rating was not stored (e.g. a validation error), so the customer
    can correct the form and send it again."""
    _cache().delete(f"rl:rep:{phone}:{target_id}")


def is_burst(target_id, source, device=False):
    """Count a rating of target from source; True when the count in the window looks scripted.
    A kiosk rates one counter all day, so its threshold is far higher than a phone's."""
    if not source:
        return False
    window = _setting("RATING_BURST_WINDOW_SECONDS", 600)
    limit = _setting("RATING_BURST_DEVICE_MAX", 120) if device else _setting("RATING_BURST_MAX", 10)
    return window_counter(f"rl:burst:{_hash(source)}:{target_id}", window) > limit
