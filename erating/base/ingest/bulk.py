"""Bulk row writer for generated data: COPY on PostgreSQL, executemany on SQLite.

Loading millions of rows is dominated by index and foreign-key maintenance, not by the rows
themselves. Like PostgreSQL's "Populating a Database" advice, `insert_rows(..., rebuild=True)` drops
the table's secondary indexes (and, on PostgreSQL, its foreign keys and unique constraints), loads,
then recreates them in one pass each: a sorted index build and a single join per foreign key are
far cheaper than a million random index inserts and a million per-row trigger checks. Everything
happens inside the caller's transaction, so a failure leaves the table as it was.
"""
import json
import uuid
from contextlib import contextmanager
from datetime import datetime

from django.db import connection


def _sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return value.hex  # Django keeps UUIDs as 32 hex characters on SQLite
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _pg_value(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


@contextmanager
def _pg_rebuilt(cursor, table):
    # Deferred foreign-key checks queued earlier in this transaction must run before ALTER TABLE.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')", [table])
    constraints = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    # What is left besides the primary key are plain indexes (constraint-backed ones went above).
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary", [table])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django declares every foreign key deferrable
    cursor.execute(f"ANALYZE {table}")


@contextmanager
def _sqlite_rebuilt(cursor, table):
    # Autoindexes (inline UNIQUE) cannot be dropped; explicit CREATE INDEX ones can.
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                   [table])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("PRAGMA cache_size = -262144")  # 256 MB for this connection's page cache
    yield
    for _, sql in indexes:
        cursor.execute(sql)
    cursor.execute(f'ANALYZE "{table}"')


@contextmanager
def _rebuilt(cursor, table, enabled):
    if not enabled:
        yield
    elif connection.vendor == "postgresql":
        with _pg_rebuilt(cursor, table):
            yield
    else:
        with _sqlite_rebuilt(cursor, table):
            yield


def insert_rows(table, columns, rows, batch_size=20_000, rebuild=False):
    """Insert an iterable of tuples; returns the count written. With rebuild=True (call it inside
    transaction.atomic), indexes and constraints are dropped for the load and rebuilt after."""
    written = 0
    with connection.cursor() as cursor, _rebuilt(cursor, table, rebuild):
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([_pg_value(v) for v in row])
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        batch = []
        for row in rows:
            batch.append([_sqlite_value(v) for v in row])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
