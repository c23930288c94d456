"""Staff accounts an agency administrator manages: officers and premise supervisors.

Accounts start without a password; the person chooses one through the invitation link, which
is Django's password-reset link (default_token_generator): it stops working once used or once
the password changes, and the administrator can send a fresh one at any time."""
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from erating.base.auditlog.log import diff, log_action
from erating.base.identity import account_key
from erating.base.models import OfficerCounter, Target, User

logger = logging.getLogger(__name__)
STAFF_ROLES = (User.OFFICER, User.SUPERVISOR)
INVITE, RESET = "invite", "reset"


def snapshot(user):
    target = Target.objects.filter(officer=user).first() if user.pk else None
    return {
        "email": user.email, "full_name": user.full_name, "staff_number": user.staff_number, "role": user.role,
        "language": user.language,
        "is_active": user.is_active,
        "premises": sorted(user.premises.values_list("pk", flat=True)) if user.pk else [],
        "home_premise": target.premise_id if target else None,
        "counters": sorted(user.counter_links.values_list("counter_id", flat=True)) if user.pk else [],
    }


def set_password_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("control:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def build_message(user, kind=INVITE):
    """The e-mail in the recipient's own language, whatever language the administrator uses."""
    with translation.override(user.language or "ms"):
        context = {"user": user, "link": set_password_link(user), "agency": user.agency, "kind": kind}
        subject = render_to_string("control/officers/email_subject.txt", context).strip()
        body = render_to_string("control/officers/email_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_links(users, kind=INVITE):
    """Send invitations (or reset links) over one connection; returns how many went out.
    A mail server failure must not undo account creation: the administrator can resend."""
    messages = [build_message(u, kind) for u in users if u.is_active]
    if not messages:
        return 0
    try:
        return mailers.default.send_messages(messages) or 0
    except Exception:  # noqa: BLE001 - any transport error: report, keep the accounts
        logger.exception("Could not send %s e-mails", kind)
        return 0


SYNC_LIMIT = 50
BATCH = 500


@task
def send_links_task(user_ids, kind=INVITE):
    """One batch of invitations (or reset links) from a worker (manage.py db_worker). It reads
    the accounts again: one deactivated since gets nothing, nor an invitee who chose a password."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).select_related("agency")
    users = list(pending_invitations(users) if kind == INVITE else users)
    sent = send_links(users, kind)
    logger.info("Sent %s of %s %s e-mails", sent, len(user_ids), kind)
    return sent


def queue_links(users, kind=INVITE):
    """A few e-mails go out now (returns the count sent); many are enqueued as background tasks
    of BATCH accounts each, sent over one connection per batch (returns None), so a 10,000-row
    import answers at once. The tasks live in the database, so a restart does not lose them;
    "Resend pending invitations" on the staff list sends again to whoever still has no password."""
    users = [u for u in users if u.is_active]
    if len(users) <= SYNC_LIMIT:
        return send_links(users, kind)
    ids = [u.pk for u in users]
    for start in range(0, len(ids), BATCH):
        send_links_task.enqueue(ids[start:start + BATCH], kind)
    return None


def pending_invitations(queryset):
    """Active staff who never chose a password (unusable password hashes start with "!")."""
    return queryset.filter(is_active=True, password__startswith="!")


def _make_officer_target(user, premise):
    return Target(agency_id=user.agency_id, premise=premise, kind=Target.OFFICER, name=user.full_name, officer=user)


@transaction.atomic
def create_staff(agency, *, email, full_name, role, language="ms", home_premise=None, premises=(), counters=(),
                 request=None, staff_number=""):
    """An officer (with a personal rating Target at the home premise) or a supervisor."""
    user = User(email=email.lower(), full_name=full_name, role=role, agency=agency, language=language,
                staff_number=staff_number)
    user.set_unusable_password()
    user.save()
    if role == User.SUPERVISOR:
        user.premises.set(premises)
    if role == User.OFFICER:
        _make_officer_target(user, home_premise).save()
        OfficerCounter.objects.bulk_create(OfficerCounter(agency=agency, officer=user, counter=c) for c in counters)
    log_action("user.create", request=request, obj=user, changes=diff({}, snapshot(user)))
    return user


@transaction.atomic
def update_staff(user, before, *, home_premise=None, premises=None, request=None):
    """Save an edited account; `before` is snapshot(user) taken before the form touched it."""
    user.save()
    if user.role == User.SUPERVISOR and premises is not None:
        user.premises.set(premises)
    target = Target.objects.filter(officer=user).first()
    if user.role == User.OFFICER and home_premise is not None:
        if target is None:
            _make_officer_target(user, home_premise).save()
        elif (target.premise_id, target.name) != (home_premise.pk, user.full_name):
            target.premise, target.name = home_premise, user.full_name
            target.save(update_fields=["premise", "name"])
    changes = diff(before, snapshot(user))
    if changes:
        log_action("user.update", request=request, obj=user, changes=changes)
    return user


@transaction.atomic
def set_active(user, active, *, request=None):
    """A deactivated officer cannot log in and their personal QR code cannot be rated."""
    if user.is_active == active:
        return False
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    Target.objects.filter(officer=user).update(active=active)
    log_action("user.activate" if active else "user.deactivate", request=request, obj=user,
               changes=diff(before, snapshot(user)))
    return True


def set_pin(user, pin, *, request=None):
    user.set_kiosk_pin(pin)
    user.save(update_fields=["kiosk_pin"])
    # The PIN itself is never logged, only that it changed.
    log_action("user.set_pin", request=request, obj=user, changes={"kiosk_pin": ["***", "***"]})


@transaction.atomic
def assign_counters(user, counters, *, request=None):
    before = sorted(user.counter_links.values_list("counter_id", flat=True))
    wanted = {c.pk: c for c in counters}
    user.counter_links.exclude(counter_id__in=wanted).delete()
    OfficerCounter.objects.bulk_create(OfficerCounter(agency_id=user.agency_id, officer=user, counter=c)
                                       for pk, c in wanted.items() if pk not in before)
    after = sorted(wanted)
    if before != after:
        log_action("user.assign_counters", request=request, obj=user, changes={"counters": [before, after]})


def send_link(user, kind, *, request=None):
    sent = send_links([user], kind)
    log_action(f"user.{kind}_sent", request=request, obj=user, changes={"sent": [None, bool(sent)]})
    return sent


def bulk_create_officers(agency, rows, *, unusable_password=None):
    """rows: dicts with email, full_name, language, premise (Premise), counters (list of Target).
    One unusable password hash for all rows; three bulk inserts instead of 3 × N queries."""
    password = unusable_password or make_password(None)
    users = User.objects.bulk_create([
        User(email=r["email"].lower(), email_key=account_key(r["email"]), full_name=r["full_name"],
             role=User.OFFICER, agency=agency, language=r.get("language") or "ms",
             staff_number=r.get("staff_number") or "", password=password) for r in rows], batch_size=2000)
    Target.objects.bulk_create([_make_officer_target(u, r["premise"]) for u, r in zip(users, rows)],
                               batch_size=2000)
    OfficerCounter.objects.bulk_create([OfficerCounter(agency=agency, officer=u, counter=c)
                                        for u, r in zip(users, rows) for c in r.get("counters", ())],
                                       batch_size=2000)
    return users
