from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from erating.base import uploads


class ReportSettings(models.Model):
    """Per-agency report settings: the client charter's satisfaction promise."""

    agency = models.OneToOneField("base.Agency", on_delete=models.CASCADE, related_name="report_settings")
    charter_promise = models.PositiveSmallIntegerField(
        _("client charter promise (percentage satisfied)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)])

    objects = ScopedManager(agency="agency")

    def __str__(self):
        return f"{self.agency_id}: {self.charter_promise} %"


class ReportFile(models.Model):
    """A report produced in the background, kept for its owner in "my reports" until it expires."""

    PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
    STATUS_CHOICES = [(PENDING, _("Waiting")), (RUNNING, _("Running")), (DONE, _("Ready")), (FAILED, _("Failed"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_files")
    report = models.CharField(max_length=30)
    fmt = models.CharField(max_length=4)
    language = models.CharField(max_length=5, default="ms")
    query = models.JSONField(default=dict, help_text="The criteria and options as submitted.")
    view_as_agency = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default=PENDING)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_done = models.PositiveBigIntegerField(default=0)
    # Private storage under a random name: never under MEDIA_ROOT, only through the download views.
    file = models.FileField(upload_to=uploads.private_report_path, storage=uploads.private_storage, blank=True,
                            max_length=200)
    filename = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self):
        return self.filename or f"{self.report}.{self.fmt}"

    @property
    def progress(self):
        if self.status == self.DONE:
            return 100
        return min(99, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class ReportSchedule(models.Model):
    """A report e-mailed weekly or monthly for the period just ended, built with its owner's
    scope as it is at run time; paused after repeated failures and its owner told."""

    WEEKLY, MONTHLY = "weekly", "monthly"
    FREQUENCY_CHOICES = [(WEEKLY, _("Weekly (last week, Monday to Sunday)")),
                         (MONTHLY, _("Monthly (last month)"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_schedules")
    name = models.CharField(_("name"), max_length=120)
    report = models.CharField(_("report"), max_length=30)
    fmt = models.CharField(_("format"), max_length=4, default="pdf")
    language = models.CharField(_("language"), max_length=5, default="ms")
    query = models.JSONField(default=dict, blank=True, help_text="Filters; the period is set at each run.")
    frequency = models.CharField(_("frequency"), max_length=8, choices=FREQUENCY_CHOICES, default=MONTHLY)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients"))
    active = models.BooleanField(_("active"), default=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_period_end = models.DateField(null=True, blank=True, help_text="End of the last period sent.")
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """A named, revocable read-only token an agency administrator issues for the agency's own
    systems (report API). Only the token's hash is stored; it is shown once, when issued."""

    PREFIX = "ert_"

    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class ScheduleSend(models.Model):
    """One send of a schedule (on time, or "send now" to its owner): when, to whom, how large,
    delivered or failed and why; listed on the schedule's page."""

    DELIVERED, FAILED = "delivered", "failed"
    STATUS_CHOICES = [(DELIVERED, _("Delivered")), (FAILED, _("Failed"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="sends")
    sent_at = models.DateTimeField()
    period_start = models.DateField()
    period_end = models.DateField()
    recipients = models.JSONField(default=list, help_text="E-mail addresses sent to.")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes of the file.")
    attached = models.BooleanField(default=True, help_text="Attached, or linked because too large.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    error = models.TextField(blank=True)
    manual = models.BooleanField(default=False, help_text='"Send now to me", not the schedule\'s own run.')

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.schedule_id} {self.sent_at:%Y-%m-%d %H:%M} {self.status}"
