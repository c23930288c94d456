"""Ratings stored but not yet counted in the aggregates, and the folder that counts them.

    enqueue(cursor, ids)          the writer, atomically with the ratings (on PostgreSQL its INSERT
                                  does this itself, into TABLE)
    fold(limit) -> int | None     count up to `limit` pending ratings (None: another folder is busy)
    fold_all() -> int             fold until nothing is pending
    drop(since, until, agency)    rebuild: forget pending ratings it recounts itself

Why a queue: the aggregate rows are few and hot (one per agency and hour, per premise and day).
Updating them in every rating's transaction made concurrent writers queue on each other's row
locks until each commit was flushed to disk. The writer now only appends the rating's id (a new
row, no shared lock); one folder at a time turns a batch of ids into counts. Deleting the batch
and adding its counts happen in one transaction, so a rating is counted exactly once: a rating
whose transaction has not committed is invisible to the folder and waits for the next fold.

Who folds: `manage.py fold_aggregates` every second (started by `make run`, one or more per
deployment: extra folders wait their turn), and every reader of the aggregates first, through
fresh(), so figures are exact even where no folder runs.
"""
import contextvars
import logging
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

from erating.base.analysis import aggregates, themes
from erating.base.models import PendingRating, Rating

logger = logging.getLogger(__name__)

BATCH = 5000
LOCK_KEY = 0x65526174  # pg advisory lock of the folder ("eRat")
ROW_FIELDS = ["id", "agency", "premise", "target", "officer", "score", "channel", "reasons", "comment", "created_at",
              "flagged"]
TABLE = PendingRating._meta.db_table


def enqueue(cursor, ids):
    if ids:
        cursor.execute(f"INSERT INTO {TABLE} (rating_id) VALUES " + ", ".join(["(%s)"] * len(ids)), list(ids))


def fold(limit=BATCH, *, wait=False):
    """Count up to `limit` pending ratings -> how many; None if another folder holds the lock
    (PostgreSQL; with wait=True, wait for it instead)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not _lock(cursor, wait):
            return None
        cursor.execute(f"DELETE FROM {TABLE} WHERE rating_id IN "
                       f"(SELECT rating_id FROM {TABLE} ORDER BY rating_id LIMIT %s) RETURNING rating_id", [limit])
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            # A rating deleted before it was folded is simply not counted.
            rows = list(Rating._base_manager.filter(id__in=ids).values(*ROW_FIELDS))
            aggregates.record(rows, cursor)
            themes.record(rows, cursor)
    return len(ids)


def fold_all(*, wait=False):
    total = 0
    while True:
        done = fold(wait=wait)
        if done is None:
            return total
        total += done
        if done < BATCH:
            return total


# Inside one_snapshot(): whether this snapshot has folded already.
_SNAPSHOT = contextvars.ContextVar("erating_pending_snapshot", default=None)


def fresh():
    """For readers: fold what is pending so the figures that follow are exact. If another folder
    is at work, or SQLite is busy, read what is counted so far (that folder brings the rest in
    moments later). Inside one_snapshot(), only the first call folds."""
    snapshot = _SNAPSHOT.get()
    if snapshot is not None:
        if snapshot:
            return
        _SNAPSHOT.set(True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
        if cursor.fetchone() is None:
            return
    try:
        fold_all()
    except OperationalError:
        logger.warning("Pending ratings could not be folded before a read", exc_info=True)


@contextmanager
def one_snapshot():
    """A document's figures (a report: dozens of engine reads) count the ratings stored when it
    began, folded once, so every table in it agrees with every other."""
    previous = _SNAPSHOT.get()
    _SNAPSHOT.set(False)
    try:
        yield
    finally:
        _SNAPSHOT.set(previous)  # not reset(): a streamed report may end in another context


def drop(since, until, agency=None):
    """Forget the pending ratings of [since, until) (and one agency): rebuild counts them from the
    raw ratings. The caller holds the folder's lock (lock())."""
    ratings = Rating._base_manager.filter(created_at__gte=since, created_at__lt=until)
    if agency:
        ratings = ratings.filter(agency_id=agency)
    PendingRating.objects.filter(rating_id__in=ratings.values("id")).delete()


def lock(cursor):
    """Hold the folder's lock until the transaction ends (PostgreSQL; SQLite has one writer)."""
    if connection.vendor == "postgresql":
        _lock(cursor, wait=True)


def _lock(cursor, wait):
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    return cursor.fetchone()[0]
