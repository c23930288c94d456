"""Editing the public portal (system administrator): draft → preview → publish → unpublish, every
change audited, rich text sanitised, uploads checked for type, size and content."""
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from erating.base import uploads
from erating.base.models import AuditEntry, Download, FaqEntry, GalleryItem, NewsArticle, PortalText

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    return tmp_path


@pytest.fixture
def sysadmin(world, login):
    return login(world.sysadmin)


def png(size=(64, 36)):
    out = io.BytesIO()
    Image.new("RGB", size, "#1d4ed8").save(out, "PNG")
    return SimpleUploadedFile("gambar.png", out.getvalue(), content_type="image/png")


NEWS = {"title_ms": "Berita ujian", "title_en": "Test news", "slug": "berita-ujian", "date": "2026-05-04",
        "summary_ms": "Ringkasan", "summary_en": "Summary", "position": 0,
        "body_ms": '<p onclick="x()">Isi <script>alert(1)</script><a href="javascript:evil()">pautan</a>'
                   '<a href="https://www.malaysia.gov.my">MyGov</a></p><img src=x onerror=y>',
        "body_en": "<p>Body</p>", "image_alt_ms": "Gambar", "image_alt_en": "Picture"}


def audits(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_it_creates_news_as_a_draft_then_previews_publishes_and_unpublishes(world, sysadmin, client):
    response = sysadmin.post("/control/system/portal/news/new/", {**NEWS, "image": png()})
    assert response.status_code == 302, response.content.decode()[:2000]
    article = NewsArticle.objects.get()
    assert not article.published and article.image.name.startswith("portal/news/")
    # Sanitised: no script, no handler, no javascript: URL; the safe link survives.
    assert "<script" not in article.body_ms and "onclick" not in article.body_ms and "javascript" not in article.body_ms
    assert "onerror" not in article.body_ms and 'href="https://www.malaysia.gov.my"' in article.body_ms
    [created] = audits("portal.create")
    assert created.user == world.sysadmin and created.changes["title_ms"] == [None, "Berita ujian"]

    from django.test import Client
    public = Client()
    assert public.get("/berita/berita-ujian/").status_code == 404
    assert "Berita ujian" not in public.get("/berita/").content.decode()
    preview = sysadmin.get(f"/control/system/portal/news/{article.pk}/preview/")
    assert preview.status_code == 200 and "Berita ujian" in preview.content.decode()
    assert 'name="robots" content="noindex"' in preview.content.decode()
    assert "Test news" in sysadmin.get(f"/control/system/portal/news/{article.pk}/preview/?lang=en").content.decode()

    assert sysadmin.post(f"/control/system/portal/news/{article.pk}/publish/", {"published": "1"}).status_code == 302
    page = public.get("/berita/berita-ujian/")
    assert page.status_code == 200 and "Berita ujian" in page.content.decode()
    assert "Test news" in public.get("/en/news/berita-ujian/").content.decode()
    assert public.get(page.content.decode().split('<img src="')[1].split('"')[0]).status_code == 200
    assert [a.changes for a in audits("portal.publish")] == [{"published": [False, True]}]

    sysadmin.post(f"/control/system/portal/news/{article.pk}/publish/", {"published": "0"})
    assert public.get("/berita/berita-ujian/").status_code == 404
    assert len(audits("portal.unpublish")) == 1


def test_it_audits_an_edit_with_before_and_after(world, sysadmin):
    entry = FaqEntry.objects.create(question_ms="Soalan lama", answer_ms="<p>Jawapan</p>", published=True)
    response = sysadmin.post(f"/control/system/portal/faq/{entry.pk}/", {
        "question_ms": "Soalan baharu", "question_en": "New question", "answer_ms": "<p>Jawapan</p>",
        "answer_en": "", "position": 3})
    assert response.status_code == 302
    [update] = audits("portal.update")
    assert update.changes == {"question_ms": ["Soalan lama", "Soalan baharu"], "question_en": ["", "New question"],
                              "position": [0, 3]}
    entry.refresh_from_db()
    assert entry.published  # editing a published item keeps it published


def test_it_deletes_with_an_audit_entry(world, sysadmin, media):
    item = GalleryItem(title_ms="Gambar", alt_ms="Keterangan", published=True)
    item.file.save("a.png", png(), save=True)
    path = media / item.file.name
    assert path.exists()
    assert sysadmin.post(f"/control/system/portal/gallery/{item.pk}/delete/").status_code == 302
    assert not GalleryItem.objects.exists() and not path.exists()
    assert audits("portal.delete")[0].changes["title_ms"] == ["Gambar", None]


def test_it_edits_home_texts_and_contact_details(world, sysadmin, client):
    data = {"tagline_ms": "Slogan baharu", "tagline_en": "New tagline", "about_ms": "<p>Tentang</p>",
            "about_en": "", "join_ms": "<p>Sertai<script>x</script></p>", "join_en": "", "contact_unit_ms": "Unit",
            "contact_unit_en": "", "contact_address": "Aras 1\nPutrajaya", "contact_phone": "03-1234 5678",
            "contact_email": "erating@contoh.gov.my", "contact_hours_ms": "", "contact_hours_en": ""}
    assert sysadmin.post("/control/system/portal/texts/", data).status_code == 302
    text = PortalText.objects.get()
    assert text.pk == 1 and text.join_ms == "<p>Sertai</p>"
    assert "Slogan baharu" in client.get("/").content.decode()
    contact = client.get("/hubungi/").content.decode()
    assert "03-1234 5678" in contact and "erating@contoh.gov.my" in contact and "Aras 1<br>Putrajaya" in contact
    assert audits("portal.create")[0].changes["contact_phone"] == [None, "03-1234 5678"]
    bad = sysadmin.post("/control/system/portal/texts/", {**data, "contact_email": "bukan-emel"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    assert PortalText.objects.get().contact_email == "erating@contoh.gov.my"


@pytest.mark.parametrize("name, content, message", [
    ("program.exe", b"MZ\x90\x00", "Jenis fail ini tidak diterima"),
    ("gambar.png", b"MZ\x90\x00not a png", "tidak sepadan"),
    ("dokumen.pdf", b"%PDF-1.7 but in the gallery", "Jenis fail ini tidak diterima"),
])
def test_it_rejects_gallery_uploads_of_the_wrong_type(world, sysadmin, name, content, message):
    response = sysadmin.post("/control/system/portal/gallery/new/", {
        "title_ms": "X", "alt_ms": "Y", "position": 0, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not GalleryItem.objects.exists()


def test_it_rejects_files_over_the_size_limit(world, sysadmin, monkeypatch):
    monkeypatch.setattr(uploads, "DOCUMENT_MAX", 1024)
    big = SimpleUploadedFile("besar.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    response = sysadmin.post("/control/system/portal/downloads/new/", {"title_ms": "Besar", "position": 0, "file": big})
    assert response.status_code == 200 and "terlalu besar" in response.content.decode()
    ok = sysadmin.post("/control/system/portal/downloads/new/", {
        "title_ms": "Kecil", "position": 0, "file": SimpleUploadedFile("kecil.pdf", b"%PDF-1.7\n%%EOF")})
    assert ok.status_code == 302 and Download.objects.get().title_ms == "Kecil"


def test_it_rejects_a_big_image_even_where_videos_may_be_larger(world, sysadmin, monkeypatch):
    monkeypatch.setattr(uploads, "IMAGE_MAX", 100)
    response = sysadmin.post("/control/system/portal/gallery/new/", {
        "title_ms": "X", "alt_ms": "Y", "position": 0, "file": png((200, 200))})
    assert response.status_code == 200 and "terlalu besar" in response.content.decode()


def test_it_accepts_and_serves_a_video_with_byte_ranges(world, sysadmin, client):
    webm = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 4
    response = sysadmin.post("/control/system/portal/gallery/new/", {
        "title_ms": "Video", "alt_ms": "Petugas menunjukkan cara mengimbas kod QR.", "position": 0,
        "file": SimpleUploadedFile("demo.webm", webm)})
    assert response.status_code == 302
    item = GalleryItem.objects.get()
    assert item.kind == "video"
    item.published = True
    item.save()
    body = client.get("/galeri/").content.decode()
    assert "<video" in body and "Petugas menunjukkan cara mengimbas kod QR." in body
    url = body.split('<source src="')[1].split('"')[0]
    part = client.get(url, HTTP_RANGE="bytes=4-13")
    assert part.status_code == 206 and part.content == webm[4:14]
    assert part["Content-Range"] == f"bytes 4-13/{len(webm)}"
    assert client.get(url, HTTP_RANGE=f"bytes={len(webm) + 5}-").status_code == 416
    assert client.get("/portal-files/logos/x.png").status_code == 404
    assert client.get("/portal-files/portal/../../etc/passwd").status_code == 404
