from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from erating.control.forms import KeyedPasswordResetForm, LoginForm


class LoginView(auth_views.LoginView):
    template_name = "control/auth/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def failure_limit(request, credentials):
    """Axes keeps one limit, compared with the larger of the per-account and per-address failure
    counts. Offices share one public address behind NAT, so the address gets a higher limit than
    an account: return a limit that is reached exactly when either count reaches its own limit."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    recent = AccessAttempt.objects.all()
    cool_off = get_cool_off(request)
    if cool_off:
        recent = recent.filter(attempt_time__gte=timezone.now() - cool_off)

    def failures(**lookup):
        return recent.filter(**lookup).aggregate(n=Sum("failures_since_start"))["n"] or 0

    username = get_client_username(request, credentials)
    ip = getattr(request, "axes_ip_address", None)
    by_account = failures(username=username) if username else 0
    by_address = failures(ip_address=ip) if ip else 0
    current = max(by_account, by_address)
    if by_account >= settings.LOGIN_FAILURE_LIMIT or by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
        return max(current, 1)
    return current + 1


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "control/auth/locked_out.html", {"minutes": minutes}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "control/auth/password_change.html"
    success_url = reverse_lazy("control:home")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = KeyedPasswordResetForm
    template_name = "control/auth/password_reset.html"
    email_template_name = "control/auth/password_reset_email.txt"
    subject_template_name = "control/auth/password_reset_subject.txt"
    success_url = reverse_lazy("control:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "control/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "control/auth/password_reset_confirm.html"
    success_url = reverse_lazy("control:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "control/auth/password_reset_complete.html"
