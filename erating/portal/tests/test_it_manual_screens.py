"""Issue 24, "Manuals that show the product": per-role manuals (customer, officer, supervisor,
agency and system administrator) in BM and EN with screenshots of the running product, taken by
the project's own browser automation, and the portal's gallery showing real screens."""
import io
import re

import pytest
from django_scopes import scopes_disabled
from PIL import Image

from erating.base.models import GalleryItem
from erating.base.portal_content import manuals, screenshots
from erating.base.portal_content.demo import GALLERY, build_portal_demo


def referenced(role, lang):
    text = (manuals.SOURCE / f"{role}.{lang}.md").read_text(encoding="utf-8")
    return re.findall(r"^!\[[^\]]+\]\(screen:([\w-]+)\)$", text, flags=re.M)


def fake_screens(folder, names, size=(640, 400)):
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(sorted(names)):
        for lang in ("ms", "en"):  # each picture different: a PDF stores identical ones once
            picture = Image.new("RGB", size, "#2563eb")
            picture.putpixel((0, 0), (i, 0, 0))
            picture.save(screenshots.screen_path(name, lang, folder))
    return folder


def all_shot_names():
    from types import SimpleNamespace

    objects = {"counter": SimpleNamespace(code="abc"), "officer_target": SimpleNamespace(pk=1),
               "premise": SimpleNamespace(pk=1)}
    return [shot[0] for shot in screenshots.shots(objects)]


def test_it_has_a_manual_for_every_role_including_the_customer():
    assert [role for role, _label in manuals.ROLES] == ["citizen", "sysadmin", "agencyadmin", "supervisor", "officer"]


def test_it_illustrates_every_manual_with_screens_the_automation_takes():
    taken = set(all_shot_names())
    for role, _label in manuals.ROLES:
        for lang in ("ms", "en"):
            names = referenced(role, lang)
            assert len(names) >= 3, (role, lang)
            assert set(names) <= taken, (role, lang, set(names) - taken)
        assert referenced(role, "ms") == referenced(role, "en")  # both languages show the same screens


def test_it_parses_a_screen():
    assert manuals.parse("## S\n\n![The QR page.](screen:qr-rate)\n") == [("h2", "S"), ("img", "qr-rate|The QR page.")]


def test_it_puts_the_screens_into_the_pdfs_and_leaves_out_missing_ones(tmp_path):
    from pypdf import PdfReader

    names = {name for role, _l in manuals.ROLES for name in referenced(role, "ms")}
    with_screens = manuals.build(output=tmp_path / "a", screens=fake_screens(tmp_path / "screens", names))
    without = manuals.build(output=tmp_path / "b", screens=tmp_path / "none")
    assert len(with_screens) == len(without) == 2 * len(manuals.ROLES) == 10
    for full, bare in zip(with_screens, without, strict=True):
        role, lang = re.match(r"erating-manual-(\w+)-(ms|en)\.pdf", full.name).groups()
        images = sum(len(page.images) for page in PdfReader(full).pages)
        assert images == len(referenced(role, lang)), full.name
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(full).pages).split())
        caption = re.search(r"^!\[([^\]]+)\]", (manuals.SOURCE / f"{role}.{lang}.md").read_text(), re.M).group(1)
        assert caption in text  # each screen is captioned in the manual's language
        assert sum(len(page.images) for page in PdfReader(bare).pages) == 0  # text-only, still built


@pytest.mark.django_db
def test_it_fills_the_gallery_with_real_screens(world, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = fake_screens(tmp_path / "screens", [g[0] for g in GALLERY], size=(390, 780))  # a phone's tall screen
    with scopes_disabled():
        build_portal_demo(screens=folder)
    items = list(GalleryItem.objects.published())
    assert len(items) == 4
    for item in items:
        picture = Image.open(io.BytesIO(item.file.read()))
        assert picture.size == (960, 540)  # framed for the 16:9 tiles, not cropped
        assert picture.getpixel((480, 270))[:3] == pytest.approx((37, 99, 235), abs=6)  # the screen, centred
        assert item.alt_en.startswith(("Phone screenshot", "Tablet screenshot", "Dashboard screenshot",
                                       "Portal screenshot"))
    body = client.get("/en/gallery/").content.decode()
    assert "The tablet kiosk at the counter" in body and "Phone screenshot" in body


@pytest.mark.django_db
def test_it_draws_the_gallery_and_says_so_when_no_screen_was_taken(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        build_portal_demo(screens=tmp_path / "none")
    alts = [item.alt_en for item in GalleryItem.objects.published()]
    assert len(alts) == 4 and all(alt.startswith("Illustration: ") for alt in alts)
