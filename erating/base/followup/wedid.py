""""Anda berkata, kami bertindak" — you said, we did. When a follow-up case is closed, whoever closes
it may write one public line of what changed ("Kaunter 3 dibuka pada waktu rehat"). The line waits
for the agency administrator, who publishes or rejects it; each step is audited. A public line must
carry no personal data, so phone numbers, e-mail addresses and MyKad numbers are refused outright
(not masked: a masked line would still say someone's number was there).

    check_text(text) -> cleaned text or raises WeDidError (BM/EN message)
    propose(case, text, *, user, request=None) -> WeDidLine (pending)
    close(case, *, user, text="", public_line="", request=None) -> case closed, with its line if any
    review(line, action, *, user, request=None)   action: "publish" | "reject"
    published(premise_id, month, limit=3) -> [WeDidLine] published in that calendar month, newest first
"""
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erating.base.auditlog.log import log_action
from erating.base.followup.calendar import MALAYSIA
from erating.base.followup.cases import CaseError, change_status
from erating.base.models import Case, WeDidLine
from erating.base.privacy import MYKAD, PHONE

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# Any long run of digits (with spaces or dashes) could be an account, IC or phone number.
LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[\s-]?\d){7,}(?!\d)")


class WeDidError(CaseError):
    """A CaseError, so the case views show it like any other refusal."""


def check_text(text):
    text = " ".join((text or "").split())
    if not text:
        raise WeDidError(_("Write what changed, in one line."))
    if len(text) > WeDidLine.MAX_LENGTH:
        raise WeDidError(_("At most %(n)d characters.") % {"n": WeDidLine.MAX_LENGTH})
    if EMAIL.search(text) or PHONE.search(text) or MYKAD.search(text) or LONG_NUMBER.search(text):
        raise WeDidError(_("A public line must not contain personal data: remove the phone number, e-mail "
                           "address or IC number."))
    return text


@transaction.atomic
def propose(case, text, *, user, request=None):
    """A line for a closed case, awaiting the agency administrator's review."""
    text = check_text(text)
    if case.status != Case.CLOSED:
        raise WeDidError(_("A public line is written when the case is closed."))
    line = WeDidLine.objects.create(agency_id=case.agency_id, premise_id=case.premise_id, case=case, text=text,
                                    written_by=user, written_at=timezone.now())
    log_action("wedid.propose", request=request, user=user, obj=line, changes={"text": [None, text]})
    return line


@transaction.atomic
def close(case, *, user, text="", public_line="", request=None):
    """Close the case and, when given, propose its public line; a line with personal data refuses
    both (the case stays open, nothing half done)."""
    if public_line.strip():
        check_text(public_line)
    change_status(case, Case.CLOSED, user=user, request=request, text=text)
    if public_line.strip():
        propose(case, public_line, user=user, request=request)
    return case


def may_review(user):
    return user.is_agency_admin or user.is_system_admin


@transaction.atomic
def review(line, action, *, user, request=None, text=None):
    """Publish (optionally with the administrator's corrected text) or reject a line."""
    if not may_review(user):
        raise WeDidError(_("Only the agency administrator publishes public lines."))
    if action not in ("publish", "reject"):
        raise WeDidError(_("Unknown action."))
    before = {"status": line.status, "text": line.text}
    if text is not None:
        line.text = check_text(text)
    line.status = WeDidLine.PUBLISHED if action == "publish" else WeDidLine.REJECTED
    line.reviewed_by = user
    line.published_at = timezone.now() if action == "publish" else None
    line.save(update_fields=["text", "status", "reviewed_by", "published_at"])
    changes = {k: [v, getattr(line, k)] for k, v in before.items() if getattr(line, k) != v}
    log_action(f"wedid.{action}", request=request, user=user, obj=line, changes=changes)
    return line


def month_bounds(month):
    """[first instant, first instant of the next month) of a calendar month in Malaysia time."""
    import datetime

    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (datetime.datetime.combine(first, datetime.time(), MALAYSIA),
            datetime.datetime.combine(following, datetime.time(), MALAYSIA))


def published(premise_id, month, limit=3):
    start, end = month_bounds(month)
    return list(WeDidLine.objects.filter(premise_id=premise_id, status=WeDidLine.PUBLISHED,
                                         published_at__gte=start, published_at__lt=end)
                .order_by("-published_at", "-id")[:limit])
