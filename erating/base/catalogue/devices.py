"""Kiosk tablets: pairing codes, device tokens, revocation, heartbeats and officer sign-on.

Shared by the back office (codes, revoke) and the kiosk API (pair, config, heartbeat, sign-on).
A device token is shown to the tablet exactly once; only its SHA-256 hash is stored.
"""
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from erating.base.auditlog.log import log_action
from erating.base.identity import account_key
from erating.base.ingest.text import clean_text
from erating.base.models import Device, PairingCode, Target, User
from erating.base.models.devices import hash_token
from erating.base.scoping import agency_scope, lookup_scope

# Bump with any change to the kiosk's JS/CSS: the service worker's cache is named after it.
KIOSK_APP_VERSION = "1.3.0"  # 1.3.0: 中文 and தமிழ் besides BM and EN; 1.2.1: ratings carry the language

# Typed on a tablet by hand: upper case, no look-alikes (0/O, 1/I/L), 8 characters ≈ 38 bits,
# single use and valid for a day, behind a per-address attempt limit.
PAIRING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAIRING_LENGTH = 8
PAIRING_HOURS = 24
PAIRING_ATTEMPTS = 20          # per address per window: guessing a live code is hopeless
SIGN_ON_ATTEMPTS = 5           # wrong PINs per device per window before sign-on locks
LIMIT_WINDOW = 15 * 60
KIOSK_TARGET_KINDS = (Target.COUNTER, Target.OFFICER)


class PairingError(Exception):
    MESSAGES = {
        "invalid": _("This pairing code is not valid. Check the code and try again."),
        "used": _("This pairing code has already been used. Ask your administrator for a new one."),
        "expired": _("This pairing code has expired. Ask your administrator for a new one."),
        "inactive": _("This premise or agency is not active."),
    }

    def __init__(self, code):
        self.code = code
        self.message = self.MESSAGES[code]  # lazy: rendered in the caller's language
        super().__init__(code)


TOO_MANY_PAIRING_ATTEMPTS = _("Too many pairing attempts. Wait 15 minutes and try again.")


class SignOnError(Exception):
    def __init__(self, code, message):
        self.code = code
        self.message = message
        super().__init__(code)


def normalise_code(raw):
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def new_pairing_code():
    return "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_LENGTH))


def create_pairing_code(premise, *, target=None, request=None, hours=PAIRING_HOURS):
    if target is not None and target.premise_id != premise.pk:
        raise ValueError("The target must belong to the premise.")
    pairing = PairingCode.objects.create(
        agency_id=premise.agency_id, premise=premise, target=target, code=new_pairing_code(),
        created_by=request.user if request is not None and request.user.is_authenticated else None,
        expires_at=timezone.now() + timedelta(hours=hours))
    log_action("create", request=request, obj=pairing,
               changes={"premise": [None, premise.name], "target": [None, target.name if target else None]})
    return pairing


def pairing_status(pairing, now=None):
    now = now or timezone.now()
    if pairing.used_at:
        return "used"
    return "expired" if pairing.expires_at <= now else "valid"


def cancel_pairing_code(pairing, *, request=None):
    if pairing_status(pairing) == "valid":
        PairingCode.objects.filter(pk=pairing.pk).update(expires_at=timezone.now())
        log_action("cancel", request=request, obj=pairing)


