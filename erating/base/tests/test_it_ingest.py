"""The ingest service shared by the QR page and the API: validation, PII masking, idempotency
(also under concurrency on PostgreSQL), officer credit, clock skew and burst flags."""
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.ingest.rating_form import form_for
from erating.base.ingest.service import ingest, summarise
from erating.base.models import Agency, Rating, User
from erating.base.privacy import mask_pii
from erating.base.scoping import agency_scope


def run(items, ns, **kwargs):
    with agency_scope(ns.agency.id):
        return ingest(items, channel=kwargs.pop("channel", Rating.QR), **kwargs)


def item(target, score=5, **extra):
    return {"id": str(uuid.uuid4()), "target": target.code, "score": score, **extra}


def stored(key):
    with scopes_disabled():
        return Rating.objects.get(idempotency_key=key)


def test_it_stores_a_valid_rating_with_denormalised_tenancy(world):
    body = item(world.home.branch_counter, 2, reasons=[world.home.reasons[1].id], comment="  Lambat  ")
    [result] = run([body], world.home)
    assert result == {"id": body["id"], "status": "created", "errors": {}}
    rating = stored(body["id"])
    assert (rating.agency_id, rating.premise_id) == (world.home.agency.id, world.home.branch.id)
    assert rating.reasons == [world.home.reasons[1].id] and rating.comment == "Lambat"
    assert rating.client_time is None and rating.clock_skew_seconds is None


@pytest.mark.parametrize("change,field", [
    ({"score": 6}, "score"), ({"score": True}, "score"), ({"score": None}, "score"),
    ({"target": "nosuchcode"}, "target"), ({"target": 5}, "target"),
    ({"reasons": ["1"]}, "reasons"), ({"reasons": [999999]}, "reasons"),
    ({"comment": "x" * 1001}, "comment"), ({"comment": 5}, "comment"),
    ({"client_time": "yesterday"}, "client_time"), ({"officer": 999999}, "officer"),
    ({"contact": {"consent": "yes"}}, "contact"), ({"contact": {"email": "bad", "consent": True}}, "contact"),
    ({"contact": {"name": "Ali", "consent": True}}, "contact"), ({"id": "123"}, "id"),
])
def test_it_rejects_invalid_fields_with_a_message(world, change, field):
    body = {**item(world.home.counter, 1), **change}
    [result] = run([body], world.home)
    assert result["status"] == "rejected" and field in result["errors"] and result["errors"][field]


def test_it_explains_the_comment_limit(world):
    [result] = run([item(world.home.counter, comment="y" * 1200)], world.home)
    assert "1000" in result["errors"]["comment"] and "1200" in result["errors"]["comment"]


def test_it_refuses_inactive_targets_and_suspended_agencies(world):
    with scopes_disabled():
        world.home.service.active = False
        world.home.service.save()
        Agency.objects.filter(pk=world.other.agency.pk).update(status=Agency.SUSPENDED)
    [result] = run([item(world.home.service)], world.home)
    assert result["errors"]["target"]
    from erating.base.ingest import cache as ingest_cache
    ingest_cache.clear()  # update() sends no signal; the cache TTL would expire it within seconds
    [result] = run([item(world.other.counter)], world.other)
    assert result["errors"]["target"]


def test_it_allows_only_the_three_smiley_scores_on_a_three_smiley_form(world):
    with scopes_disabled():
        world.home.agency.form_size = 3
        world.home.agency.save()
    statuses = [run([item(world.home.counter, s)], world.home)[0]["status"] for s in (5, 4, 3, 2, 1)]
    assert statuses == ["created", "rejected", "created", "rejected", "created"]
    form = form_for(world.home.counter, "en")
    assert [s["score"] for s in form["smileys"]] == [5, 3, 1]
    assert form["smileys"][0]["caption"] == "Excellent"


def test_it_builds_the_form_in_both_languages_with_default_captions(world):
    with scopes_disabled():
        world.home.agency.captions.filter(score=4).delete()
        world.home.agency.captions.filter(score=5).update(caption_ms="Terbaik", caption_en="Best")
    ms, en = form_for(world.home.officer_target, "ms"), form_for(world.home.officer_target, "en")
    assert [s["caption"] for s in ms["smileys"]][:2] == ["Terbaik", "Memuaskan"]
    assert [s["caption"] for s in en["smileys"]][:2] == ["Best", "Satisfactory"]
    assert en["reasons"][0]["text"] == "Did not smile" and ms["reasons"][0]["text"] == "Tidak senyum"
    assert ms["target"]["name"] == world.home.officer.full_name
    assert ms["agency"]["name"] == world.home.agency.name_ms and en["agency"]["name"] == world.home.agency.name_en


def test_it_drops_reasons_given_with_a_good_score(world):
    body = item(world.home.counter, 5, reasons=[world.home.reasons[0].id])
    assert run([body], world.home)[0]["status"] == "created"
    assert stored(body["id"]).reasons == []


