"""Group commit for the asynchronous rating route (erating/api/fast_ratings_async.py), one per
app process: ratings awaiting their write are stored together by one INSERT … ON CONFLICT DO
NOTHING RETURNING on the process's own asynchronous PostgreSQL connection, and each request is
answered only after that commit returned.

    await WRITER.write(rows) -> set of keys this write inserted

Why: in the threaded design (rating_writer.GroupCommit) the thread that writes must win the GIL
back from the request threads before everyone in its batch can be answered; on the 2-core
benchmark machine that hand-over, not PostgreSQL, made the latency tail. On an event loop the
write is one more awaited socket, and there is no hand-over at all.

The SQL and the parameters are rating_writer's (one statement text for both routes). A batch
that fails is written again job by job, so one bad job fails alone; a connection found dead is
reopened and the batch retried once (safe: the INSERT is idempotent). On SQLite, or with
RATING_GROUP_COMMIT=0, rows go to rating_writer.insert_new in a thread instead.
"""
import asyncio
import collections

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from erating.base.analysis import aggregates
from erating.base.services.rating_writer import INSERT_CHUNK, WriteTimeout, _as_uuid, _inserted, _pg_params, \
    first_senders, insert_new, insert_sql_numbered

DEAD = (psycopg.OperationalError, psycopg.InterfaceError)


class AsyncGroupCommit:
    def __init__(self, max_rows=INSERT_CHUNK, timeout=15.0):
        self.max_rows, self.timeout = max_rows, timeout
        self._pending = collections.deque()
        self._running = False
        self._conn = self._loop = self._task = None

    async def write(self, rows):
        if not rows:
            return set()
        # connections.settings, not connections["default"]: on an event loop every request has
        # a context of its own, and the latter would build a connection wrapper for each.
        if not connections.settings["default"]["ENGINE"].endswith("postgresql") or not settings.RATING_GROUP_COMMIT:
            return await sync_to_async(insert_new, thread_sensitive=False)(rows)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((rows, future))
        if not self._running:
            self._running = True
            self._task = loop.create_task(self._drain())  # held: the loop keeps only weak references
        # A timer rather than asyncio.wait_for, which costs a task per rating; and giving up
        # leaves the shared write alone (its result for this job is then dropped).
        timer = loop.call_later(self.timeout, _settle, future, None, WriteTimeout())
        try:
            return await future
        finally:
            timer.cancel()

    async def _drain(self):
        try:
            while self._pending:
                jobs, count = [], 0
                while self._pending and (not jobs or count + len(self._pending[0][0]) <= self.max_rows):
                    job = self._pending.popleft()
                    if not job[1].done():  # timed out (answered 503) or its client left: not written
                        jobs.append(job)
                        count += len(job[0])
                if jobs:
                    await self._write(jobs)
        finally:
            self._running = False

    async def _write(self, jobs):
        rows, credit = first_senders([job_rows for job_rows, _ in jobs])
        try:
            created = credit(await self._store(rows))
        except Exception as exc:
            if len(jobs) == 1:
                _settle(jobs[0][1], exc=exc)
                return
            for rows, future in jobs:  # one bad job must not fail the others: each on its own
                try:
                    _settle(future, await self._store(rows))
                except Exception as job_exc:
                    _settle(future, exc=job_exc)
            return
        for (_rows, future), keys in zip(jobs, created):
            _settle(future, keys)

    async def _store(self, rows):
        """Insert the rows (each key once: first_senders, or one request's own) -> the keys inserted."""
        sql, params = insert_sql_numbered(len(rows)), _pg_params(rows)
        for attempt in (1, 2):
            conn = await self._connection()
            try:
                async with conn.transaction():  # the ratings and their aggregates commit together
                    async with psycopg.AsyncRawCursor(conn) as cursor:
                        await cursor.execute(sql, params)
                        keys = [key for (key,) in await cursor.fetchall()]
                    async with conn.cursor() as cursor:
                        for statement, values in aggregates.upserts(_inserted(rows, keys), "postgresql"):
                            await cursor.execute(statement, values)
                return {_as_uuid(key) for key in keys}
            except DEAD:
                await self._close()
                if attempt == 2:
                    raise

    async def _connection(self):
        loop = asyncio.get_running_loop()
        if self._conn is not None and (self._loop is not loop or self._conn.closed):
            await self._close()
        if self._conn is None:
            params = connections["default"].get_connection_params()
            # psycopg's default prepare_threshold (prepared after 5 runs), not Django's None: the
            # INSERT is the same few statement texts all day. (Behind PgBouncer in transaction
            # mode this needs PgBouncer >= 1.21 with max_prepared_statements set.)
            for django_only in ("cursor_factory", "context", "prepare_threshold"):
                params.pop(django_only, None)
            self._conn = await psycopg.AsyncConnection.connect(autocommit=True, **params)
            self._loop = loop
        return self._conn

    async def _close(self):
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self._loop is asyncio.get_running_loop():
                await conn.close()
            else:  # made on a loop that is gone (tests run one loop per request): just hang up
                conn.pgconn.finish()
        except Exception:  # already broken: nothing to tidy
            pass


def _settle(future, created=None, exc=None):
    if future.done():  # its request was cancelled (client went away)
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(created)


WRITER = AsyncGroupCommit()
