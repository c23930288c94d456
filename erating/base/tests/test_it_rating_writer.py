"""The one rating writer (rating_writer.insert_new): new (agency, key) pairs inserted and
returned, keys seen before skipped by the database, keys unique per agency, chunks in one
transaction, the hook after the INSERT, and racing writers on PostgreSQL."""
import threading
import uuid

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.ingest import writer as rating_writer
from erating.base.models import Rating
from erating.base.testing import make_world


def row(target, key=None, **extra):
    return {"agency": target.agency_id, "premise": target.premise_id, "target": target.id, "officer": None,
            "score": 4, "channel": Rating.TABLET, "reasons": [], "comment": "", "contact_consent": False,
            "contact_name": "", "contact_phone": "", "contact_email": "", "created_at": timezone.now(),
            "client_time": None, "clock_skew_seconds": None, "idempotency_key": key or uuid.uuid4(),
            "device": None, "flagged": False, "source": "test", "language": "ms", **extra}


def stored(**filters):
    """The rows these tests wrote (make_world stores ratings of its own)."""
    with scopes_disabled():
        return Rating.objects.filter(source="test", **filters)


@pytest.mark.django_db
def test_it_inserts_new_keys_once_and_answers_which_were_new(world):
    target = world.home.counter
    first = [row(target, reasons=[world.home.reasons[0].id], comment="Laju") for _ in range(3)]
    assert rating_writer.insert_new(first) == {(target.agency_id, r["idempotency_key"]) for r in first}
    again = [dict(first[0]), row(target)]
    assert rating_writer.insert_new(again) == {(target.agency_id, again[1]["idempotency_key"])}
    assert stored().count() == 4 and stored(idempotency_key=first[0]["idempotency_key"]).count() == 1
    saved = stored(idempotency_key=first[0]["idempotency_key"]).get()
    assert saved.reasons == [world.home.reasons[0].id] and saved.comment == "Laju"
    assert rating_writer.insert_new([]) == set()


@pytest.mark.django_db
def test_it_keeps_keys_unique_per_agency_not_across_agencies(world):
    key = uuid.uuid4()
    home, other = row(world.home.counter, key), row(world.other.counter, key)
    assert rating_writer.insert_new([home]) == {(world.home.agency.id, key)}
    assert rating_writer.insert_new([other, dict(home)]) == {(world.other.agency.id, key)}
    assert sorted(stored(idempotency_key=key).values_list("agency_id", flat=True)) == sorted(
        [world.home.agency.id, world.other.agency.id])
    with pytest.raises(IntegrityError), scopes_disabled():  # the constraint itself, without ON CONFLICT
        Rating.objects.create(**{f"{k}_id" if k in ("agency", "premise", "target", "officer", "device") else k: v
                                 for k, v in row(world.home.counter, key).items()})


@pytest.mark.django_db
def test_it_writes_in_chunks_inside_one_transaction(world, monkeypatch):
    rows = [row(world.home.counter) for _ in range(rating_writer.INSERT_CHUNK * 2 + 5)]
    assert len(rating_writer.insert_new(rows)) == len(rows) and stored().count() == len(rows)
    # a bad row in the last chunk: the chunks before it roll back with it, nothing is stored
    more = [row(world.home.counter) for _ in range(rating_writer.INSERT_CHUNK + 1)]
    more[-1]["score"] = 9
    with pytest.raises(IntegrityError):
        rating_writer.insert_new(more)
    assert stored().count() == len(rows)


@pytest.mark.django_db(transaction=True)  # to see the writer's own transaction, not the test's
def test_it_queues_exactly_the_new_ratings_for_the_aggregates_in_the_same_transaction(monkeypatch):
    from erating.base.analysis import pending
    from erating.base.models import PendingRating

    world = make_world()
    PendingRating.objects.all().delete()
    old = row(world.home.counter)
    rating_writer.insert_new([old])
    new = row(world.home.counter)
    rating_writer.insert_new([dict(old), new])  # the repeated key is not queued again
    queued = set(PendingRating.objects.values_list("rating_id", flat=True))
    assert queued == set(stored().values_list("id", flat=True)) and len(queued) == 2
    # a failure takes the INSERT back with its queue rows: no rating is stored uncounted
    more = [row(world.home.counter) for _ in range(rating_writer.INSERT_CHUNK + 1)]
    more[-1]["score"] = 9
    with pytest.raises(IntegrityError):
        rating_writer.insert_new(more)
    if connection.vendor == "sqlite":  # PostgreSQL queues inside the INSERT statement itself
        real = pending.enqueue

        def failing(cursor, ids):
            real(cursor, ids)
            raise RuntimeError("the queue failed")

        monkeypatch.setattr(pending, "enqueue", failing)
        with pytest.raises(RuntimeError):
            rating_writer.insert_new([row(world.home.counter)])
    assert stored().count() == 2 and PendingRating.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_racing_writers_store_each_key_once_and_credit_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    world = make_world()
    keys = [uuid.uuid4() for _ in range(20)]
    barrier, answers = threading.Barrier(8), []

    def submit():
        try:
            rows = [row(world.home.counter, key) for key in keys]
            barrier.wait()
            answers.append(rating_writer.insert_new(rows))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    credited = [pair for created in answers for pair in created]
    assert len(answers) == 8 and sorted(k for _a, k in credited) == sorted(keys)
    assert stored().count() == 20


@pytest.mark.django_db(transaction=True)
def test_it_reopens_a_connection_the_server_closed_between_requests():
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server to close the connection")
    import psycopg
    from django.db import close_old_connections

    world = make_world()
    assert rating_writer.insert_new([row(world.home.counter)])
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                         password=settings["PASSWORD"], dbname=settings["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    close_old_connections()  # what the next request's start does
    new = row(world.home.counter)
    assert rating_writer.insert_new([new]) == {(world.home.agency.id, new["idempotency_key"])}
    assert stored().count() == 2
