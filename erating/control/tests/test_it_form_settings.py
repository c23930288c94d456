import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image

from erating.base.models import Agency, AuditEntry, FollowUpReason, ScoreCaption

pytestmark = pytest.mark.django_db
URL = "control:form_settings"
GENERAL = {"section": "general", "form_size": "3", "reasons_max_score": "3", "comment_enabled": "on",
           "thank_you_ms": "Terima kasih!", "thank_you_en": "Thank you!"}


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def image_file(fmt="PNG", size=(200, 100), name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 60, 200)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def entry(action):
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action).first()


def agency(world):
    with scopes_disabled():
        return Agency.objects.get(pk=world.home.agency.pk)


def test_it_saves_form_settings_with_audit(world, login):
    client = login(world.home.admin)
    assert client.get(reverse(URL)).status_code == 200
    assert client.post(reverse(URL), GENERAL).status_code == 302
    saved = agency(world)
    assert (saved.form_size, saved.reasons_max_score, saved.comment_enabled, saved.contact_enabled) == (3, 3, True, False)
    assert saved.thank_you_en == "Thank you!"
    changes = entry("agency.form_settings").changes
    assert changes["form_size"] == [5, 3] and changes["contact_enabled"] == [True, False]


def test_it_rejects_invalid_settings(world, login):
    client = login(world.home.admin)
    response = client.post(reverse(URL), {**GENERAL, "form_size": "4", "reasons_max_score": "7",
                                          "thank_you_ms": "x" * 301})
    assert response.status_code == 400
    assert set(response.context["settings_form"].errors) == {"form_size", "reasons_max_score", "thank_you_ms"}
    assert agency(world).form_size == 5


def test_it_shows_the_captions_and_reasons_in_four_languages_side_by_side(world, login):
    client = login(world.home.admin)
    page = client.get(reverse(URL))
    body = page.content.decode()
    row = re.search(r'<tr data-score="5">(.*?)</tr>', body, re.S).group(1)
    assert [re.search(rf'name="caption_{lang}_5"[^>]*value="([^"]*)"', row).group(1)
            for lang in ("ms", "en", "zh", "ta")] == ["Cemerlang", "Excellent", "优秀", "மிகச் சிறப்பு"]
    reason = world.home.reasons[0]
    for lang, text in (("zh", "没有微笑"), ("ta", "புன்னகைக்கவில்லை")):
        assert f'name="text_{lang}" value="{text}"' in body
    client.post(reverse("control:form_reasons"), {"action": "save", "reason": reason.pk, "text_ms": "Tidak senyum",
                                                  "text_en": "Did not smile", "text_zh": "不笑", "text_ta": "சிரிக்கவில்லை"})
    with scopes_disabled():
        reason.refresh_from_db()
    assert (reason.text_zh, reason.text_ta) == ("不笑", "சிரிக்கவில்லை")
    assert entry("reason.save").changes["text_zh"] == ["没有微笑", "不笑"]
    data = {"section": "captions", **{f"caption_{lang}_{s}": f"{lang} {s}" for lang in ("ms", "en") for s in range(1, 6)},
            "caption_zh_5": "非常好", "caption_ta_5": "மிக நன்று"}
    assert client.post(reverse(URL), data).status_code == 302
    with scopes_disabled():
        five = ScoreCaption.objects.get(agency=world.home.agency, score=5)
    assert (five.caption_zh, five.caption_ta) == ("非常好", "மிக நன்று")


def test_it_edits_captions_in_both_languages(world, login):
    client = login(world.home.admin)
    data = {"section": "captions"}
    for score in range(1, 6):
        data[f"caption_ms_{score}"], data[f"caption_en_{score}"] = f"Skor {score}", f"Score {score}"
    data["caption_en_5"] = "Superb"
    assert client.post(reverse(URL), data).status_code == 302
    with scopes_disabled():
        captions = {c.score: c for c in ScoreCaption.objects.filter(agency=world.home.agency)}
    assert captions[5].caption_en == "Superb" and captions[1].caption_ms == "Skor 1"
    assert entry("agency.captions").changes["caption_5"][1] == ["Skor 5", "Superb", "", ""]
    missing = client.post(reverse(URL), {**data, "caption_ms_3": ""})
    assert missing.status_code == 400 and "caption_ms_3" in missing.context["captions_form"].errors


def test_it_adds_edits_reorders_and_deactivates_reasons(world, login):
    client = login(world.home.admin)
    url = reverse("control:form_reasons")
    assert client.post(url, {"action": "add", "text_ms": "Lambat", "text_en": "Slow"}).status_code == 302
    assert client.post(url, {"action": "add", "text_ms": "", "text_en": "Rude"}).status_code == 400
    with scopes_disabled():
        new = FollowUpReason.objects.get(text_en="Slow")
    client.post(url, {"action": "up", "reason": new.pk})
    client.post(url, {"action": "save", "reason": new.pk, "text_ms": "Terlalu lambat", "text_en": "Too slow"})
    client.post(url, {"action": "deactivate", "reason": world.home.reasons[0].pk})
    with scopes_disabled():
        order = list(FollowUpReason.objects.filter(agency=world.home.agency).order_by("position", "id")
                     .values_list("text_en", "active"))
    assert order == [("Did not smile", False), ("Too slow", True), ("Incomplete information", True)]
    with scopes_disabled():
        assert set(AuditEntry.objects.filter(action__startswith="reason.").values_list("action", flat=True)) == \
            {"reason.create", "reason.up", "reason.save", "reason.deactivate"}
    # another agency's reason is not reachable
    assert client.post(url, {"action": "deactivate", "reason": world.other.reasons[0].pk}).status_code == 404


def test_it_uploads_a_validated_logo(world, login):
    client = login(world.home.admin)
    url = reverse("control:form_logo")
    assert client.post(url, {"logo": image_file()}).status_code == 302
    logo = agency(world).logo
    assert logo.name.startswith("logos/home-") and logo.name.endswith(".png")
    assert entry("agency.logo").changes["logo"] == [None, logo.name]
    bad = {
        "svg": SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        "text": SimpleUploadedFile("x.png", b"not an image at all"),
        "gif": image_file("GIF", name="x.gif"),
        "tiny": image_file(size=(8, 8)),
        "huge": SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 10)),
    }
    for label, upload in bad.items():
        response = client.post(url, {"logo": upload})
        assert response.status_code == 400 and response.context["logo_form"].errors["logo"], label
    assert agency(world).logo.name == logo.name
    assert client.post(url, {"remove": "1"}).status_code == 302 and not agency(world).logo


def test_it_keeps_other_roles_out_and_lets_sysadmin_pick(world, login):
    for user in (world.home.supervisor, world.home.officer):
        client = login(user)
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse("control:form_logo"), {"remove": "1"}).status_code == 403
    sysadmin = login(world.sysadmin)
    assert world.other.agency.name in sysadmin.get(reverse(URL)).content.decode()  # chooser
    response = sysadmin.post(reverse(URL) + f"?agency={world.other.agency.pk}", GENERAL)
    assert response.status_code == 302 and response["Location"].endswith(f"?agency={world.other.agency.pk}")
    with scopes_disabled():
        assert Agency.objects.get(pk=world.other.agency.pk).form_size == 3
        assert Agency.objects.get(pk=world.home.agency.pk).form_size == 5
