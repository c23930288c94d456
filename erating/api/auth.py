"""Device-token authentication for kiosk tablets. The token is looked up by its SHA-256 hash;
a revoked device gets a structured 401 telling the kiosk to pair again."""
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from erating.base.models import Device
from erating.base.models.devices import hash_token
from erating.base.scoping import lookup_scope


class DeviceRevoked(HttpError):
    def __init__(self):
        super().__init__(401, "device_revoked")


def bearer_token(authorization):
    """The token of an `Authorization: Bearer <token>` header (read as ninja's HttpBearer reads
    it), or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token if scheme.lower() == "bearer" else None


class DeviceTokenAuth(HttpBearer):
    """On success returns the Device; request.auth is then the device. Views run their work in
    `agency_scope(device.agency_id)`. Raises DeviceRevoked for a revoked device; None means
    no or an unknown token (401)."""

    def __call__(self, request):
        # From META directly: request.headers would build a dict of every header first.
        token = bearer_token(request.META.get("HTTP_AUTHORIZATION"))
        return None if token is None else self.authenticate(request, token)

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        with lookup_scope():
            device = (Device.objects.select_related("agency", "premise", "target")
                      .filter(token_hash=hash_token(token)).first())
        if device is None:
            return None
        if device.revoked_at is not None or not device.agency.is_active:
            raise DeviceRevoked()
        request.device = device
        return device


device_auth = DeviceTokenAuth()


def touch(device, **fields):
    fields["last_seen"] = timezone.now()
    with lookup_scope():
        Device.objects.filter(pk=device.pk).update(**fields)
