from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from erating.base.identity import account_key, login_name


class UserManager(BaseUserManager):
    """Unscoped: authentication must find a user before any scope exists."""

    def create_user(self, email, password=None, **extra):
        user = self.model(email=login_name(self.normalize_email(email)), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", User.SYSTEM_ADMIN)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # The stored key, compared exactly: the same answer on every database (never email__iexact).
        return self.get(email_key=login_name(username))


class User(AbstractBaseUser, PermissionsMixin):
    SYSTEM_ADMIN, AGENCY_ADMIN, SUPERVISOR, OFFICER = "sysadmin", "agencyadmin", "supervisor", "officer"
    ROLE_CHOICES = [
        (SYSTEM_ADMIN, _("System administrator")),
        (AGENCY_ADMIN, _("Agency administrator")),
        (SUPERVISOR, _("Premise supervisor")),
        (OFFICER, _("Counter officer")),
    ]

    email = models.EmailField(_("e-mail"), unique=True)
    # identity.account_key(email), kept by save() (and set by every bulk insert): the account's key.
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    # Optional: tells apart officers of the same name in rankings, drop-downs and reports
    # (erating.base.labels); without it the e-mail's local part does.
    staff_number = models.CharField(_("staff number"), max_length=30, blank=True, default="")
    role = models.CharField(_("role"), max_length=12, choices=ROLE_CHOICES)
    agency = models.ForeignKey("base.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="users", verbose_name=_("agency"))
    premises = models.ManyToManyField("base.Premise", blank=True, related_name="supervisors",
                                      verbose_name=_("supervised premises"))
    language = models.CharField(_("language"), max_length=5, default="ms",
                                choices=[("ms", "Bahasa Melayu"), ("en", "English")])
    kiosk_pin = models.CharField(max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    scoped = ScopedManager(agency="agency", _manager_class=models.Manager)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="sysadmin", agency__isnull=True) | (~models.Q(role="sysadmin") & models.Q(agency__isnull=False)),
                name="agency_matches_role"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email_key = account_key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def set_kiosk_pin(self, pin):
        self.kiosk_pin = make_password(pin)

    def check_kiosk_pin(self, pin):
        return bool(self.kiosk_pin) and check_password(pin, self.kiosk_pin)

    @property
    def is_system_admin(self):
        return self.role == self.SYSTEM_ADMIN

    @property
    def is_agency_admin(self):
        return self.role == self.AGENCY_ADMIN

    @property
    def is_supervisor(self):
        return self.role == self.SUPERVISOR

    @property
    def is_officer(self):
        return self.role == self.OFFICER
