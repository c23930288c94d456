"""Follow-up of low ratings (cases) and real-time alerts (rules, alerts, comments)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Case(models.Model):
    """A low rating being worked: acknowledged, answered and closed within the agency's deadlines."""

    NEW, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, CLOSED = "new", "acknowledged", "in_progress", "resolved", "closed"
    STATUS_CHOICES = [(NEW, _("New")), (ACKNOWLEDGED, _("Acknowledged")), (IN_PROGRESS, _("In progress")),
                      (RESOLVED, _("Resolved")), (CLOSED, _("Closed"))]
    OPEN_STATUSES = (NEW, ACKNOWLEDGED, IN_PROGRESS)

    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    premise = models.ForeignKey("base.Premise", on_delete=models.PROTECT, related_name="+")
    rating = models.OneToOneField("base.Rating", on_delete=models.PROTECT, related_name="case")
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=NEW, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assigned to"))
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", help_text="Empty when opened automatically.")
    ack_due = models.DateTimeField(_("acknowledge by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    contact_erased_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        indexes = [models.Index(fields=["agency", "status", "resolve_due"])]

    def __str__(self):
        return f"#{self.pk}"


class CaseEvent(models.Model):
    """One step of a case: status change, assignment, note, reply e-mail, phone call, erasure."""

    OPENED, STATUS, ASSIGNED, NOTE, EMAIL, CALL, ERASED = "opened", "status", "assigned", "note", "email", "call", \
        "erased"
    KIND_CHOICES = [(OPENED, _("Opened")), (STATUS, _("Status changed")), (ASSIGNED, _("Assigned")),
                    (NOTE, _("Internal note")), (EMAIL, _("Reply by e-mail")), (CALL, _("Phone call")),
                    (ERASED, _("Contact details erased"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return str(self.get_kind_display())


class AlertRule(models.Model):
    LOW_SHARE, CSAT_DAY, DROP, KIOSK = "low_share", "csat_day", "drop", "kiosk"
    KIND_CHOICES = [(LOW_SHARE, _("Many low ratings in a short window")),
                    (CSAT_DAY, _("Satisfaction index low over a day")),
                    (DROP, _("Sudden drop against the usual level")),
                    (KIOSK, _("Tablet silent or queue growing"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("rule"), max_length=10, choices=KIND_CHOICES)
    active = models.BooleanField(_("active"), default=True)
    # Meaning by kind: low_share: % low, csat_day: CSAT %, drop: points below the usual CSAT,
    # kiosk: minutes of silence within opening hours.
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    window_minutes = models.PositiveIntegerField(_("window (minutes)"), default=15)
    min_ratings = models.PositiveSmallIntegerField(_("at least this many ratings"), default=4)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="alert_rule_one_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class Alert(models.Model):
    OPEN, ACKNOWLEDGED, CLOSED = "open", "acknowledged", "closed"
    STATUS_CHOICES = [(OPEN, _("Open")), (ACKNOWLEDGED, _("Acknowledged")), (CLOSED, _("Closed"))]

    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    premise = models.ForeignKey("base.Premise", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey("base.Target", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    device = models.ForeignKey("base.Device", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    # "premise:12", "target:34", "device:5": with rule, at most one alert not closed (no storms).
    unit = models.CharField(max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=OPEN)
    value = models.FloatField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(_("raised"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "unit"], condition=models.Q(closed_at__isnull=True),
                                               name="alert_one_open_per_rule_unit")]

    def __str__(self):
        return f"{self.rule.get_kind_display()} ({self.unit})"


class AlertComment(models.Model):
    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:40]


class WeDidLine(models.Model):
    """"Anda berkata, kami bertindak": one public line of what changed after a follow-up case, written
    when the case closes, published only once the agency administrator has reviewed it (no personal
    data). Published lines go on the premise's monthly results poster and its public results."""

    PENDING, PUBLISHED, REJECTED = "pending", "published", "rejected"
    STATUS_CHOICES = [(PENDING, _("Awaiting review")), (PUBLISHED, _("Published")), (REJECTED, _("Rejected"))]
    MAX_LENGTH = 200

    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, related_name="+")
    premise = models.ForeignKey("base.Premise", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="we_did")
    text = models.CharField(_("what we did"), max_length=MAX_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["premise", "status", "published_at"], name="wedid_premise_published")]

    def __str__(self):
        return self.text
