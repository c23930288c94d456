import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Device(models.Model):
    """A paired kiosk tablet. Only the token's hash is stored."""

    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    premise = models.ForeignKey("base.Premise", on_delete=models.PROTECT, related_name="devices")
    target = models.ForeignKey("base.Target", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               help_text="When set, the kiosk rates only this counter or officer.")
    name = models.CharField(_("name"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    queued = models.PositiveIntegerField(default=0)
    # The queue length of the heartbeat before: a queue growing between heartbeats is an alert.
    queued_before = models.PositiveIntegerField(default=0, db_default=0)
    app_version = models.CharField(max_length=40, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or f"Device {self.pk}"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


class PairingCode(models.Model):
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+")
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("base.Target", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=12, unique=True)
    created_by = models.ForeignKey("base.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency", premise="premise")

    def __str__(self):
        return f"{self.code} ({self.premise_id})"
