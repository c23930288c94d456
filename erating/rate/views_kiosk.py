"""The tablet kiosk: one static-looking shell page plus its service worker and web manifest.

The shell carries no per-device or per-user data (the tablet fetches that with its token), so
the service worker can cache it once and the kiosk still starts with the network down. The
interface strings of all four citizen languages (BM, EN, 中文, தமிழ்) are embedded so the
language switches offline too; the kiosk goes back to BM for the next customer.
"""
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from erating.base.catalogue.devices import KIOSK_APP_VERSION
from erating.base.models.bilingual import CITIZEN_LANGUAGES, LANGUAGE_NAMES, django_code

HTML_LANG = {"ms": "ms", "en": "en", "zh": "zh-Hans", "ta": "ta"}

STRINGS = {
    "pair_title": _("Pair this tablet"),
    "pair_help": _("Enter the pairing code shown in eRating under Tablets."),
    "pair_code": _("Pairing code"),
    "pair_button": _("Pair tablet"),
    "pair_revoked": _("This tablet has been removed from eRating. It must be paired again with a new code."),
    "pair_offline": _("No network connection. Connect the tablet and try again."),
    "pick_title": _("Choose the counter"),
    "pick_help": _("Chosen once per shift. The officer on duty can change it in the staff menu."),
    "staff": _("Staff"),
    "staff_title": _("Staff menu"),
    "staff_hint": _("Staff only: press and hold for 2 seconds."),
    "change_counter": _("Choose the counter for this shift"),
    "rate_question": _("How satisfied are you with our service?"),
    "reasons_title": _("What could we do better?"),
    "reasons_help": _("Choose any that apply."),
    "send": _("Send"),
    "thanks_default": _("Thank you for your feedback."),
    "thanks_again": _("Tap to rate again"),
    "signon": _("Officer sign-on"),
    "signon_title": _("Officer sign-on"),
    "signon_identifier": _("Name or e-mail"),
    "signon_pin": _("PIN"),
    "signon_button": _("Sign on"),
    "signon_offline": _("Sign-on needs a network connection."),
    "signoff": _("Sign off"),
    "on_duty": _("On duty:"),
    "cancel": _("Cancel"),
    "back": _("Back"),
    "online": _("Online"),
    "offline": _("Offline"),
    "waiting": _("waiting to be sent"),
    "no_targets": _("Nothing to rate here yet. Ask your administrator."),
    "error": _("Something went wrong. Try again."),
}


def _strings():
    out = {}
    for lang in CITIZEN_LANGUAGES:
        with translation.override(django_code(lang)):
            out[lang] = {key: str(text) for key, text in STRINGS.items()}
    return out


def shell_urls():
    """What the service worker precaches: the page and everything it loads."""
    return [reverse("rate:kiosk"), reverse("rate:kiosk_manifest"), static("rate/kiosk/queue.js"),
            static("rate/kiosk/kiosk.js"), static("rate/kiosk/kiosk.css"), static("rate/kiosk/icon-192.png"),
            static("rate/kiosk/icon-512.png")]


@cache_control(no_cache=True)
def kiosk(request):
    languages = [(code, LANGUAGE_NAMES[code], HTML_LANG[code]) for code in CITIZEN_LANGUAGES]
    return render(request, "rate/kiosk.html", {"strings": _strings(), "version": KIOSK_APP_VERSION,
                                               "languages": languages})


@cache_control(no_cache=True)
def service_worker(request):
    body = render(request, "rate/kiosk_sw.js", {
        "version": KIOSK_APP_VERSION, "shell": json.dumps(shell_urls()), "start": json.dumps(reverse("rate:kiosk")),
    }).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("rate:kiosk")
    return response


@cache_control(no_cache=True)
def manifest(request):
    start = reverse("rate:kiosk")
    data = {
        "name": str(_("eRating Kiosk")), "short_name": "eRating", "lang": "ms",
        "description": str(_("Customer satisfaction rating kiosk")),
        "start_url": start, "scope": start, "display": "fullscreen", "orientation": "any",
        "background_color": "#ffffff", "theme_color": "#1d4ed8",
        "icons": [{"src": static(f"rate/kiosk/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any maskable"} for size in (192, 512)],
    }
    return JsonResponse(data, content_type="application/manifest+json")
