"""How e-mails greet a person. People often type their title into the name field ("Puan
Noraini", "Dr. Azman"): the greeting then uses the name as typed instead of adding its own
"Tuan/Puan" in front of it."""
import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()

TITLE = re.compile(
    r"^(tuan|puan|encik|en\.|cik|cikgu|dr\.?|datuk|dato'?|datin|tan sri|puan sri|toh puan|tun|haji|hajah|hj\.?|"
    r"hjh\.?|ir\.?|ts\.?|prof\.?|profesor|yb|ybhg\.?|yg\. ?bhg\.?|mr\.?|mrs\.?|ms\.?|miss|madam|mdm\.?|sir)(\s|$)",
    re.IGNORECASE)


def has_title(name):
    return bool(TITLE.match((name or "").strip()))


@register.simple_tag
def salutation(name):
    """"Dear Noraini," / "Tuan/Puan Noraini,"; for a name that carries its title
    "Dear Puan Noraini," / "Yang dihormati Puan Noraini,"."""
    name = " ".join((name or "").split())
    if has_title(name):
        return _("Dear %(titled_name)s,") % {"titled_name": name}
    return _("Dear %(name)s,") % {"name": name}
