from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ..forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "control/auth/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
