"""Personal data. In free-text comments: MyKad numbers and Malaysian phone numbers are masked
before a comment is stored. Customers who consent to be contacted give their number in the
contact fields; a number typed into the comment is moved there, never kept in the comment.

And THE rule for a customer's contact details (name, phone, e-mail), decided here only and
applied by case pages, every report and format, exports, schedules, e-mails and the API: only
the staff who follow up feedback see them (agency administrators and premise supervisors, within
their scope). A system administrator and counter officers never do: their reports leave the
columns out, their case pages say the details are hidden."""
import re

# Roles (User.role values) that may see a customer's contact details, within their scope.
CONTACT_ROLES = frozenset({"agencyadmin", "supervisor"})


def may_see_contacts(user):
    return bool(getattr(user, "is_active", False) and getattr(user, "role", None) in CONTACT_ROLES)

# MyKad: YYMMDD-PB-###G, with or without dashes/spaces; 12 digits not inside a longer number.
MYKAD = re.compile(r"(?<!\d)\d{6}[\s-]?\d{2}[\s-]?\d{4}(?!\d)")
# Mobile 01x-xxx xxxx / 01x-xxxx xxxx, landline 0x-xxxx xxxx, with optional +60 / 60 prefix.
PHONE = re.compile(
    r"(?<!\d)(?:\+?6\s?0|0)[\s-]?(?:1\d[\s-]?\d{3,4}|[3-9]\d?[\s-]?\d{3,4})[\s-]?\d{4}(?!\d)"
)
MASK_CHAR = "*"


def _mask(match):
    # Keep the shape (length, separators) so the comment still reads naturally.
    return re.sub(r"\d", MASK_CHAR, match.group(0))


def normalise_phone(text):
    digits = re.sub(r"[^\d+]", "", text)
    return digits[:30]


def mask_pii(text):
    """(masked_text, found) where found = {"mykad": [...], "phone": [...]} as typed."""
    found = {"mykad": MYKAD.findall(text or ""), "phone": []}
    masked = MYKAD.sub(_mask, text or "")
    found["phone"] = PHONE.findall(masked)
    masked = PHONE.sub(_mask, masked)
    return masked, found