def pair(raw_code, *, name="", ip=None):
    """Exchange a pairing code for (device, token). The code is consumed by a conditional UPDATE,
    so two tablets racing with one code cannot both succeed."""
    code = normalise_code(raw_code)
    if not code or len(code) > 12:
        raise PairingError("invalid")
    with lookup_scope():
        pairing = PairingCode.objects.select_related("agency", "premise", "target").filter(code=code).first()
    if pairing is None:
        raise PairingError("invalid")
    now = timezone.now()
    status = pairing_status(pairing, now)
    if status != "valid":
        raise PairingError(status)
    if not pairing.agency.is_active or not pairing.premise.active:
        raise PairingError("inactive")
    token = Device.new_token()
    with agency_scope(pairing.agency_id), transaction.atomic():
        if PairingCode.objects.filter(pk=pairing.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise PairingError("used")
        label = clean_text(name or "").strip()[:100] or f"{pairing.premise.name} · {code[:4]}"
        device = Device.objects.create(agency_id=pairing.agency_id, premise=pairing.premise, target=pairing.target,
                                       name=label, token_hash=hash_token(token), last_seen=now,
                                       app_version=KIOSK_APP_VERSION)
        log_action("pair", agency=pairing.agency, obj=device, changes={"pairing_code": [None, pairing.pk],
                                                                       "ip": [None, ip]}, ip=ip)
    return device, token


def revoke(device, *, request=None):
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        log_action("revoke", request=request, obj=device, changes={"revoked_at": [None, device.revoked_at.isoformat()]})


def heartbeat(device, *, queued, app_version):
    with lookup_scope():
        Device.objects.filter(pk=device.pk).update(last_seen=timezone.now(), queued_before=F("queued"),
                                                   queued=max(0, min(queued, 10**6)),
                                                   app_version=clean_text(app_version or "")[:40])


def device_status(device, now=None):
    """'revoked', 'online' (heard from in the last 3 heartbeats), 'offline' or 'never'."""
    if device.revoked_at:
        return "revoked"
    if device.last_seen is None:
        return "never"
    return "online" if (now or timezone.now()) - device.last_seen <= timedelta(minutes=3) else "offline"


# -- rate limiting (cache-backed: shared across servers when REDIS_URL is set) ---------------
def _hit(key, limit):
    """Count one attempt; True when the limit is already exhausted."""
    cache.add(key, 0, LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LIMIT_WINDOW)
        count = 1
    return count > limit


def _pairing_key(ip):
    return f"kiosk:pair:{ip or 'unknown'}"


def pairing_limited(ip):
    """Only failed attempts count, so a busy site pairing many tablets is never locked out."""
    return (cache.get(_pairing_key(ip)) or 0) >= PAIRING_ATTEMPTS


def pairing_failed(ip):
    _hit(_pairing_key(ip), PAIRING_ATTEMPTS)


def sign_on(device, identifier, pin):
    """The officer (or supervisor) of the device's agency named by e-mail or full name, if the PIN
    matches. Wrong PINs are counted per device; after SIGN_ON_ATTEMPTS the kiosk must wait."""
    key = f"kiosk:signon:{device.pk}"
    if (cache.get(key) or 0) >= SIGN_ON_ATTEMPTS:
        raise SignOnError("locked", _("Too many wrong attempts. Wait 15 minutes and try again."))
    identifier = clean_text(identifier or "").strip()[:150]
    pin = clean_text(pin or "").strip()[:20]
    if not identifier or not pin:
        raise SignOnError("missing", _("Enter your name or e-mail and your PIN."))
    # Users have an unscoped manager for authentication; the agency filter is the tenant boundary.
    candidates = list(User.objects.filter(Q(email_key=account_key(identifier)) | Q(full_name__iexact=identifier),
                                          agency_id=device.agency_id, is_active=True,
                                          role__in=(User.OFFICER, User.SUPERVISOR))[:5])
    officer = next((u for u in candidates if u.check_kiosk_pin(pin)), None)
    if officer is None:
        _hit(key, SIGN_ON_ATTEMPTS)
        raise SignOnError("wrong", _("Name, e-mail or PIN not recognised."))
    cache.delete(key)
    return officer


# -- kiosk configuration -------------------------------------------------------------------
def kiosk_targets(device):
    """What the kiosk may rate: its fixed target, or the premise's active counters and officers."""
    if device.target_id:
        return [device.target] if device.target.active else []
    return list(Target.objects.filter(premise_id=device.premise_id, active=True, kind__in=KIOSK_TARGET_KINDS)
                .order_by("kind", "name"))


def _target_entry(target):
    with translation.override("ms"):
        name_ms = target.display_name
    with translation.override("en"):
        name_en = target.display_name
    return {"code": target.code, "kind": target.kind, "name": {"ms": name_ms, "en": name_en}}


def kiosk_config(device):
    """Everything the tablet needs to run offline, in every language a citizen may choose (one tap away)."""
    from erating.base.ingest import rating_form  # built alongside: the one definition of the rating form

    with agency_scope(device.agency_id):
        targets = kiosk_targets(device)
        forms = {}
        if targets:
            forms = rating_form.forms_for(targets[0])
        return {
            "device": {"id": device.pk, "name": device.name},
            "agency": {"ms": device.agency.name_ms, "en": device.agency.name_en or device.agency.name_ms},
            "logo": device.agency.logo.url if device.agency.logo else "",
            "premise": device.premise.name,
            "fixed": bool(device.target_id),
            "targets": [_target_entry(t) for t in targets],
            "form": forms,
            "app_version": KIOSK_APP_VERSION,
            "server_time": timezone.now().isoformat(),
        }
