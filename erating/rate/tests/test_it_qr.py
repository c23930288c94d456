"""The public QR page /r/<code>: form, submission through the ingest service, friendly 404/410,
language, abuse limits (locmem and real Redis) and flags."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django_scopes import scopes_disabled

from erating.base.models import Agency, Rating, Target


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def url(target):
    return f"/r/{target.code}"


def qr_ratings(**filters):
    with scopes_disabled():
        return Rating.objects.filter(channel=Rating.QR, source__startswith="ip:", **filters)


def phone(ip="10.0.0.1", ua="Phone"):
    """A new phone: its own cookie jar (so its own phone id) and address."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)
    return client


def send(client, target, **fields):
    page = client.get(url(target))
    data = {"id": str(page.context["key"]), "score": "5", **fields}
    return client.post(url(target), data)


def test_it_shows_the_form_in_bm_by_default_even_to_english_browsers(world):
    response = phone().get(url(world.home.counter), HTTP_ACCEPT_LANGUAGE="en-US,en")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "ms"
    assert world.home.agency.name_ms in body and world.home.premise.name in body and "Kaunter 1" in body
    assert "Cemerlang" in body and "Tidak senyum" in body and 'name="csrfmiddlewaretoken"' in body
    assert "app.css" not in body  # the QR page inlines its critical CSS


def test_it_switches_to_english_with_the_language_switch(world):
    client = phone()
    client.get(url(world.home.counter))
    client.post("/i18n/setlang/", {"language": "en", "next": url(world.home.counter)})
    body = client.get(url(world.home.counter)).content.decode()
    assert "Excellent" in body and "Did not smile" in body and "Counter 1" in body


def test_it_accepts_a_code_typed_in_capitals(world):
    assert phone().get(f"/r/{world.home.counter.code.upper()}").status_code == 200


def test_it_names_an_officer_only_by_name(world):
    body = phone().get(url(world.home.officer_target)).content.decode()
    assert world.home.officer.full_name in body and world.home.officer.email not in body


def test_it_stores_a_rating_and_thanks_the_customer(world):
    with scopes_disabled():
        Agency.objects.filter(pk=world.home.agency.pk).update(thank_you_ms="Terima kasih, tuan/puan!")
    client = phone()
    response = send(client, world.home.counter, score="1", reasons=[str(world.home.reasons[0].id)],
                    comment="Tunggu lama, IC saya 900101-14-5678")
    assert response.status_code == 303 and response["Location"].endswith("/thanks")
    rating = qr_ratings().get()
    assert (rating.score, rating.reasons, rating.target_id) == (1, [world.home.reasons[0].id], world.home.counter.id)
    assert "5678" not in rating.comment and rating.source.startswith("ip:")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Terima kasih, tuan/puan!" in thanks.content.decode()


def test_it_keeps_contact_details_only_with_consent(world):
    send(phone("10.0.0.2"), world.home.counter, name="Ali", phone="012-3456789", consent="1")
    send(phone("10.0.0.3"), world.home.service, name="Abu", phone="013-3456789")
    with_consent, without = qr_ratings().get(target=world.home.counter), qr_ratings().get(target=world.home.service)
    assert (with_consent.contact_consent, with_consent.contact_phone) == (True, "012-3456789")
    assert (without.contact_consent, without.contact_name, without.contact_phone) == (False, "", "")


def test_it_shows_field_errors_and_lets_the_customer_fix_them(world):
    client = phone()
    response = send(client, world.home.counter, score="", comment="x" * 1001)
    body = response.content.decode()
    assert response.status_code == 400 and "1000" in body and not qr_ratings().exists()
    assert send(client, world.home.counter, score="4").status_code == 303  # the failed try did not use the window


def test_it_counts_a_resent_form_once(world):
    client = phone()
    page = client.get(url(world.home.counter))
    data = {"id": str(page.context["key"]), "score": "4"}
    assert client.post(url(world.home.counter), data).status_code == 303
    assert client.post(url(world.home.counter), data).status_code == 302  # back to thanks, not 429
    assert qr_ratings().count() == 1


def test_it_refuses_a_post_without_csrf(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(world.home.counter), {"score": "5"})
    assert response.status_code == 403 and not qr_ratings().exists()


def test_it_answers_unknown_codes_with_a_friendly_404(world):
    for code in ("zzzzzzzzzz", "%27%20or%201=1", "a" * 40, str(world.home.counter.id)):
        response = phone().get(f"/r/{code}")
        assert response.status_code == 404 and "Halaman penilaian tidak dijumpai" in response.content.decode()


