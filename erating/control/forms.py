from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), max_length=254,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The e-mail or password is not correct. Note that the password is case-sensitive."),
        "inactive": _("This account is not active. Ask your agency administrator to activate it."),
    }
