from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Rating(models.Model):
    """One customer's answer. Never deleted through the UI; premise and agency are copied from
    the target at capture so dashboards filter without joins."""

    TABLET, QR = "tablet", "qr"
    CHANNEL_CHOICES = [(TABLET, _("Tablet")), (QR, _("QR code"))]

    # FK indexes are left to the composite (x, created_at) indexes below, which cover them.
    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.PROTECT, related_name="+", db_index=False)
    target = models.ForeignKey("base.Target", on_delete=models.PROTECT, related_name="ratings", db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", db_index=False, help_text="The officer credited: the target itself or who was on duty.")
    score = models.PositiveSmallIntegerField(_("score"))
    channel = models.CharField(_("channel"), max_length=6, choices=CHANNEL_CHOICES)
    reasons = models.JSONField(_("follow-up reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    contact_consent = models.BooleanField(_("consented to contact"), default=False)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    client_time = models.DateTimeField(null=True, blank=True)
    clock_skew_seconds = models.IntegerField(null=True, blank=True)
    # Unique per agency (constraint below), so the table can be distributed by agency.
    idempotency_key = models.UUIDField()
    device = models.ForeignKey("base.Device", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    flagged = models.BooleanField(_("suspected abuse"), default=False)
    source = models.CharField(max_length=64, blank=True, help_text="Hashed origin, for abuse detection.")
    # The language the customer rated in: a follow-up reply is written in it. The database
    # default keeps raw bulk inserts (demo data) that do not name the column valid.
    language = models.CharField(_("language"), max_length=2, default="ms", db_default="ms",
                                choices=[("ms", _("Malay")), ("en", _("English")), ("zh", _("Chinese")),
                                         ("ta", _("Tamil"))])

    objects = ScopedManager(agency="agency", premise="premise", officer="officer")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["agency", "created_at"]),
            models.Index(fields=["premise", "created_at"]),
            models.Index(fields=["target", "created_at"]),
            models.Index(fields=["officer", "created_at"]),
            # By time alone: the national view's latest comments, a system administrator's exports.
            models.Index(fields=["created_at"], name="rating_created_at"),
            # Comments only (about one rating in ten): the latest comments and the rising phrases
            # read a few thousand of them without stepping over the ratings that have none.
            models.Index(fields=["agency", "created_at"], condition=~models.Q(comment=""),
                         name="rating_commented_agency"),
            models.Index(fields=["created_at"], condition=~models.Q(comment=""), name="rating_commented"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"),
            # The writer's ON CONFLICT (agency_id, idempotency_key) names exactly these columns.
            models.UniqueConstraint(fields=["agency", "idempotency_key"], name="rating_key_unique_per_agency"),
        ]

    def __str__(self):
        return f"{self.score} @ {self.target_id}"

    def save(self, *args, **kwargs):
        """An ORM-created rating (tests, the shell, future admin tools) is queued for the analysis
        aggregates in its own transaction, like the writer's. Counted fields never change after
        capture; if they ever must, run `manage.py rebuild_aggregates` for the period."""
        if not self._state.adding:
            return super().save(*args, **kwargs)
        from erating.base.models.analysis import PendingRating

        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            PendingRating.objects.create(rating_id=self.pk)
