"""Security headers on every page: a strict Content-Security-Policy (no inline script, event
handler or style attribute anywhere, so 'unsafe-inline' is never needed), a Permissions-Policy,
`Cache-Control: no-store` in the back office, and API docs served from our own static files."""
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style(?P<attrs>[^>]*)>", re.I)
EXTERNAL = re.compile(r"""(?:src|href)=["']https?://""", re.I)


def policy(response):
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


def public_pages(world):
    return [reverse("portal:home"), reverse("portal:apply"), reverse("control:login"),
            reverse("control:password_reset"), reverse("rate:qr", args=[world.home.counter.code]),
            reverse("rate:qr", args=["no-such-code"]), reverse("rate:kiosk"), "/api/v1/docs"]


def back_office_pages(world):
    return [reverse("control:home"), reverse("control:premise_list"), reverse("control:target_list"),
            reverse("control:officer_list"), reverse("control:device_list"), reverse("control:audit_list"),
            reverse("control:premise_detail", args=[world.home.premise.pk]),
            reverse("control:target_detail", args=[world.home.counter.pk]), reverse("control:password_change")]


def check_page(response, url):
    problems = []
    csp = policy(response)
    if not csp:
        return [f"{url}: no Content-Security-Policy"]
    for directive, expected in [("default-src", ["'self'"]), ("script-src", ["'self'"]),
                                ("object-src", ["'none'"]), ("frame-ancestors", ["'none'"]),
                                ("base-uri", ["'none'"])]:
        if csp.get(directive) != expected:
            problems.append(f"{url}: {directive} {csp.get(directive)}")
    if "'unsafe-inline'" in csp.get("style-src", []) or "'unsafe-eval'" in csp.get("script-src", []):
        problems.append(f"{url}: unsafe style/script source")
    if "Permissions-Policy" not in response.headers or "camera=()" not in response["Permissions-Policy"]:
        problems.append(f"{url}: no Permissions-Policy")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: frameable ({response.get('X-Frame-Options')})")
    if "text/html" in response.get("Content-Type", ""):
        # Canonical and hreflang links name our own public address (SITE_URL) in full, as they must.
        body = response.content.decode().replace(f'href="{settings.SITE_URL}', 'href="')
        for name, pattern in [("inline script", INLINE_SCRIPT), ("event handler", HANDLER),
                              ("style attribute", STYLE_ATTR), ("external asset", EXTERNAL)]:
            if pattern.search(body):
                problems.append(f"{url}: {name}: {pattern.search(body).group(0)[:80]}")
        nonce = re.search(r"'nonce-([^']+)'", " ".join(csp.get("style-src", [])))
        for block in STYLE_BLOCK.finditer(body):
            if not nonce or f'nonce="{nonce.group(1)}"' not in block.group("attrs"):
                problems.append(f"{url}: <style> without the response's nonce")
    return problems


def test_public_pages_send_a_strict_policy(world):
    client = Client()
    problems = []
    for url in public_pages(world):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        problems += check_page(response, url)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["admin", "supervisor", "officer"])
def test_back_office_pages_send_a_strict_policy_and_no_store(world, role):
    client = Client()
    client.force_login(getattr(world.home, role))
    problems = []
    for url in back_office_pages(world):
        response = client.get(url)
        if response.status_code == 403:  # not this role's page
            continue
        assert response.status_code == 200, (url, response.status_code)
        problems += check_page(response, url)
        if response.get("Cache-Control") != "no-store":
            problems.append(f"{url}: Cache-Control {response.get('Cache-Control')}")
    assert not problems, "\n".join(problems)


def test_system_admin_pages_too(world):
    client = Client()
    client.force_login(world.sysadmin)
    problems = []
    for url in [reverse("control:home"), reverse("control:agency_list"), reverse("control:ministry_list"),
                reverse("control:application_list")]:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += check_page(response, url)
    assert not problems, "\n".join(problems)


def test_the_qr_page_nonce_changes_with_every_answer(world):
    url = reverse("rate:qr", args=[world.home.counter.code])
    first, second = Client().get(url), Client().get(url)
    assert policy(first)["style-src"][1].startswith("'nonce-")
    assert policy(first)["style-src"] != policy(second)["style-src"]


def test_api_docs_load_their_viewer_from_our_own_static_files():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body and "/static/ninja/swagger-ui.css" in body
    assert "cdn" not in body.lower() and not EXTERNAL.search(body)
    assert response["X-Frame-Options"] == "DENY" and policy(response)["frame-ancestors"] == ["'none'"]


def test_api_answers_carry_the_headers_too(world):
    response = Client().get("/api/v1/kiosk/config")
    assert response.status_code == 401
    assert policy(response)["default-src"] == ["'self'"]
    assert "Permissions-Policy" in response.headers
