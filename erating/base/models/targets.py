import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from erating.base.models.bilingual import pick
from erating.base.models.tenancy import Agency, Premise

# No vowels or look-alikes (0/O, 1/l/I): codes are read off posters and never spell words.
CODE_ALPHABET = "23456789bcdfghjkmnpqrstvwxz"
CODE_LENGTH = 10


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Target(models.Model):
    """Anything a customer rates: a counter, a service, a facility or an officer."""

    COUNTER, SERVICE, FACILITY, OFFICER = "counter", "service", "facility", "officer"
    KIND_CHOICES = [(COUNTER, _("Counter")), (SERVICE, _("Service")), (FACILITY, _("Facility")),
                    (OFFICER, _("Officer"))]

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="targets",
                                verbose_name=_("premise"))
    kind = models.CharField(_("type"), max_length=10, choices=KIND_CHOICES)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (EN)"), max_length=200, blank=True)
    officer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="officer_target", verbose_name=_("officer"))
    # The short code in the QR URL: random, never sequential; regenerating it retires the old one.
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code)
    previous_codes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency", premise="premise", officer="officer")

    class Meta:
        ordering = ["premise_id", "kind", "name"]
        verbose_name = _("rating target")
        verbose_name_plural = _("rating targets")
        indexes = [models.Index(fields=["agency", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="officer", officer__isnull=False) | ~models.Q(kind="officer"),
                name="officer_target_has_officer"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return pick(self.name, self.name_en)


class OfficerCounter(models.Model):
    """Counters an officer may staff; who is on duty on a given day is set at sign-on."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counter_links")
    counter = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="officer_links")

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "counter"], name="officer_counter_unique")]

    def __str__(self):
        return f"officer {self.officer_id} at counter {self.counter_id}"
