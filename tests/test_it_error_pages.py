"""Issue 24 item 8: an unknown address under /en/ answers the English 404 page (whatever the
browser or session prefers), and an unknown address under /api/v1/ answers JSON, through the
test client and through the production WSGI entry point (the API's short chain)."""
import pytest
from django.utils import translation

from erating.api.tests.wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db


def heading(lang):
    with translation.override(lang):
        return translation.gettext("Page not found")


def test_it_answers_english_404_under_en(client):
    assert heading("ms") != heading("en")
    for path in ("/en/no-such-page/", "/en/news/no-such-article/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="ms")
        body = response.content.decode()
        assert response.status_code == 404, path
        assert '<html lang="en">' in body and heading("en") in body and heading("ms") not in body, path
        assert 'href="/en/"' in body


def test_it_keeps_malay_404_elsewhere(client):
    response = client.get("/tiada-halaman/", HTTP_ACCEPT_LANGUAGE="ms")
    body = response.content.decode()
    assert response.status_code == 404 and '<html lang="ms">' in body and heading("ms") in body


def test_it_answers_json_404_under_api(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not Found"}
    response = WsgiClient().get("/api/v1/no/such/thing/")
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": "Not Found"}
