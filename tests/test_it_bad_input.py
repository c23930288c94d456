"""Issue 22, findings 6 and 7: no 500 from input, in one middleware (out-of-range pages and ids, NUL
bytes, too many parameters -> 400 with a message in BM and EN); `Cache-Control: no-store` on the
read API; a per-address limit on unknown QR codes and on the application form; PDFs with scripts,
automatic actions or embedded files refused as portal downloads."""
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from erating.base import uploads
from erating.base.reports import api_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    _record, clear = api_tokens.issue(world.home.agency, "Sistem Dalaman", user=world.home.admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_an_out_of_range_page_on_the_read_api_is_a_400(api):
    response = api.get("/api/v1/reports/ratings?page=99999999999999999999")
    assert response.status_code == 400 and "out of range" in response.json()["detail"]
    assert "di luar julat" in response.json()["detail_ms"]


def test_the_read_api_is_never_cached(api):
    response = api.get("/api/v1/reports/figures")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/control/audit/export.csv?q=%00", "/control/audit/?q=a%00b",
                                 "/control/reports/?premise=99999999999999999999"])
def test_a_nul_byte_or_an_impossible_id_is_a_400_for_a_logged_in_user(world, client, url):
    client.force_login(world.home.admin)
    response = client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Permintaan" in body or "Nilai" in body
    assert "NUL" in body or "out of range" in body


def test_a_nul_byte_in_a_posted_form_is_a_400(client):
    response = client.post(reverse("control:login"), {"username": "a\x00@b.my", "password": "x"})
    assert response.status_code == 400


def test_too_many_parameters_is_a_400(client):
    query = "&".join(f"p{i}=1" for i in range(1200))
    response = client.get(f"/control/login/?{query}")
    assert response.status_code == 400 and "Too many parameters" in response.content.decode()


def test_ordinary_pages_and_filters_pass(world, client):
    client.force_login(world.home.admin)
    assert client.get("/control/audit/?q=abc&page=2").status_code == 200


@pytest.fixture
def low_limit(settings, memory_cache):
    settings.PUBLIC_PER_MINUTE = 5
    return 5


def test_unknown_qr_codes_are_limited_per_address(world, low_limit, still_clock):
    walker = Client(REMOTE_ADDR="10.9.9.9")
    answers = [walker.get(f"/r/nosuchcode{i}").status_code for i in range(low_limit + 3)]
    assert answers[:low_limit] == [404] * low_limit and answers[low_limit:] == [429] * 3
    assert Client(REMOTE_ADDR="10.9.9.8").get("/r/nosuchcode").status_code == 404  # another address


def test_the_application_form_is_limited_per_address(world, low_limit, still_clock):
    visitor = Client(REMOTE_ADDR="10.9.9.7")
    answers = [visitor.get(reverse("portal:apply")).status_code for _ in range(low_limit + 2)]
    assert answers[:low_limit] == [200] * low_limit and answers[low_limit:] == [429] * 2
    visitor.cookies["django_language"] = "en"
    assert "Too many requests" in visitor.get(reverse("portal:apply")).content.decode()


def _pdf(*objects):
    body = b"%PDF-1.7\n" + b"\n".join(objects) + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile("panduan.pdf", body, content_type="application/pdf")


@pytest.mark.parametrize("catalog", [
    b"1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj",
    b"1 0 obj << /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >> endobj",
    b"1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj",
    b"1 0 obj << /Type /Catalog /Op#65nAction 2 0 R >> endobj",  # a #xx-escaped name
])
def test_pdfs_with_active_content_are_refused_as_portal_downloads(catalog):
    with pytest.raises(ValidationError) as refused:
        uploads.validate_document(_pdf(catalog))
    assert refused.value.code == "pdf_active"


def test_active_content_hidden_in_a_compressed_object_stream_is_found():
    hidden = zlib.compress(b"1 0 obj << /Type /Catalog /OpenAction 3 0 R >> endobj")
    stream = b"2 0 obj << /Type /ObjStm /Filter /FlateDecode >> stream\n" + hidden + b"\nendstream endobj"
    with pytest.raises(ValidationError):
        uploads.validate_document(_pdf(stream))


def test_a_plain_pdf_is_accepted():
    uploads.validate_document(_pdf(b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
                                   b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj"))
