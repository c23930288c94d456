import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from erating.base.models.bilingual import pick

STATES = [
    ("JHR", "Johor"), ("KDH", "Kedah"), ("KTN", "Kelantan"), ("MLK", "Melaka"),
    ("NSN", "Negeri Sembilan"), ("PHG", "Pahang"), ("PRK", "Perak"), ("PLS", "Perlis"),
    ("PNG", "Pulau Pinang"), ("SBH", "Sabah"), ("SWK", "Sarawak"), ("SGR", "Selangor"),
    ("TRG", "Terengganu"), ("KUL", "W.P. Kuala Lumpur"), ("LBN", "W.P. Labuan"), ("PJY", "W.P. Putrajaya"),
]


class Ministry(models.Model):
    """Public reference data, not tenant data: the portal and the application form list it."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_ms = models.CharField(_("name (BM)"), max_length=200)
    name_en = models.CharField(_("name (EN)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_ms"]
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return pick(self.name_ms, self.name_en)


class Agency(models.Model):
    ACTIVE, SUSPENDED = "active", "suspended"
    STATUS_CHOICES = [(ACTIVE, _("Active")), (SUSPENDED, _("Suspended"))]

    ministry = models.ForeignKey(Ministry, on_delete=models.PROTECT, related_name="agencies",
                                 verbose_name=_("ministry"))
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_ms = models.CharField(_("name (BM)"), max_length=200)
    name_en = models.CharField(_("name (EN)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=ACTIVE)
    # Rating-form settings live on the agency: one form per agency keeps every premise consistent.
    form_size = models.PositiveSmallIntegerField(_("smiley form"), choices=[(5, _("5 smileys")), (3, _("3 smileys"))],
                                                 default=5)
    reasons_max_score = models.PositiveSmallIntegerField(
        _("ask for reasons at or below score"), default=2,
        help_text=_("Follow-up reasons are asked when the score is at or below this value."))
    ranking_min_ratings = models.PositiveSmallIntegerField(
        _("minimum ratings to rank"), default=10,
        help_text=_("Rows with fewer ratings are ranked apart; officers' figures below it are shown only to "
                    "the agency administrator."))
    comment_enabled = models.BooleanField(_("ask for a comment"), default=True)
    contact_enabled = models.BooleanField(_("offer contact details"), default=True)
    show_officer_photo = models.BooleanField(_("show officer photo"), default=False)
    thank_you_ms = models.CharField(_("thank-you message (BM)"), max_length=300, blank=True)
    thank_you_en = models.CharField(_("thank-you message (EN)"), max_length=300, blank=True)
    thank_you_zh = models.CharField(_("thank-you message (中文)"), max_length=300, blank=True, default="")
    thank_you_ta = models.CharField(_("thank-you message (தமிழ்)"), max_length=300, blank=True, default="")
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # Follow-up service levels (working days of the premise's state) and PDPA retention.
    ack_days = models.PositiveSmallIntegerField(_("acknowledge within (working days)"), default=1)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=15)
    contact_retention_days = models.PositiveSmallIntegerField(
        _("erase contact details after closing (days)"), default=90)
    public_results_named = models.BooleanField(
        _("named in public results"), default=True,
        help_text=_("When off, the agency's ratings still count in national and ministry figures, "
                    "but the portal never shows its name."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="pk")

    class Meta:
        ordering = ["name_ms"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return pick(self.name_ms, self.name_en)

    @property
    def is_active(self):
        return self.status == self.ACTIVE


class Premise(models.Model):
    TABLET, QR, BOTH = "tablet", "qr", "both"
    MEDIUM_CHOICES = [(TABLET, _("Tablet")), (QR, _("QR code")), (BOTH, _("QR code & tablet"))]

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="premises",
                               verbose_name=_("agency"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(_("state"), max_length=3, choices=STATES)
    address = models.TextField(_("address"), blank=True)
    medium = models.CharField(_("medium"), max_length=6, choices=MEDIUM_CHOICES, default=QR)
    active = models.BooleanField(_("active"), default=True)
    # Opening hours on the state's working days; kiosk health alerts only inside them.
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(17, 0))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency", premise="pk")

    class Meta:
        ordering = ["name"]
        verbose_name = _("premise")
        verbose_name_plural = _("premises")
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="premise_code_unique_in_agency")]

    def __str__(self):
        return self.name
