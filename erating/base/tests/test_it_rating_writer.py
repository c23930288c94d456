"""The rating writer on PostgreSQL: leader/follower group commit across request threads (requests
queued behind a running write go in one batch, a key sent twice in one batch is credited once,
one bad job does not fail the others, a request that waits too long is withdrawn unacknowledged),
the retry on a dead connection, and inserts inside a transaction."""
import threading
import uuid

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import Rating
from erating.base.services import rating_writer
from erating.base.services.rating_writer import GroupCommit, WriteTimeout, _insert_postgresql, _Job
from erating.base.testing import make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the group-commit writer runs on PostgreSQL only")


def row(target, key=None, **extra):
    return {"agency": target.agency_id, "premise": target.premise_id, "target": target.id, "officer": None,
            "score": 4, "channel": Rating.TABLET, "reasons": [], "comment": "", "contact_consent": False,
            "contact_name": "", "contact_phone": "", "contact_email": "", "created_at": timezone.now(),
            "client_time": None, "clock_skew_seconds": None, "idempotency_key": key or uuid.uuid4(),
            "device": None, "flagged": False, "source": "test", **extra}


def stored_keys():
    """Keys of the rows these tests wrote (make_world stores ratings of its own)."""
    with scopes_disabled():
        return set(Rating.objects.filter(source="test").values_list("idempotency_key", flat=True))


def test_it_stores_many_threads_ratings_each_acknowledged_once():
    world = make_world()
    target, barrier, answers = world.home.counter, threading.Barrier(16), {}

    def submit(i):
        try:
            rows = [row(target) for _ in range(3)]
            barrier.wait()
            answers[i] = (rows, rating_writer.insert_new(rows))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 16
    for rows, created in answers.values():
        assert created == {r["idempotency_key"] for r in rows}
    assert stored_keys() == set().union(*(created for _, created in answers.values()))


def test_it_credits_a_key_sent_twice_in_one_batch_to_the_first_job():
    world = make_world()
    shared = uuid.uuid4()
    first = _Job([row(world.home.counter, shared), row(world.home.counter)])
    second = _Job([row(world.home.counter, shared)])
    GroupCommit._store(connection, [first, second])
    assert first.created == {r["idempotency_key"] for r in first.rows}
    assert second.created == set()
    assert len(stored_keys()) == 2


def test_it_stores_the_good_jobs_of_a_batch_with_a_bad_one():
    world = make_world()
    good, other_good = _Job([row(world.home.counter)]), _Job([row(world.other.counter)])
    bad = _Job([row(world.home.counter, premise=10**12)])  # no such premise: the foreign key fails
    GroupCommit()._write(connection, [good, bad, other_good])
    assert all(job.done and job.wake.is_set() for job in (good, bad, other_good))
    assert good.error is None and other_good.error is None
    assert bad.error is not None
    assert stored_keys() == good.created | other_good.created
    assert len(stored_keys()) == 2


def test_it_reopens_a_dead_connection_and_stores_the_rating():
    world = make_world()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    r = row(world.home.counter)
    assert set(_insert_postgresql(connection, [r])) == {r["idempotency_key"]}
    assert connection.connection.info.backend_pid != pid
    assert stored_keys() == {r["idempotency_key"]}


class SlowStore:
    """Holds every write until released, recording the batch sizes."""

    def __init__(self, monkeypatch):
        self.entered, self.release, self.sizes = threading.Event(), threading.Event(), []
        real = GroupCommit._store

        def store(conn, jobs):
            self.sizes.append(len(jobs))
            self.entered.set()
            assert self.release.wait(10)
            real(conn, jobs)
        monkeypatch.setattr(GroupCommit, "_store", staticmethod(store))


def in_thread(target, *args):
    def run():
        try:
            target(*args)
        finally:
            connection.close()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for(condition):
    for _ in range(500):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("condition not reached")


def test_it_writes_the_requests_queued_behind_a_write_as_one_batch(monkeypatch):
    world = make_world()
    group, slow, answers = GroupCommit(), SlowStore(monkeypatch), {}

    def submit(i):
        rows = [row(world.home.counter)]
        answers[i] = (rows, group.write(rows))

    threads = [in_thread(submit, 0)]
    assert slow.entered.wait(5)  # the first request leads and is writing
    threads += [in_thread(submit, i) for i in range(1, 6)]
    wait_for(lambda: len(group._pending) == 5)
    slow.release.set()
    for t in threads:
        t.join()
    assert slow.sizes == [1, 5]  # the lead passed to a queued request, which wrote all five at once
    for rows, created in answers.values():
        assert created == {rows[0]["idempotency_key"]}
    assert len(stored_keys()) == 6
    assert not group._leading and not group._pending


def test_it_withdraws_a_request_that_waits_too_long_without_acknowledging(monkeypatch):
    world = make_world()
    group, slow = GroupCommit(timeout=0.2), SlowStore(monkeypatch)
    first = row(world.home.counter)
    leader = in_thread(group.write, [first])
    assert slow.entered.wait(5)
    with pytest.raises(WriteTimeout):
        group.write([row(world.home.counter)])
    slow.release.set()
    leader.join()
    assert stored_keys() == {first["idempotency_key"]}  # the late one was withdrawn, never stored
    assert not group._leading and not group._pending


def test_it_keeps_rows_inside_a_transaction_on_the_callers_connection():
    """Within atomic() the writer thread could not see the caller's uncommitted rows (e.g. a
    target created in the same transaction): the insert stays on the caller's connection."""
    from django.db import transaction

    world = make_world()
    key = uuid.uuid4()
    with transaction.atomic():
        assert rating_writer.insert_new([row(world.home.counter, key)]) == {key}
        assert key not in stored_keys_elsewhere()  # not committed: not through the writer thread
    assert key in stored_keys_elsewhere()


def stored_keys_elsewhere():
    """Keys visible to another connection (i.e. committed)."""
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
        return {k for (k,) in other.execute("SELECT idempotency_key FROM base_rating WHERE source = %s", ["test"])}
