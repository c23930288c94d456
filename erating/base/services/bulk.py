"""Bulk row writer for generated data: COPY on PostgreSQL, executemany on SQLite."""
import json
import uuid
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


def insert_rows(table, columns, rows, batch_size=20_000):
    """Insert an iterable of tuples; returns the count written."""
    written = 0
    with connection.cursor() as cursor:
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
