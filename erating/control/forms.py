from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from erating.base.identity import account_key, login_name


class KeyedEmailField(forms.EmailField):
    """An e-mail typed to find an account: normalised to the account key BEFORE it is validated,
    so a full-width or look-alike spelling is the same account (or none) to every check."""

    def to_python(self, value):
        return account_key(super().to_python(value))


class LoginForm(AuthenticationForm):
    username = KeyedEmailField(label=_("E-mail"), max_length=254,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The e-mail or password is not correct. Note that the password is case-sensitive."),
        "inactive": _("This account is not active. Ask your agency administrator to activate it."),
    }

    def clean_username(self):
        # Normalised before authenticate(): the password check and axes' failure count then see
        # the same name whatever case it was typed in.
        return login_name(self.cleaned_data["username"])


class KeyedPasswordResetForm(PasswordResetForm):
    """Finds the account by its key (never `email__iexact`, which PostgreSQL folds differently from
    Python); the link goes to the address stored on the account, not to the spelling typed."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email_key=account_key(email), is_active=True)
        return (u for u in users if u.has_usable_password())
