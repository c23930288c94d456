from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erating.base.models.tenancy import Ministry, Premise


class AgencyApplication(models.Model):
    """An agency's online request to join eRating, queued for a system administrator.

    Not tenant data (the agency does not exist yet): only system administrators see the queue,
    which the views enforce by role."""

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUS_CHOICES = [(PENDING, _("Pending")), (APPROVED, _("Approved")), (REJECTED, _("Rejected"))]

    agency_name = models.CharField(_("agency name"), max_length=200)
    agency_name_en = models.CharField(_("agency name (EN)"), max_length=200, blank=True)
    ministry = models.ForeignKey(Ministry, on_delete=models.PROTECT, related_name="+", verbose_name=_("ministry"))
    premises_planned = models.PositiveIntegerField(_("number of premises planned"))
    medium = models.CharField(_("rating medium"), max_length=6, choices=Premise.MEDIUM_CHOICES,
                              default=Premise.QR)
    officer_name = models.CharField(_("officer in charge"), max_length=150)
    officer_email = models.EmailField(_("officer's e-mail"))
    officer_phone = models.CharField(_("officer's phone"), max_length=30)
    officer_position = models.CharField(_("officer's position"), max_length=150)
    consent = models.BooleanField(_("consent"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    agency = models.ForeignKey("base.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("agency created"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agency application")
        verbose_name_plural = _("agency applications")

    def __str__(self):
        return self.agency_name
