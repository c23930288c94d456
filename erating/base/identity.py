"""Who is asking: the client's address and the login name, each worked out in ONE place.

Every part of the project that counts, limits, locks out or audits by address or by login name
(django-axes, the audit log, tablet pairing, the rating limits, the portal's application form)
asks here, so a deployment behind a load balancer cannot have one part see the client and
another see the balancer (which turned 20 failed logins anywhere into a nationwide lockout).
"""
import ipaddress

from django.conf import settings


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


def login_name(value):
    """A login name (an e-mail address) as authentication and lockout both compare it: trimmed
    and in lower case, so `SOMEONE@agency.gov.my` is the same account to the password check and
    to the failure count."""
    return str(value or "").strip().lower()[:254]


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
