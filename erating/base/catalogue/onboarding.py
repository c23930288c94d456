"""Agency onboarding: the public application, its spam guards, and the system administrator's
approve / reject decisions (which create the agency and invite its administrator by e-mail).

E-mails carry both languages in one message (BM first): the applicant has no account yet, so
there is no saved language to choose from."""
import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from erating.base.auditlog.log import log_action
from erating.base.catalogue.officers import set_active
from erating.base.identity import account_key, email_problem
from erating.base.ingest import limits
from erating.base.models import Agency, AgencyApplication, FollowUpReason, ScoreCaption, User
from erating.base.models.settings import DEFAULT_CAPTIONS, DEFAULT_CAPTIONS_ZH_TA, DEFAULT_REASONS

logger = logging.getLogger(__name__)
APPLY_LIMIT = 5  # applications per address per window: generous for a shared office network
APPLY_WINDOW_SECONDS = 3600


class OnboardingError(Exception):
    """A decision that cannot be carried out; the message is shown to the administrator."""


# -- public side ----------------------------------------------------------------------------
def over_rate_limit(ip):
    """Count one attempt from `ip`; True once the address has used up its allowance."""
    return limits.window_counter(f"erating:apply:{ip or 'unknown'}", APPLY_WINDOW_SECONDS) > APPLY_LIMIT


def duplicate_message(agency_name, email):
    """Why this application duplicates another, or None. Only yes/no answers leave here."""
    pending = AgencyApplication.objects.filter(status=AgencyApplication.PENDING)
    if pending.filter(agency_name__iexact=agency_name.strip()).exists():
        return _("An application for this agency is already waiting for review. We will reply by e-mail.")
    if pending.filter(officer_email__iexact=email.strip()).exists():
        return _("An application from this e-mail address is already waiting for review. "
                 "We will reply by e-mail.")
    with scopes_disabled():  # the agency register is public knowledge (the portal lists agencies)
        if Agency.objects.filter(name_ms__iexact=agency_name.strip()).exists():
            return _("This agency already uses eRating. Ask its administrator for an account.")
    return None


def submit(data, *, request=None, ip=None):
    """Store the application, acknowledge it to the applicant and tell the system administrators.
    The application is kept whatever the mail server says: a failed e-mail is logged, never a 500."""
    application = AgencyApplication.objects.create(ip=ip or None, **data)
    log_action("apply", request=request, obj=application, changes={"email": [None, application.officer_email]})
    review_url = settings.SITE_URL + reverse("control:application_detail", args=[application.pk])
    mails = [("portal/email_apply_received.txt", lambda: _("We have received your eRating application"),
              {"application": application, "faq_url": settings.SITE_URL + reverse("portal:faq")},
              [application.officer_email])]
    admins = list(User.objects.filter(role=User.SYSTEM_ADMIN, is_active=True).values_list("email", flat=True))
    if admins:
        mails.append(("control/applications/email_new.txt", lambda: _("New agency application: %(agency)s")
                      % {"agency": application.agency_name},
                      {"application": application, "url": review_url}, admins))
    for template, subject, context, to in mails:
        try:
            _bilingual_mail(template, subject, context, to)
        except Exception:  # noqa: BLE001 - any mail server failure; the application is stored
            logger.exception("eRating: application e-mail %s not sent", template)
    return application


def pending_count():
    """Applications waiting for a decision: the system administrator's menu badge."""
    return AgencyApplication.objects.filter(status=AgencyApplication.PENDING).count()


# -- decisions -----------------------------------------------------------------------------
def unique_agency_code(name):
    """A code suggested from the name: whole words up to 24 characters ("jabatan-pendaftaran",
    never "jabatan-pendaftaran-nega"); a single longer word is cut."""
    base = ""
    for word in slugify(name).split("-"):
        longer = f"{base}-{word}" if base else word
        if len(longer) > 24:
            break
        base = longer
    base = (base or slugify(name)[:24].strip("-") or "agensi")
    code, n = base, 1
    with scopes_disabled():  # codes are unique across all agencies
        while Agency.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
    return code


