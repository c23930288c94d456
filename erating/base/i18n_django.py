"""Django's own strings that its Malay catalogue lacks or gets wrong, translated in ours
(locale/ms; LOCALE_PATHS come before Django's catalogues). Marked here so makemessages keeps
them; nothing calls this module.

Missing from Django's ms catalogue (newer than it): the select box's "- Select an option -",
the minimum-length password error, the step-size error. Wrong in it: "This password is too
common." is given as "your password is too short"; "Email" is "Emel" where eRating writes
"E-mel" everywhere else. Developer words: the code fields' error names a "slug"; ours (BM and
EN alike) says what to type instead.
"""
from django.utils.translation import gettext_noop, ngettext


def _marks():
    gettext_noop("- Select an option -")
    gettext_noop("Email")
    gettext_noop("Email address")
    gettext_noop("email address")
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.")
    gettext_noop("This password is too common.")
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s.")
    gettext_noop("Enter a valid domain name.")
    gettext_noop("Constraint “%(name)s” is violated.")
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice.")
    ngettext("This password is too short. It must contain at least %d character.",
             "This password is too short. It must contain at least %d characters.", 0)
