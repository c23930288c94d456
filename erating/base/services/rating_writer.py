"""The one way a rating reaches the table.

    insert_new(rows) -> set of (agency_id, idempotency_key) this call inserted

Every rating passes through insert_new: the kiosk API and the QR page (through
services/ingest.py) with a few rows, anything else with more. Rows are dicts keyed by COLUMNS
(model field names; foreign keys as ids). They are written by
INSERT … ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING agency_id, idempotency_key,
in chunks of INSERT_CHUNK rows, all inside one transaction: a key its agency has seen before is
skipped by the database, so two racing submissions of one UUID store one row, and the caller
learns which rows are new without reading the table first. The same statement runs on
PostgreSQL and SQLite (≥ 3.35).

Work that must happen with each stored rating (e.g. maintaining aggregates) belongs in
_after_insert(): it runs in the same transaction, after the INSERT, with the rows actually
inserted, so it commits or rolls back with them.

bulk_load() is for generated data (demo_data): millions of rows of the same shape (COLUMNS)
through COPY, bypassing the per-row path; whatever _after_insert() maintains must then be
rebuilt from the table once the load is done.
"""
import functools
import uuid

from django.db import connection, transaction

from erating.base.models import Rating

INSERT_CHUNK = 200
COLUMNS = ["agency", "premise", "target", "officer", "score", "channel", "reasons", "comment", "contact_consent",
           "contact_name", "contact_phone", "contact_email", "created_at", "client_time", "clock_skew_seconds",
           "idempotency_key", "device", "flagged", "source"]


def insert_new(rows):
    """Store the rows whose (agency, idempotency_key) is new; returns those pairs."""
    if not rows:
        return set()
    created = set()
    with transaction.atomic():
        for start in range(0, len(rows), INSERT_CHUNK):
            created.update(_insert(rows[start:start + INSERT_CHUNK]))
        _after_insert(rows, created)
    return created


def _after_insert(rows, created):
    """Hook for work done with every stored rating, inside insert_new's transaction.
    inserted_rows(rows, created) gives the rows that were new."""


def inserted_rows(rows, created):
    return [row for row in rows if (row["agency"], _as_uuid(row["idempotency_key"])) in created]


def _insert(chunk):
    fields = _fields()
    params = [f.get_db_prep_save(row[f.name], connection) for row in chunk for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, len(chunk)), params)
        return [(agency_id, _as_uuid(key)) for agency_id, key in cursor.fetchall()]


def _as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@functools.cache
def _fields():
    return [Rating._meta.get_field(name) for name in COLUMNS]


@functools.cache
def _insert_sql(vendor, count):
    """The INSERT for `count` rows (cached per vendor and size: building it costs more than running it)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in _fields())
    values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * count)
    key = f"{qn('agency_id')}, {qn('idempotency_key')}"
    return (f"INSERT INTO {qn(Rating._meta.db_table)} ({cols}) VALUES {values} "
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}")


def bulk_load(rows, *, rebuild=False):
    """Load generated ratings: an iterable of tuples in COLUMNS order (the rows insert_new takes,
    as tuples). COPY on PostgreSQL; no conflict handling (generated keys are fresh). With
    rebuild=True (inside transaction.atomic) indexes and constraints are rebuilt once after."""
    from erating.base.services.bulk import insert_rows

    return insert_rows(Rating._meta.db_table, [f.column for f in _fields()], rows, rebuild=rebuild)