def create_agency(*, ministry, name_ms, name_en="", code=None):
    """A new agency with the national default captions and a starter list of reasons."""
    agency = Agency.objects.create(ministry=ministry, code=code or unique_agency_code(name_ms),
                                   name_ms=name_ms, name_en=name_en)
    ScoreCaption.objects.bulk_create(
        ScoreCaption(agency=agency, score=s, caption_ms=ms, caption_en=en, caption_zh=DEFAULT_CAPTIONS_ZH_TA[s][0],
                     caption_ta=DEFAULT_CAPTIONS_ZH_TA[s][1]) for s, (ms, en) in DEFAULT_CAPTIONS.items())
    # The agency edits its own list of reasons in the rating-form settings.
    FollowUpReason.objects.bulk_create(FollowUpReason(agency=agency, text_ms=ms, text_en=en, text_zh=zh, text_ta=ta,
                                                      position=i)
                                       for i, (ms, en, zh, ta) in enumerate(DEFAULT_REASONS))
    return agency


def set_password_url(user):
    path = reverse("control:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    return settings.SITE_URL + path


def _bilingual_mail(template, subject, context, to):
    """Render the template and subject once per language and send one message with both to `to`
    (one address or a list)."""
    parts, subjects = [], []
    for lang in ("ms", "en"):
        with translation.override(lang):
            subjects.append(str(subject()))
            parts.append(render_to_string(template, context).strip())
    unique_subjects = list(dict.fromkeys(subjects))
    body = ("\n\n" + "-" * 40 + "\n\n").join(dict.fromkeys(parts))
    EmailMessage(" / ".join(unique_subjects), body, to=[to] if isinstance(to, str) else list(to)).send()


def _pending(application):
    application = AgencyApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != AgencyApplication.PENDING:
        raise OnboardingError(_("This application has already been decided."))
    return application


def approve(application, *, request, code=None, name_en=None):
    """Create the agency and its administrator (no usable password) and e-mail the invitation."""
    with scopes_disabled(), transaction.atomic():
        application = _pending(application)
        if email_problem(application.officer_email):
            raise OnboardingError(str(email_problem(application.officer_email)))
        if User.objects.filter(email_key=account_key(application.officer_email)).exists():
            raise OnboardingError(_("A user with the e-mail %(email)s already exists. Reject the application "
                                    "or ask the applicant for another address.") % {"email": application.officer_email})
        if Agency.objects.filter(name_ms__iexact=application.agency_name).exists():
            raise OnboardingError(_("An agency with this name already exists."))
        if code and Agency.objects.filter(code=code).exists():
            raise OnboardingError(_("The agency code %(code)s is already taken.") % {"code": code})
        agency = create_agency(ministry=application.ministry, name_ms=application.agency_name,
                               name_en=name_en if name_en is not None else application.agency_name_en, code=code)
        admin = User.objects.create_user(application.officer_email, None, full_name=application.officer_name,
                                         role=User.AGENCY_ADMIN, agency=agency)  # None → unusable password
        application.status = AgencyApplication.APPROVED
        application.decided_by, application.decided_at = request.user, timezone.now()
        application.agency = agency
        application.save()
        log_action("create", request=request, obj=agency, changes={"name_ms": [None, agency.name_ms]})
        log_action("create", request=request, obj=admin, agency=agency, changes={"role": [None, admin.role]})
        log_action("approve", request=request, obj=application, agency=agency)
    _bilingual_mail("control/applications/email_approved.txt",
                    lambda: _("Your eRating account is ready"),
                    {"application": application, "agency": agency, "user": admin, "url": set_password_url(admin),
                     "login_url": settings.SITE_URL + reverse("control:login")},
                    admin.email)
    log_action("invite", request=request, obj=admin, agency=agency)
    return agency


def reject(application, *, request, reason):
    with transaction.atomic():
        application = _pending(application)
        application.status = AgencyApplication.REJECTED
        application.reason = reason
        application.decided_by, application.decided_at = request.user, timezone.now()
        application.save()
        log_action("reject", request=request, obj=application, changes={"reason": [None, reason]})
    _bilingual_mail("control/applications/email_rejected.txt",
                    lambda: _("Your eRating application"),
                    {"application": application, "reason": reason,
                     "apply_url": settings.SITE_URL + reverse("portal:apply")},
                    application.officer_email)
    return application


# -- agency administrators, appointed by the system administrator ----------------------------
def active_admins(agency):
    return User.objects.filter(agency=agency, role=User.AGENCY_ADMIN, is_active=True).order_by("full_name")


def _send_appointment(user, agency):
    """The bilingual appointment e-mail: a set-password link for a new account, the login page for
    someone who already has a password. A mail failure must not undo the appointment (resend)."""
    url = set_password_url(user) if not user.has_usable_password() else ""
    try:
        _bilingual_mail("control/system/email_admin_appointed.txt",
                        lambda: _("You are now an eRating agency administrator"),
                        {"agency": agency, "user": user, "url": url,
                         "login_url": settings.SITE_URL + reverse("control:login")}, user.email)
    except Exception:  # noqa: BLE001 - any mail server failure; the page says so
        return False
    return True


def appoint_admin(agency, *, email, full_name, request, replace=None):
    """Make `email` an administrator of `agency` (a new account, or a colleague of the same agency
    promoted), optionally deactivating the administrator `replace` in the same transaction, and
    e-mail the invitation. Returns (user, mail_sent). The new administrator exists before the old
    one goes, so an agency is never left without one."""
    if email_problem(email):  # before lower(): it turns the Kelvin sign into k
        raise OnboardingError(str(email_problem(email)))
    email = email.strip().lower()
    with scopes_disabled(), transaction.atomic():
        user = User.objects.select_for_update().filter(email_key=account_key(email)).first()
        if user is not None and user.agency_id != agency.pk:
            raise OnboardingError(_("The e-mail %(email)s belongs to an account of another agency or to a system "
                                    "administrator. Use another address.") % {"email": email})
        if user is not None and user.role == User.AGENCY_ADMIN and user.is_active:
            raise OnboardingError(_("%(name)s is already an administrator of this agency.") % {"name": user.full_name})
        if replace is not None and (replace.agency_id != agency.pk or replace.role != User.AGENCY_ADMIN):
            raise OnboardingError(_("Choose one of this agency's administrators to replace."))
        if user is None:
            user = User.objects.create_user(email, None, full_name=full_name, role=User.AGENCY_ADMIN,
                                            agency=agency)  # None → unusable password until the invitation
            log_action("user.create", request=request, obj=user,
                       changes={"email": [None, user.email], "role": [None, user.role]})
        else:
            before = {"role": user.role, "is_active": user.is_active}
            user.role, user.is_active = User.AGENCY_ADMIN, True
            user.save(update_fields=["role", "is_active"])
            log_action("user.update", request=request, obj=user,
                       changes={k: [v, getattr(user, k)] for k, v in before.items() if v != getattr(user, k)})
        log_action("agency.appoint_admin", request=request, obj=agency,
                   changes={"administrator": [replace.email if replace else None, user.email]})
        if replace is not None:
            set_active(replace, False, request=request)
    sent = _send_appointment(user, agency)
    log_action("invite", request=request, obj=user, agency=agency, changes={"sent": [None, sent]})
    return user, sent


def remove_admin(agency, user, *, request):
    """Deactivate one administrator; refused for the last one of an active agency."""
    with scopes_disabled(), transaction.atomic():
        admins = list(active_admins(agency).select_for_update())
        if user not in admins:
            raise OnboardingError(_("This person is not an active administrator of this agency."))
        if agency.status == Agency.ACTIVE and len(admins) == 1:
            raise OnboardingError(_("An active agency needs at least one administrator: appoint another "
                                    "administrator first, or replace this one."))
        set_active(user, False, request=request)
        log_action("agency.remove_admin", request=request, obj=agency, changes={"administrator": [user.email, None]})
