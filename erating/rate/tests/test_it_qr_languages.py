"""The QR page in the citizen's own language: BM, English, 中文 and தமிழ், one tap each, remembered
in the language cookie; captions, reasons, consent and thank-you in that language; the rating
stores it; the page stays within its 14 KB budget in every language."""
import gzip
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django_scopes import scopes_disabled

from erating.base.models import Agency, Rating

LANGS = {
    # cookie value: (html lang, question, caption of 5, first reason, consent, stored language)
    "ms": ("ms", "Sejauh manakah", "Cemerlang", "Tidak senyum", "Saya bersetuju", "ms"),
    "en": ("en", "How satisfied are you", "Excellent", "Did not smile", "I agree that the agency", "en"),
    "zh-hans": ("zh-hans", "您对我们的服务满意吗", "优秀", "没有微笑", "我同意该机构就此反馈与我联系", "zh"),
    "ta": ("ta", "எங்கள் சேவையில்", "மிகச் சிறப்பு", "புன்னகைக்கவில்லை", "ஒப்புக்கொள்கிறேன்", "ta"),
}


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def url(target):
    return f"/r/{target.code}"


def choose(client, target, language):
    """One tap on the language button: the same POST the page's button sends."""
    response = client.post("/i18n/setlang/", {"language": language, "next": url(target)})
    assert response.status_code == 302 and response["Location"] == url(target)


@pytest.mark.parametrize("language", LANGS)
def test_it_shows_the_form_in_the_chosen_language_and_stores_it(world, language):
    html_lang, question, caption, reason, consent, stored = LANGS[language]
    client = Client(REMOTE_ADDR="10.0.0.9")
    choose(client, world.home.counter, language)
    page = client.get(url(world.home.counter))
    body = page.content.decode()
    assert page.status_code == 200 and f'<html lang="{html_lang}">' in body
    assert page["Content-Language"] == html_lang
    assert question in body and caption in body and reason in body and consent in body
    # The other three languages are one tap away, each named in itself; no web font is loaded.
    buttons = re.findall(r'<button type="submit" name="language" value="([^"]+)" lang="[^"]+">([^<]+)</button>', body)
    assert sorted(v for v, _ in buttons) == sorted(set(LANGS) - {language})
    assert "@font-face" not in body and "fonts." not in body
    assert len(gzip.compress(page.content, 9)) <= 14 * 1024
    response = client.post(url(world.home.counter), {"id": str(page.context["key"]), "score": "1",
                                                     "reasons": [str(world.home.reasons[0].id)]})
    assert response.status_code == 303
    with scopes_disabled():
        rating = Rating.objects.get(idempotency_key=page.context["key"])
    assert rating.language == stored
    thanks = client.get(response["Location"]).content.decode()
    assert f'<html lang="{html_lang}">' in thanks


def test_it_thanks_in_the_agencys_own_words_or_the_national_text_of_that_language(world):
    with scopes_disabled():
        Agency.objects.filter(pk=world.home.agency.pk).update(thank_you_ms="Terima kasih, tuan/puan!",
                                                             thank_you_zh="谢谢您的宝贵意见！")
    zh, ta = Client(), Client()
    choose(zh, world.home.counter, "zh-hans")
    choose(ta, world.home.counter, "ta")
    assert "谢谢您的宝贵意见！" in zh.get(url(world.home.counter) + "/thanks").content.decode()
    tamil = ta.get(url(world.home.counter) + "/thanks").content.decode()
    # No Tamil text of its own: the national Tamil thank-you, not the agency's BM one.
    assert "உங்கள் கருத்துக்கு நன்றி" in tamil and "Terima kasih, tuan/puan!" not in tamil


def test_it_falls_back_to_bm_for_a_reason_without_a_translation(world):
    from erating.base.models import FollowUpReason

    with scopes_disabled():
        FollowUpReason.objects.create(agency=world.home.agency, text_ms="Kaunter ditutup awal",
                                      text_en="Counter closed early", position=9)
    client = Client()
    choose(client, world.home.counter, "ta")
    assert "Kaunter ditutup awal" in client.get(url(world.home.counter)).content.decode()


def test_it_ignores_an_unknown_language_cookie(world):
    client = Client()
    client.cookies["django_language"] = "fr"
    body = client.get(url(world.home.counter)).content.decode()
    assert '<html lang="ms">' in body and "Cemerlang" in body
