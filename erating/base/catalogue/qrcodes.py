"""QR codes for rating targets: the URL a poster carries, PNG/SVG images, and code regeneration."""
import io

import segno
from django.conf import settings
from django.db import transaction
from django_scopes import scopes_disabled

from erating.base.models import Target
from erating.base.models.targets import new_code

# Error correction M survives a scuffed or partly covered poster; quiet zone per the standard.
ERROR = "m"
BORDER = 4


def target_url(target):
    return f"{settings.SITE_URL}/r/{target.code}"


def make_qr(target):
    return segno.make(target_url(target), error=ERROR, micro=False)


def png_bytes(target, scale=10):
    out = io.BytesIO()
    make_qr(target).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()


def svg_bytes(target, scale=10):
    out = io.BytesIO()
    make_qr(target).save(out, kind="svg", scale=scale, border=BORDER, xmldecl=True, svgns=True)
    return out.getvalue()


def _unused_code():
    # Codes are public URLs, unique across all agencies, so the check spans them all; it only
    # answers "taken or not" and returns no row. 27^10 codes make a clash with a retired code
    # negligible, and JSON containment is not portable to SQLite, so only live codes are checked.
    with scopes_disabled():
        while True:
            code = new_code()
            if not Target.objects.filter(code=code).exists():
                return code


def regenerate_code(target):
    """Give the target a fresh random code; the old one moves to previous_codes so the rating
    page can tell a customer holding an old poster that it no longer works. Returns the old code."""
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        old = target.code
        target.previous_codes = [*target.previous_codes, old]
        target.code = _unused_code()
        target.save(update_fields=["code", "previous_codes"])
    return old, target