def test_it_answers_retired_and_inactive_targets_and_suspended_agencies_with_410(world):
    with scopes_disabled():
        old = world.home.counter.code
        Target.objects.filter(pk=world.home.counter.pk).update(code="newcode234", previous_codes=[old])
        Target.objects.filter(pk=world.home.service.pk).update(active=False)
        Agency.objects.filter(pk=world.other.agency.pk).update(status=Agency.SUSPENDED)
    for path in (f"/r/{old}", url(world.home.service), url(world.other.counter), f"/r/{old}/thanks"):
        response = phone().get(path)
        assert response.status_code == 410, path
        assert "Kod QR ini tidak lagi digunakan" in response.content.decode()
    assert phone().post(url(world.other.counter), {"score": "5"}).status_code == 410
    client = phone()
    client.cookies["django_language"] = "en"
    assert "This QR code is no longer in use" in client.get(url(world.home.service)).content.decode()
    assert phone().get("/r/newcode234").status_code == 200


def test_it_lets_one_phone_rate_a_target_once_per_window(world, settings):
    settings.RATING_REPEAT_WINDOW_SECONDS = 300
    client = phone()
    assert send(client, world.home.counter).status_code == 303
    second = send(client, world.home.counter)
    assert second.status_code == 429 and "5" in second.content.decode()
    assert send(client, world.home.service).status_code == 303  # another target is fine
    assert send(phone("10.0.0.9"), world.home.counter).status_code == 303  # another phone is fine
    assert qr_ratings().count() == 3


def test_it_limits_submissions_per_address(world, settings, still_clock):
    settings.RATING_IP_PER_MINUTE = 3
    targets = [world.home.counter, world.home.service, world.home.facility, world.home.officer_target]
    statuses = [send(phone("10.1.1.1", ua=f"UA{i}"), t).status_code for i, t in enumerate(targets)]
    assert statuses == [303, 303, 303, 429]
    assert qr_ratings().count() == 3


def test_it_flags_scripted_bursts_but_stores_them(world, settings, still_clock):
    settings.RATING_BURST_MAX = 3
    for i in range(5):  # a script throwing its cookies away, from one address
        assert send(phone("10.2.2.2", ua=f"bot{i}"), world.home.counter).status_code == 303
    flags = list(qr_ratings().order_by("id").values_list("flagged", flat=True))
    assert flags == [False, False, False, True, True]


def test_it_shares_limits_through_redis(world, settings, redis_cache, still_clock):
    server, prefix = redis_cache, redis_cache.test_prefix
    settings.RATING_IP_PER_MINUTE = 2
    client = phone("10.3.3.3")
    assert send(client, world.home.counter).status_code == 303
    assert send(client, world.home.counter).status_code == 429  # same phone, same target
    assert send(phone("10.3.3.3", ua="Other"), world.home.service).status_code == 429  # address limit
    # The counters live in Redis, where every app server sees them.
    keys = {k.decode() for k in server.keys(f"{prefix}:*")}
    assert any(":rl:rep:" in k for k in keys) and any(":rl:ip:" in k for k in keys), keys
    assert qr_ratings().count() == 1


def test_it_takes_the_rating_when_the_limits_store_is_down(world, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="erating.base.ingest.limits"):
        response = send(phone("10.4.4.4"), world.home.counter)
    assert response.status_code == 303  # the thank-you page, not a 500
    assert qr_ratings().count() == 1 and not qr_ratings().get().flagged
    assert any("limits not applied" in r.getMessage() for r in caplog.records)


def test_it_treats_non_ascii_digits_in_the_form_as_invalid_not_a_crash(client, world):
    for value in ("¹", "٣", "５"):
        response = client.post(f"/r/{world.home.counter.code}", {"score": value, "reasons": value})
        assert response.status_code == 400  # the form again, with its error, and nothing stored
    assert not qr_ratings().exists()


def test_it_keeps_the_form_filled_when_the_rating_cannot_be_stored(world, monkeypatch):
    from django.db import OperationalError

    from erating.base.ingest import service as ingest

    def fail(rows):
        raise OperationalError("the database went away")

    client = phone()
    page = client.get(url(world.home.counter))
    data = {"id": str(page.context["key"]), "score": "4", "comment": "Cepat"}
    monkeypatch.setattr(ingest, "insert_new", fail)
    response = client.post(url(world.home.counter), data)
    assert response.status_code == 503
    assert "could not be saved" in response.content.decode() or "tidak dapat disimpan" in response.content.decode()
    assert response.context["values"]["comment"] == "Cepat" and str(response.context["key"]) == data["id"]
    assert not qr_ratings().exists()
    monkeypatch.undo()
    assert client.post(url(world.home.counter), data).status_code == 303  # the repeat window was released
    assert qr_ratings(idempotency_key=data["id"]).count() == 1


def test_it_stores_the_language_the_customer_rated_in(world):
    assert send(phone("10.0.0.31"), world.home.counter, score="1").status_code == 303
    english = phone("10.0.0.32")
    english.cookies["django_language"] = "en"
    assert send(english, world.home.service, score="2").status_code == 303
    assert list(qr_ratings(target=world.home.counter).values_list("language", flat=True)) == ["ms"]
    assert list(qr_ratings(target=world.home.service).values_list("language", flat=True)) == ["en"]
