from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from erating.base.identity import login_name


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), max_length=254,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The e-mail or password is not correct. Note that the password is case-sensitive."),
        "inactive": _("This account is not active. Ask your agency administrator to activate it."),
    }

    def clean_username(self):
        # Normalised before authenticate(): the password check and axes' failure count then see
        # the same name whatever case it was typed in.
        return login_name(self.cleaned_data["username"])