def test_it_refuses_another_agencys_reasons_and_officers(world):
    [result] = run([item(world.home.counter, 1, reasons=[world.other.reasons[0].id],
                         officer=world.other.officer.id)], world.home)
    assert set(result["errors"]) == {"reasons", "officer"}


def test_it_credits_the_officer_target_or_the_officer_on_duty(world):
    on_duty = item(world.home.counter, 4, officer=world.home.colleague.id)
    officer_target = item(world.home.officer_target, 4, officer=world.home.colleague.id)
    run([on_duty, officer_target], world.home)
    assert stored(on_duty["id"]).officer_id == world.home.colleague.id
    assert stored(officer_target["id"]).officer_id == world.home.officer.id
    with scopes_disabled():
        User.objects.filter(pk=world.home.colleague.pk).update(is_active=False)
    from erating.base.ingest import cache as ingest_cache
    ingest_cache.clear()
    [result] = run([item(world.home.counter, 4, officer=world.home.colleague.id)], world.home)
    assert result["errors"]["officer"]
    [result] = run([item(world.home.counter, 4, officer=world.home.admin.id)], world.home)
    assert result["errors"]["officer"]


def test_it_records_clock_skew_but_keeps_server_time(world):
    now = timezone.now()
    body = item(world.home.counter, client_time=(now - timezone.timedelta(hours=2)).isoformat())
    run([body], world.home)
    rating = stored(body["id"])
    assert -7300 < rating.clock_skew_seconds < -7100
    assert abs((rating.created_at - now).total_seconds()) < 30


@pytest.mark.parametrize("raw", ["3434-10-24T21:38:50+16:25", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_it_stores_any_parsable_client_time_in_utc(world, raw):
    [result] = run([item(world.home.counter, client_time=raw)], world.home)
    assert result["status"] in ("created", "rejected")
    if result["status"] == "rejected":
        assert set(result["errors"]) == {"client_time"}
    else:
        assert stored(result["id"]).client_time.utcoffset().total_seconds() == 0


def test_it_masks_mykad_and_phone_numbers_without_consent(world):
    body = item(world.home.counter, 2, comment="IC 900101-14-5678, call 012-345 6789 or +60123456789",
                contact={"name": "Ali", "phone": "019-8887777", "consent": False})
    run([body], world.home)
    rating = stored(body["id"])
    assert "5678" not in rating.comment and "6789" not in rating.comment and "call" in rating.comment
    assert (rating.contact_consent, rating.contact_name, rating.contact_phone) == (False, "", "")


def test_it_moves_a_phone_number_to_the_contact_fields_with_consent(world):
    body = item(world.home.counter, 2, comment="Sila hubungi 012-345 6789", contact={"name": "Ali", "consent": True})
    run([body], world.home)
    rating = stored(body["id"])
    assert rating.contact_consent and rating.contact_name == "Ali" and rating.contact_phone == "0123456789"
    assert "6789" not in rating.comment


def test_it_masks_common_number_formats():
    for text in ("900101145678", "900101-14-5678", "012-345 6789", "+6012-345 6789", "03-2345 6789"):
        masked, _ = mask_pii(f"no {text} ok")
        assert not any(ch.isdigit() for ch in masked), masked
    assert mask_pii("kaunter 3 tunggu 45 minit")[0] == "kaunter 3 tunggu 45 minit"


def test_it_counts_a_repeated_uuid_once(world):
    body = item(world.home.counter, 3)
    first = run([body, dict(body)], world.home)
    second = run([dict(body, score=1)], world.home)
    assert [r["status"] for r in first + second] == ["created", "duplicate", "duplicate"]
    assert summarise(first) == {"created": 1, "duplicates": 1, "rejected": 0}
    assert stored(body["id"]).score == 3


def test_it_answers_duplicate_for_a_stored_rating_that_no_longer_validates(world):
    body = item(world.home.service, 3)
    run([body], world.home)
    with scopes_disabled():
        world.home.service.active = False
        world.home.service.save()
    assert run([body], world.home)[0]["status"] == "duplicate"


def test_it_flags_bursts_but_stores_them(world, settings, still_clock):
    settings.RATING_BURST_MAX = 3
    from django.core.cache import cache
    cache.clear()
    results = run([item(world.home.counter) for _ in range(5)], world.home, source="ip:test")
    assert all(r["status"] == "created" for r in results)
    with scopes_disabled():
        flags = list(Rating.objects.filter(source="ip:test").order_by("id").values_list("flagged", flat=True))
    assert flags == [False, False, False, True, True]


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_row_for_concurrent_submissions_of_one_uuid():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    from erating.base.testing import make_world
    world = make_world()
    key = str(uuid.uuid4())
    barrier, outcomes = threading.Barrier(8), []

    def submit():
        try:
            barrier.wait()
            outcomes.append(run([{"id": key, "target": world.home.counter.code, "score": 4}], world.home)[0]["status"])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 7
    with scopes_disabled():
        assert Rating.objects.filter(idempotency_key=key).count() == 1
