"""Staff screens are in BM and EN; the citizen's pages (QR page, kiosk, thank-you, consent and the
reply e-mail) also in Chinese (simplified) and Tamil. A rating stores the short code the customer
chose ("ms", "en", "zh", "ta"); Django's translation machinery knows Chinese as "zh-hans"."""
from django.utils.translation import get_language

CITIZEN_LANGUAGES = ("ms", "en", "zh", "ta")
# Each language named in itself: a button must be readable by the one who needs it.
LANGUAGE_NAMES = {"ms": "Bahasa Melayu", "en": "English", "zh": "中文", "ta": "தமிழ்"}
DJANGO_CODES = {"ms": "ms", "en": "en", "zh": "zh-hans", "ta": "ta"}


def citizen_language(value):
    """Any language code ("zh-hans", "en-gb", "ta", None …) as one of CITIZEN_LANGUAGES; BM otherwise."""
    value = (value or "").lower()
    for code in CITIZEN_LANGUAGES:
        if value == code or value.startswith(code + "-") or value == DJANGO_CODES[code]:
            return code
    return "ms"


def django_code(value):
    """The code to activate with translation.override() for a citizen language."""
    return DJANGO_CODES[citizen_language(value)]


def pick(ms_value, en_value, zh_value="", ta_value=""):
    """The text in the active language when one exists; Malay (the service language) otherwise."""
    active = citizen_language(get_language() or "ms")
    own = {"en": en_value, "zh": zh_value, "ta": ta_value}.get(active)
    if own:
        return own
    return ms_value or en_value
