"""The asynchronous group commit (rating_writer_async) on PostgreSQL: writes awaited together on
one event loop go in one INSERT, a key sent twice in a batch is credited once, one bad job does
not fail the others, a dead connection is reopened, and a write that takes too long is not
acknowledged. (On SQLite the writer hands rows to rating_writer.insert_new, tested there.)"""
import asyncio
import uuid

import psycopg
import pytest
from django.db import connection

from erating.api.tests.asgi_client import run
from erating.base.services.rating_writer import COLUMNS, WriteTimeout
from erating.base.services.rating_writer_async import WRITER, AsyncGroupCommit
from erating.base.testing import make_world
from erating.base.tests.test_it_rating_writer import row, stored_keys

# The writer has its own connection, which sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the asynchronous group commit runs on PostgreSQL only")


@pytest.fixture(autouse=True)
def hang_up():
    yield
    run(WRITER._close())  # its connection outlives the loop; left open, the test database can't be dropped


@pytest.fixture
def inserts(monkeypatch):
    """The number of rows of each INSERT the writer sent (failed ones included)."""
    real, sizes = psycopg.AsyncRawCursor.execute, []

    async def execute(self, query, params=None, **kwargs):
        if query.startswith("INSERT"):
            sizes.append(len(params) // len(COLUMNS))
        return await real(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.AsyncRawCursor, "execute", execute)
    return sizes


def write_together(*jobs):
    """Each job's answer (or exception), the writes awaited concurrently on one loop."""
    async def main():
        return await asyncio.gather(*(WRITER.write(rows) for rows in jobs), return_exceptions=True)
    return run(main())


def keys(rows):
    return {r["idempotency_key"] for r in rows}


def test_it_writes_concurrent_requests_in_fewer_inserts_each_acknowledged_once(inserts):
    world = make_world()
    jobs = [[row(world.home.counter), row(world.other.counter)] for _ in range(20)]
    answers = write_together(*jobs)
    assert answers == [keys(rows) for rows in jobs]
    assert len(inserts) < len(jobs) and sum(inserts) == 40
    assert stored_keys() == set().union(*answers)


def test_it_credits_a_key_sent_twice_in_one_batch_to_the_first_job(inserts):
    world = make_world()
    shared = uuid.uuid4()
    first, second = [row(world.home.counter, shared), row(world.home.counter)], [row(world.home.counter, shared)]
    assert write_together(first, second) == [keys(first), set()]
    assert inserts == [2]  # one batch, the repeated key sent once
    assert stored_keys() == keys(first)


def test_it_stores_the_good_jobs_of_a_batch_with_a_bad_one(inserts):
    world = make_world()
    good, other_good = [row(world.home.counter)], [row(world.other.counter)]
    bad = [{**row(world.home.counter), "target": 10**12}]  # no such target: the foreign key fails
    answers = write_together(good, bad, other_good)
    assert answers[0] == keys(good) and answers[2] == keys(other_good)
    assert isinstance(answers[1], psycopg.IntegrityError)
    assert inserts == [3, 1, 1, 1]  # the batch failed, then each job was written on its own
    assert stored_keys() == keys(good) | keys(other_good)


async def terminate(pid, dsn):
    """Have the server end that backend, and wait until it has gone."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as killer:
        await killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(500):
            if not await (await killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])).fetchone():
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the backend did not go")


@pytest.mark.parametrize("how", ["terminated by the server", "hung up here"])
def test_it_reopens_a_dead_connection_and_stores_the_rating(inserts, how):
    world = make_world()
    connection.ensure_connection()
    dsn = connection.connection.info.dsn
    before, after = row(world.home.counter), row(world.home.counter)

    async def main():
        assert await WRITER.write([before]) == keys([before])
        pid = WRITER._conn.info.backend_pid
        if how == "hung up here":
            WRITER._conn.pgconn.finish()
        else:
            await terminate(pid, dsn)
        created = await WRITER.write([after])
        return pid, created, WRITER._conn.info.backend_pid

    old_pid, created, new_pid = run(main())
    assert created == keys([after]) and new_pid != old_pid
    # a connection the server ended is found dead by the BEGIN of the INSERT's transaction (the
    # ratings and their aggregates commit together), so the INSERT is sent once on the new one
    assert inserts == [1, 1]
    assert stored_keys() == keys([before, after])


def test_it_does_not_acknowledge_a_write_that_does_not_finish_in_time(monkeypatch):
    world = make_world()
    group, writing = AsyncGroupCommit(timeout=0.2), []

    async def stuck(rows):
        writing.append(keys(rows))
        await asyncio.sleep(30)

    monkeypatch.setattr(group, "_store", stuck)
    late = row(world.home.counter)

    async def main():
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(WriteTimeout):
            await group.write([late])
        return loop.time() - started

    assert run(main()) < 5  # given up after the timeout, not after the stuck write
    assert writing == [keys([late])]  # it was being written when the request gave up
    assert stored_keys() == set()


def test_it_does_not_write_a_job_that_timed_out_while_queued(monkeypatch):
    # A request answered 503 must not be stored afterwards: its client will send it again.
    world = make_world()
    group, written = AsyncGroupCommit(timeout=0.2), []
    first, queued = row(world.home.counter), row(world.home.service)

    async def slow(rows):
        written.append(keys(rows))
        await asyncio.sleep(0.5)
        return set()

    monkeypatch.setattr(group, "_store", slow)

    async def main():
        writing = asyncio.ensure_future(group.write([first]))
        await asyncio.sleep(0.05)  # the first batch is being written: the next job queues behind it
        answers = await asyncio.gather(writing, group.write([queued]), return_exceptions=True)
        await asyncio.sleep(0.6)  # the stuck batch ends; the writer would now take the queued job
        return answers

    answers = run(main())
    assert all(isinstance(a, WriteTimeout) for a in answers)
    assert written == [keys([first])]  # the queued job was dropped, not written after its 503
