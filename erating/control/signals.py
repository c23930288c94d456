from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_scopes import scopes_disabled

from erating.base.identity import client_ip, login_name
from erating.base.models import AuditEntry, User


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    request.session["user_language"] = user.language
    with scopes_disabled():
        AuditEntry.objects.create(agency_id=user.agency_id, user=user, user_label=user.email, action="login",
                                  object_type="User", object_id=str(user.pk), ip=client_ip(request) or None)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    with scopes_disabled():
        AuditEntry.objects.create(agency_id=user.agency_id, user=user, user_label=user.email, action="logout",
                                  object_type="User", object_id=str(user.pk), ip=client_ip(request) or None)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = login_name((credentials or {}).get("username", ""))
    with scopes_disabled():
        user = User.objects.filter(email_key=username).first() if username else None
        AuditEntry.objects.create(agency_id=user.agency_id if user else None, user=user, user_label=username,
                                  action="login_failed", ip=client_ip(request) or None)
