"""The public QR rating page /r/<code>: a plain POST form (works without JavaScript) feeding the
same ingest service as the kiosk API. BM unless the visitor chose English, 中文 or தமிழ் with the
language switch (one tap, remembered in the language cookie; the browser's Accept-Language is
deliberately ignored: the service language is BM)."""
import logging
import re
import uuid

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from erating.base.ingest import limits
from erating.base.ingest.rating_form import form_for
from erating.base.ingest.service import ingest
from erating.base.models import Rating, Target
from erating.base.models.bilingual import DJANGO_CODES, LANGUAGE_NAMES, citizen_language, django_code
from erating.base.scoping import agency_scope, lookup_scope

log = logging.getLogger(__name__)
CODE_RE = re.compile(r"^[a-z0-9]{4,16}$")


def qr_language(request):
    """The Django code of the citizen's chosen language ("zh-hans" for 中文); BM when none."""
    return django_code(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))


def find_target(code):
    """(target, None) when the code may be rated, else (None, 404 or 410)."""
    code = (code or "").lower()  # codes are lower case; a code typed from a poster may not be
    if not CODE_RE.match(code):
        return None, 404
    with lookup_scope():
        target = Target.objects.select_related("agency", "premise", "officer").filter(code=code).first()
        if target is None:
            # A regenerated code is retired for good: tell the customer, don't pretend it never existed.
            retired = Target.objects.filter(previous_codes__icontains=code).only("previous_codes")
            return None, 410 if any(code in t.previous_codes for t in retired) else 404
    if not (target.active and target.premise.active and target.agency.is_active):
        return None, 410
    return target, None


def _page(request, template, context, status=200):
    current = citizen_language(translation.get_language())
    context["languages"] = [(DJANGO_CODES[code], name) for code, name in LANGUAGE_NAMES.items() if code != current]
    response = render(request, template, context, status=status)
    response["Content-Language"] = translation.get_language()
    if limits.PHONE_COOKIE not in request.COOKIES:
        response.set_cookie(limits.PHONE_COOKIE, limits.new_phone_id(), max_age=limits.PHONE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _int_or_raw(value):
    # isascii: '¹'.isdigit() is True but int('¹') fails; only ASCII digits are numbers here.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value


def item_from_post(post, code, form):
    item = {
        "id": post.get("id") or str(uuid.uuid4()),
        "target": code,
        "score": _int_or_raw(post["score"]) if post.get("score") else None,
        "reasons": [_int_or_raw(r) for r in post.getlist("reasons")[:50]],
        "language": citizen_language(translation.get_language()),
    }
    if form["comment_enabled"]:
        item["comment"] = post.get("comment", "")
    if form["contact_enabled"]:
        item["contact"] = {"name": post.get("name", ""), "phone": post.get("phone", ""),
                           "email": post.get("email", ""), "consent": post.get("consent") == "1"}
    return item


@never_cache
def rate(request, code):
    with translation.override(qr_language(request)):
        target, status = find_target(code)
        if target is None:
            if not limits.public_allowed(request, "qr-unknown"):  # someone walking through codes
                return _page(request, "rate/qr_limited.html", {"reason": "ip"}, 429)
            return _page(request, "rate/qr_gone.html" if status == 410 else "rate/qr_not_found.html", {}, status)
        with agency_scope(target.agency_id):
            form = form_for(target, translation.get_language())
            if request.method == "POST":
                return _submit(request, target, form)
            context = {"form": form, "key": uuid.uuid4(), "values": {}, "errors": {}}
            # Inside the repeat window the phone is told before it fills in anything.
            wait = limits.repeat_wait(limits.phone_id(request), target.id)
            if wait:
                context.update(reason="repeat", minutes=limits.minutes(wait))
                return _page(request, "rate/qr_limited.html", context)
            return _page(request, "rate/qr_rate.html", context)


def _submit(request, target, form):
    item = item_from_post(request.POST, target.code, form)
    if not limits.ip_allowed(request):
        # The form comes back with everything typed, above it why it was not sent.
        return _form_again(request, form, item, {"limited": "ip"}, 429)
    phone = limits.phone_id(request)
    if not limits.claim_repeat(phone, target.id):
        # The same form sent twice (double tap, back + resend) is not a second rating.
        key = item["id"] if isinstance(item["id"], str) and len(item["id"]) <= 64 else ""
        if Rating.objects.filter(idempotency_key__in=[k for k in [_uuid(key)] if k]).exists():
            return redirect("rate:qr_thanks", code=target.code)
        wait = limits.repeat_wait(phone, target.id) or limits.repeat_window()
        return _form_again(request, form, item, {"limited": "repeat"}, 429, minutes=limits.minutes(wait))
    try:
        [result] = ingest([item], channel=Rating.QR, source=limits.source_for(request))
    except DatabaseError:
        # Not stored, so not acknowledged: the form comes back filled in, with the same key,
        # so sending it again cannot store it twice.
        log.exception("QR rating for target %s not stored", target.pk)
        limits.release_repeat(phone, target.id)
        errors = {"not_stored": _("Your rating could not be saved just now. Please send it again.")}
        return _form_again(request, form, item, errors, 503)
    if result["status"] != "rejected":
        response = redirect("rate:qr_thanks", code=target.code)
        response.status_code = 303
        return response
    limits.release_repeat(phone, target.id)
    return _form_again(request, form, item, result["errors"], 400)


def _form_again(request, form, item, errors, status, **extra):
    context = {"form": form, "key": _uuid(item["id"]) or uuid.uuid4(), "values": request.POST,
               "errors": errors, "chosen_reasons": [str(r) for r in item["reasons"]], **extra}
    return _page(request, "rate/qr_rate.html", context, status)


def _uuid(value):
    try:
        return uuid.UUID(value) if isinstance(value, str) and len(value) <= 64 else None
    except ValueError:
        return None


@never_cache
def thanks(request, code):
    with translation.override(qr_language(request)):
        target, status = find_target(code)
        if target is None:
            return _page(request, "rate/qr_gone.html" if status == 410 else "rate/qr_not_found.html", {}, status)
        with agency_scope(target.agency_id):
            return _page(request, "rate/qr_thanks.html", {"form": form_for(target, translation.get_language())})
