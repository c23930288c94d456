from django.utils.translation import get_language


def pick(ms_value, en_value):
    """The English text when English is active and one exists; Malay otherwise."""
    if (get_language() or "ms").startswith("en") and en_value:
        return en_value
    return ms_value or en_value
