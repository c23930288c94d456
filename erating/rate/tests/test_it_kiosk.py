"""The kiosk shell, its service worker and manifest (Django test client)."""
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from erating.base.catalogue.devices import KIOSK_APP_VERSION

pytestmark = pytest.mark.django_db


def test_it_kiosk_redirects_to_shell_and_serves_it_without_tenant_data(client, world):
    assert client.get("/kiosk")["Location"] == "/kiosk/"
    response = client.get("/kiosk/")
    assert response.status_code == 200
    body = response.content.decode()
    # The same shell for every tablet: nothing about any agency, so it can be cached as is.
    assert world.home.agency.name_ms not in body and world.home.premise.name not in body
    assert 'rel="manifest"' in body and 'data-sw="/kiosk/sw.js"' in body
    strings = json.loads(re.search(r'id="kiosk-strings" type="application/json">(.*?)</script>', body).group(1))
    assert set(strings) == {"ms", "en", "zh", "ta"}
    assert all(strings[lang].keys() == strings["ms"].keys() for lang in strings)
    # The customer's words in each language; the staff menu may stay in BM.
    assert (strings["zh"]["send"], strings["ta"]["send"], strings["en"]["send"]) == ("发送", "அனுப்பு", "Send")
    for name in ("Bahasa Melayu", "English", "中文", "தமிழ்"):
        assert f">{name}</button>" in body
    assert "no-cache" in response["Cache-Control"]
    assert "<script src=" in body and "cdn" not in body.lower()


def test_it_serves_service_worker_from_kiosk_scope(client):
    response = client.get(reverse("rate:kiosk_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/kiosk/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert "/kiosk/" in shell and any(url.endswith("kiosk.js") for url in shell)
    assert '"erating-kiosk-" + VERSION' in body and f'const VERSION = "{KIOSK_APP_VERSION}"' in body
    # Everything it precaches exists (a missing file would make the worker's install fail).
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_it_serves_installable_manifest(client):
    response = client.get(reverse("rate:kiosk_manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == "/kiosk/" and data["scope"] == "/kiosk/" and data["display"] in ("standalone", "fullscreen")
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        from PIL import Image

        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_it_kiosk_script_stays_small_and_plain():
    for name, limit in [("rate/kiosk/kiosk.js", 24_000), ("rate/kiosk/kiosk.css", 8_000)]:
        with open(finders.find(name), encoding="utf-8") as handle:
            text = handle.read()
        assert len(text.encode()) < limit, name
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
