"""Who is asking: the client's address and the login name, each worked out in ONE place.

Every part of the project that counts, limits, locks out or audits by address or by login name
(django-axes, the audit log, tablet pairing, the rating limits, the portal's application form)
asks here, so a deployment behind a load balancer cannot have one part see the client and
another see the balancer (which turned 20 failed logins anywhere into a nationwide lockout).
"""
import ipaddress
import unicodedata

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request):
    """The client's address, or "" when there is none (no request, or not an address).

    With PROXY_COUNT trusted reverse proxies in front, each appends the address it received the
    request from to X-Forwarded-For, so the client is PROXY_COUNT entries from the right; entries
    further left were sent by the client itself and prove nothing. A request with fewer entries
    did not come through the proxies (e.g. a health check from inside), so REMOTE_ADDR stands."""
    if request is None:
        return ""
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            forwarded = _valid_ip(hops[-proxies])
            if forwarded:
                return forwarded
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def account_key(value):
    """The account's key: an e-mail address normalised ONCE (NFKC, then case-folded, then NFKC
    again so the result is stable), stored on the account (User.email_key) and compared exactly.
    Login, lockout, password reset, invitations and imports all look accounts up by it, so a
    look-alike spelling (ſ U+017F, the Kelvin sign, full-width letters, a decomposed accent) is
    either the same account to every one of them or no account at all, on SQLite and PostgreSQL
    alike (PostgreSQL's UPPER() in `email__iexact` folds some of these, Python's lower() does not)."""
    text = unicodedata.normalize("NFKC", str(value or "").strip())
    return unicodedata.normalize("NFKC", text.casefold())[:254]


def login_name(value):
    """A login name as authentication and lockout both compare it: the account key."""
    return account_key(value)


# The one answer to "this address is taken", whoever holds it: an account of the same agency, of
# another agency or a system administrator. Saying which would tell an agency that an address has
# an account elsewhere (an account oracle); its own staff it can find in its own list.
ADDRESS_TAKEN = _("This e-mail address cannot be used for a new account. If the person already works in your "
                  "agency, find them in the staff list; otherwise use their own work address, or ask the system "
                  "administrator.")


def email_problem(value):
    """Why an address may not become an account's address, or "" when it may. Refused: addresses
    that change under normalisation beyond ASCII case (a user could not type them back as they
    were stored: ſ, K, full-width letters, separate accents) and non-ASCII look-alikes that
    Django's validator lets through (ı, İ)."""
    typed = str(value or "").strip()
    if account_key(typed) != typed.lower() or not typed.isascii():
        return _("Type the e-mail address with plain letters (a–z), digits and . - _ + only: it contains "
                 "characters that look like others (such as ſ, ı, K or full-width letters).")
    return ""


# django-axes' hooks (settings AXES_CLIENT_IP_CALLABLE / AXES_USERNAME_CALLABLE).
def axes_client_ip(request):
    return client_ip(request) or None


def axes_username(request, credentials):
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        name = credentials.get(field)
    else:  # as axes itself falls back: the submitted form
        name = getattr(request, "data", getattr(request, "POST", {})).get(field)
    return login_name(name) or None
