"""BM by default, EN one click away on every page, remembered by cookie and on the user.

The BM assertions need the compiled `ms` catalogue (locale/ms/LC_MESSAGES/django.mo); without it
they fail with "BM catalogue lacks ..." — that is intended.
"""
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from erating.base.models import User
from erating.base.testing import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/control/login/"
SETLANG = "/i18n/setlang/"


def bm(msgid):
    """The BM text of a msgid; fails clearly when the catalogue does not translate it."""
    with translation.override("ms"):
        text = translation.gettext(msgid)
    assert text != msgid, f"BM catalogue lacks a translation for {msgid!r} (compile locale/ms)"
    return text


def html_lang(response):
    body = response.content.decode()
    start = body.index("<html")
    return body[start:body.index(">", start)]


def form_login(client, user):
    client.get(LOGIN)
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return response


def test_it_greets_a_new_visitor_in_malay():
    response = Client().get(LOGIN)
    assert 'lang="ms"' in html_lang(response)
    body = response.content.decode()
    assert "Log masuk ke eRating" in body, "BM catalogue lacks 'Log in to eRating'"
    assert "Log in to eRating" not in body
    assert bm("Skip to main content") in body
    # The switch offers English, labelled in English.
    assert 'name="language" value="en"' in body and ">English<" in body


def test_it_uses_malay_even_when_the_browser_prefers_english():
    """The default is BM for everyone (many Malaysian browsers say en-US); English is a choice."""
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ms"' in html_lang(response)
    assert bm("Four modules, one system") in response.content.decode()


def test_it_switches_to_english_and_remembers_it_by_cookie(world):
    client = Client()
    response = client.post(SETLANG, {"language": "en", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 180 * 24 * 3600
    # (Portal pages are not in this list: each has its own BM and EN address, see
    # erating/portal/tests/test_it_pages.py; the choice still applies to every other page.)
    pages = [LOGIN, "/apply/", reverse("control:password_reset"), "/no-such-page/"]
    for url in pages:
        response = client.get(url)
        assert 'lang="en"' in html_lang(response), url
        assert 'name="language" value="ms"' in response.content.decode(), f"no way back to BM on {url}"
    assert "Log in to eRating" in client.get(LOGIN).content.decode()
    # And back again.
    client.post(SETLANG, {"language": "ms", "next": "/"})
    assert 'lang="ms"' in html_lang(client.get("/"))


def test_it_refuses_unsafe_redirects_and_unknown_languages():
    client = Client()
    response = client.post(SETLANG, {"language": "en", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    client = Client()
    client.post(SETLANG, {"language": "xx", "next": "/"})
    assert 'lang="ms"' in html_lang(client.get("/"))
    assert client.get(SETLANG).status_code == 405


def test_it_saves_a_users_choice_and_applies_it_at_the_next_login(world):
    officer = world.home.officer
    assert officer.language == "ms"
    first = Client()
    form_login(first, officer)
    first.post(SETLANG, {"language": "en", "next": "/control/"})
    assert User.objects.get(pk=officer.pk).language == "en"
    assert 'lang="en"' in html_lang(first.get("/control/"))
    # A fresh browser (no cookie): BM before login, English after.
    fresh = Client()
    assert 'lang="ms"' in html_lang(fresh.get(LOGIN))
    form_login(fresh, officer)
    response = fresh.get("/control/")
    assert 'lang="en"' in html_lang(response)
    assert "My ratings" in response.content.decode()
    # Another user of the same browser later is not stuck with it after logout.
    fresh.post(reverse("control:logout"))
    form_login(fresh, world.home.admin)
    assert 'lang="ms"' in html_lang(fresh.get("/control/"))


def test_it_offers_the_switch_on_every_page(world):
    """Every HTML page without URL arguments, for a visitor and for each role, has the switch."""
    from tests.scoping import all_urls

    clients = {"anonymous": Client()}
    for role in ("admin", "supervisor", "officer"):
        clients[role] = Client()
        clients[role].force_login(getattr(world.home, role))
    clients["sysadmin"] = Client()
    clients["sysadmin"].force_login(world.sysadmin)
    # Pages that switch language their own way, with the reason and the marker proving it.
    own_switch = {"rate:kiosk": ('id="k-langs"', "offline kiosk shell switches among its four languages client-side")}
    missing, seen = [], 0
    for u in all_urls():
        if u.kwargs or u.route.startswith("api/") or u.name in ("healthz", "set_language"):
            continue
        for who, client in clients.items():
            response = client.get("/" + u.route)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            body = response.content.decode()
            if "<html" not in body:
                continue  # a fragment that htmx swaps into a page (the Analysis sections), not a page
            seen += 1
            marker = own_switch.get(u.name, (f'action="{SETLANG}"',))[0]
            if (u.name or "").startswith("portal:") and not u.name.startswith("portal:apply"):
                # Portal pages link to the same page's address in the other language.
                marker = 'class="lang-link"'

            if marker not in body:
                missing.append(f"{who}: /{u.route}")
    assert seen >= 8
    assert not missing, missing
