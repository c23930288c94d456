"""The one way a rating reaches the table.

    insert_new(rows) -> set of (agency_id, idempotency_key) this call inserted

Every rating passes through insert_new: the kiosk API and the QR page (through
ingest/service.py) with a few rows, anything else with more. Rows are dicts keyed by COLUMNS
(model field names; foreign keys as ids). They are written by
INSERT … ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING id, agency_id, idempotency_key,
in chunks of INSERT_CHUNK rows, all inside one transaction (a single chunk on PostgreSQL is one
statement, atomic by itself): a key its agency has seen before is
skipped by the database, so two racing submissions of one UUID store one row, and the caller
learns which rows are new without reading the table first. The same statement runs on
PostgreSQL and SQLite (≥ 3.35).

With the ratings, and atomically with them, their ids are queued for the analysis aggregates
(analysis/pending.py), which a folder counts moments later: queuing touches no shared row, so
concurrent writers never wait for each other.

bulk_load() is for generated data (demo_data): millions of rows of the same shape (COLUMNS)
through COPY, bypassing the per-row path; the aggregates must then be rebuilt for the loaded
period (analysis/aggregates.rebuild).
"""
import functools
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from erating.base.analysis import pending
from erating.base.models import Rating

INSERT_CHUNK = 200
COLUMNS = ["agency", "premise", "target", "officer", "score", "channel", "reasons", "comment", "contact_consent",
           "contact_name", "contact_phone", "contact_email", "created_at", "client_time", "clock_skew_seconds",
           "idempotency_key", "device", "flagged", "source", "language"]
REASONS = COLUMNS.index("reasons")


def insert_new(rows):
    """Store the rows whose (agency, idempotency_key) is new; returns those pairs."""
    if not rows:
        return set()
    conn = connections[DEFAULT_DB_ALIAS]  # once: `connection` is a proxy looked up on every use
    chunks = [rows[start:start + INSERT_CHUNK] for start in range(0, len(rows), INSERT_CHUNK)]
    if conn.vendor == "postgresql" and len(chunks) == 1:
        # One statement, atomic by itself: no BEGIN and COMMIT round trips for a single request's rows.
        return _stored(conn, chunks[0])
    with transaction.atomic():
        return set().union(*(_stored(conn, chunk) for chunk in chunks))


def _stored(conn, chunk):
    """INSERT a chunk and queue the new ratings' ids for the aggregates -> the pairs inserted.
    PostgreSQL does both in one statement (a data-modifying WITH); SQLite in two, inside the
    caller's transaction."""
    sql = _insert_sql(conn.vendor, len(chunk))
    if conn.vendor == "postgresql":
        rows = _execute_prepared(conn, sql, _pg_params(chunk))
    else:
        fields = _fields()
        params = [f.get_db_prep_save(row[f.name], conn) for row in chunk for f in fields]
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.fetchall()
            pending.enqueue(cursor, [rating_id for rating_id, _agency, _key in inserted])
        rows = [(agency_id, key) for _id, agency_id, key in inserted]
    return {(agency_id, _as_uuid(key)) for agency_id, key in rows}


def _pg_params(chunk):
    """psycopg adapts these Python values natively; only the JSON list needs a wrapper (what
    Django's get_db_prep_save would give, at a fraction of its cost per value)."""
    from psycopg.types.json import Jsonb

    params = []
    for row in chunk:
        values = [row[name] for name in COLUMNS]
        values[REASONS] = Jsonb(values[REASONS])
        params += values
    return params


def _execute_prepared(conn, sql, params):
    """The INSERT on a server-side-binding psycopg cursor: psycopg then prepares the statement
    after a few executions (PostgreSQL parses and plans it once per connection, not per rating).
    Django's own cursors bind on the client, sending each INSERT as new SQL text.

    A connection kept from an earlier request is not checked first (Django's health check is a
    `SELECT 1` round trip per request, a third of the route's database time): the INSERT itself
    finds out, and, being idempotent, is sent once more on a new connection. If the first one
    was committed after all, the second stores nothing and its ratings answer "duplicate"."""
    from django.db import InterfaceError, OperationalError

    kept = conn.connection is not None and not conn.in_atomic_block
    conn.ensure_connection()
    try:
        rows = _insert(conn, sql, params)
    except (OperationalError, InterfaceError):
        if not kept:
            raise
        conn.close()
        conn.ensure_connection()
        rows = _insert(conn, sql, params)
    conn.health_check_done = True  # it just answered: later queries of this request skip the check
    return rows


def _insert(conn, sql, params):
    import psycopg

    # Behind a transaction-mode pooler (DB_TRANSACTION_POOLING) the next statement may reach
    # another server session, where a statement prepared on this one does not exist.
    prepare = False if conn.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS") else None
    with conn.wrap_database_errors, psycopg.Cursor(conn.connection) as cursor:
        cursor.execute(sql, params, prepare=prepare)
        return cursor.fetchall()


def _as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@functools.cache
def _fields():
    return [Rating._meta.get_field(name) for name in COLUMNS]


@functools.cache
def _insert_sql(vendor, count):
    """The statement for `count` rows (cached per vendor and size: building it costs more than
    running it). PostgreSQL: the INSERT wrapped so it also queues the new ids."""
    insert = rating_insert(count)
    if vendor != "postgresql":
        return insert
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return (f"WITH stored AS ({insert}), queued AS (INSERT INTO {qn(pending.TABLE)} (rating_id) "
            f"SELECT id FROM stored) SELECT agency_id, idempotency_key FROM stored")


def rating_insert(count):
    """INSERT … ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING id, agency_id, idempotency_key."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    cols = ", ".join(qn(f.column) for f in _fields())
    values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * count)
    key = f"{qn('agency_id')}, {qn('idempotency_key')}"
    return (f"INSERT INTO {qn(Rating._meta.db_table)} ({cols}) VALUES {values} "
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {qn('id')}, {key}")


def bulk_load(rows, *, rebuild=False):
    """Load generated ratings: an iterable of tuples in COLUMNS order (the rows insert_new takes,
    as tuples). COPY on PostgreSQL; no conflict handling (generated keys are fresh). With
    rebuild=True (inside transaction.atomic) indexes and constraints are rebuilt once after."""
    from erating.base.ingest.bulk import insert_rows

    return insert_rows(Rating._meta.db_table, [f.column for f in _fields()], rows, rebuild=rebuild)
