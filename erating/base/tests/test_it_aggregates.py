"""The aggregates stay exactly equal to the raw ratings through every way a rating enters (the
writer, the ORM, the bulk path followed by a rebuild), a key sent twice counts once, and
check/rebuild find and repair a difference. A rating waits in the queue until folded, is folded
once, and a rebuild of its period does not count it twice. Concurrent ingest on PostgreSQL:
threads writing through the one writer while folders run, then exact equality."""
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregate_check, aggregates, pending
from erating.base.ingest import writer as rating_writer
from erating.base.models import PendingRating, Rating, RatingDay, RatingHour, RatingMonth, RatingReasonDay
from erating.base.testing import add_rating, make_world

FAR = (date(2000, 1, 1), date(2100, 1, 1))


def row(target, *, score=4, when=None, reasons=(), comment="", officer=None, channel=Rating.QR, flagged=False,
        key=None):
    return {"agency": target.agency_id, "premise": target.premise_id, "target": target.id,
            "officer": officer or target.officer_id, "score": score, "channel": channel, "reasons": list(reasons),
            "comment": comment, "contact_consent": False, "contact_name": "", "contact_phone": "",
            "contact_email": "", "created_at": when or timezone.now(), "client_time": None,
            "clock_skew_seconds": None, "idempotency_key": key or uuid.uuid4(), "device": None, "flagged": flagged,
            "source": "test", "language": "ms"}


def totals():
    with scopes_disabled():
        return sum(sum(getattr(d, f"n{s}") for s in range(1, 6)) for d in RatingDay.objects.all())


@pytest.mark.django_db
def test_writer_and_orm_ratings_are_counted_exactly(world):
    home = world.home
    # 23:30 UTC is 07:30 next day in Malaysia: the day bucket is the Malaysian one.
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    rows = [row(home.counter, score=1, when=late, reasons=[home.reasons[0].id, home.reasons[1].id], comment="x"),
            row(home.officer_target, score=5, when=late, channel=Rating.TABLET),
            row(home.counter, score=2, reasons=[home.reasons[0].id], flagged=True)]
    created = rating_writer.insert_new(rows)
    assert len(created) == 3
    assert rating_writer.insert_new(rows[:1]) == set()  # a repeat is not counted again
    add_rating(home.service, 3, comment="ok")
    assert aggregate_check.check(*FAR) == []
    with scopes_disabled():
        assert totals() == Rating.objects.count()
        day = RatingDay.objects.get(target=home.counter, day=date(2026, 4, 1))
        assert (day.n1, day.c1) == (1, 1)
        assert RatingMonth.objects.get(target=home.counter, month=date(2026, 4, 1)).n1 == 1
        assert RatingHour.objects.get(day=date(2026, 4, 1), hour=7, channel="tablet").n5 == 1
        assert RatingReasonDay.objects.filter(day=date(2026, 4, 1)).count() == 3
        # The rating with two reasons counts once among the ratings that carry any reason.
        assert RatingReasonDay.objects.get(day=date(2026, 4, 1), reason_id=aggregates.ANY_REASON).n == 1


@pytest.mark.django_db
def test_check_finds_a_difference_and_rebuild_repairs_it(world):
    with scopes_disabled():
        RatingDay.objects.filter(target=world.home.counter).update(n5=99)
        RatingHour.objects.all().delete()
        # A bulk load (no aggregate maintenance) is followed by a rebuild, as demo_data does.
        Rating.objects.bulk_create([Rating(agency=world.other.agency, premise=world.other.premise,
                                           target=world.other.counter, score=2, channel="qr",
                                           reasons=[world.other.reasons[1].id], idempotency_key=uuid.uuid4(),
                                           created_at=timezone.now() - timedelta(days=40))])
    differences = aggregate_check.check(*FAR)
    assert {d[0] for d in differences} == {"RatingDay", "RatingHour", "RatingMonth", "RatingReasonDay", "PremiseDay",
                                           "PremiseMonth", "HeatMonth", "ReasonMonth", "PremiseReasonDay",
                                           "TargetHeatMonth", "TargetHour"}
    with pytest.raises(CommandError):
        call_command("check_aggregates", "--start", "2000-01-01", "--end", "2099-12-31")
    call_command("rebuild_aggregates", "--start", "2000-01-01", "--end", "2099-12-31", "--agency",
                 str(world.home.agency.id))
    position = {"RatingHour": 2, "TargetHour": 2, "PremiseDay": 0, "PremiseMonth": 0, "HeatMonth": 0,
                "ReasonMonth": 0, "PremiseReasonDay": 0, "TargetHeatMonth": 0}  # of the agency in the key
    assert {d[1][position.get(d[0], 1)] for d in aggregate_check.check(*FAR)} == {world.other.agency.id}
    call_command("rebuild_aggregates", "--start", "2000-01-01", "--end", "2099-12-31")
    assert aggregate_check.check(*FAR) == []
    call_command("check_aggregates", "--start", "2000-01-01", "--end", "2099-12-31")


@pytest.mark.django_db(transaction=True)
def test_concurrent_ingest_on_postgresql_stays_exact():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter")
    world = make_world()
    targets = [world.home.counter, world.home.officer_target, world.home.branch_counter, world.other.counter]
    reasons = [r.id for r in world.home.reasons]
    barrier, errors, writing = threading.Barrier(10), [], threading.Event()
    writing.set()
    folded = []

    def folder():  # two folders race each other and the writers; one folds at a time
        try:
            barrier.wait()
            while writing.is_set():
                folded.append(pending.fold(limit=7) or 0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()
    shared = [row(targets[0], score=1) for _ in range(5)]  # the same keys sent by every thread

    def submit(i):
        try:
            barrier.wait()
            for n in range(15):
                rows = [row(targets[(i + n + k) % 4], score=1 + (i * n + k) % 5, reasons=reasons[: (k % 2) + 1],
                            comment="c" if k % 3 == 0 else "", channel="qr" if k % 2 else "tablet")
                        for k in range(4)] + shared[n % 5:n % 5 + 1]
                rating_writer.insert_new(rows)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    folders = [threading.Thread(target=folder) for _ in range(2)]
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads + folders:
        t.start()
    for t in threads:
        t.join()
    writing.clear()
    for t in folders:
        t.join()
    assert errors == [] and sum(folded) > 0  # the folders worked during the ingest
    assert aggregate_check.check(*FAR) == []
    with scopes_disabled():
        assert totals() == Rating.objects.count() == 8 + 8 * 15 * 4 + 5


@pytest.mark.django_db
def test_a_rating_waits_in_the_queue_until_folded_and_is_counted_once(world):
    pending.fold_all()  # the world's own ratings
    before = totals()
    rating_writer.insert_new([row(world.home.counter, score=2), row(world.home.service, score=5)])
    assert PendingRating.objects.count() == 2 and totals() == before
    assert pending.fold(limit=1) == 1 and totals() == before + 1 and PendingRating.objects.count() == 1
    assert pending.fold_all() == 1 and pending.fold_all() == 0
    assert totals() == before + 2 and aggregate_check.check(*FAR) == []


@pytest.mark.django_db
def test_a_rebuild_forgets_the_pending_ratings_it_counts_itself(world):
    pending.fold_all()
    now = timezone.now()
    rating_writer.insert_new([row(world.home.counter, when=now), row(world.other.counter, when=now)])
    call_command("rebuild_aggregates", "--start", now.date().isoformat(), "--end", now.date().isoformat(),
                 "--agency", str(world.home.agency.id))
    # the home agency's rating was recounted, the other's still waits for the folder
    with scopes_disabled():
        others = list(Rating.objects.filter(agency=world.other.agency, created_at=now).values_list("id", flat=True))
    assert list(PendingRating.objects.values_list("rating_id", flat=True)) == others
    call_command("fold_aggregates", "--once")
    assert aggregate_check.check(*FAR) == [] and not PendingRating.objects.exists()


@pytest.mark.django_db
def test_a_rating_deleted_before_it_was_folded_is_not_counted(world):
    pending.fold_all()
    before = totals()
    rating_writer.insert_new([row(world.home.counter, comment="gone")])
    with scopes_disabled():
        Rating.objects.filter(comment="gone").delete()
    assert pending.fold_all() == 1 and totals() == before and not PendingRating.objects.exists()


@pytest.mark.django_db
def test_the_migration_adds_the_ratings_with_any_reason_to_the_reason_tables(world):
    """Before it the reason tables counted each reason only; the report read the ratings."""
    from erating.base.models import ReasonMonth

    home = world.home
    rating_writer.insert_new([row(home.counter, score=1, reasons=[home.reasons[0].id, home.reasons[1].id]),
                              row(home.service, score=2, reasons=[home.reasons[0].id]), row(home.counter, score=5)])
    pending.fold_all()
    with scopes_disabled():
        RatingReasonDay.objects.filter(reason_id=aggregates.ANY_REASON).delete()
        ReasonMonth.objects.filter(reason_id=aggregates.ANY_REASON).delete()
    assert {d[0] for d in aggregate_check.check(*FAR)} == {"RatingReasonDay", "ReasonMonth"}
    aggregates.backfill_any_reason()
    assert aggregate_check.check(*FAR) == []
    with scopes_disabled():
        carrying = sum(bool(reasons) for reasons in Rating.objects.values_list("reasons", flat=True))
        assert sum(RatingReasonDay.objects.filter(reason_id=aggregates.ANY_REASON).values_list("n", flat=True)) \
            == carrying >= 2


@pytest.mark.django_db
def test_the_migration_fills_the_premise_reason_days_from_the_target_grain(world):
    from erating.base.models import PremiseReasonDay

    home = world.home
    rating_writer.insert_new([row(home.counter, score=1, reasons=[home.reasons[0].id, home.reasons[1].id]),
                              row(home.service, score=2, reasons=[home.reasons[0].id]),
                              row(home.branch_counter, score=1, reasons=[home.reasons[1].id],
                                  when=datetime(2026, 2, 3, 17, tzinfo=UTC))])
    pending.fold_all()
    with scopes_disabled():
        folded = sorted(PremiseReasonDay.objects.values_list("agency_id", "day", "premise_id", "score", "reason_id",
                                                            "n"))
        PremiseReasonDay.objects.all().delete()
    assert {d[0] for d in aggregate_check.check(*FAR)} == {"PremiseReasonDay"}
    aggregates.backfill_derived(PremiseReasonDay)
    assert aggregate_check.check(*FAR) == []
    with scopes_disabled():
        assert sorted(PremiseReasonDay.objects.values_list("agency_id", "day", "premise_id", "score", "reason_id",
                                                           "n")) == folded
    # 17:00 UTC is 01:00 the next day in Malaysia.
    assert (home.agency.id, date(2026, 2, 4), home.branch.id, 1, home.reasons[1].id, 1) in folded
    with scopes_disabled():
        carrying = sum(bool(reasons) for reasons in Rating.objects.values_list("reasons", flat=True))
    assert sum(n for *_k, reason, n in folded if reason == aggregates.ANY_REASON) == carrying >= 3


@pytest.mark.django_db
def test_postgresql_knows_a_targets_rows_carry_one_premise_and_agency():
    """Grouped by target, premise and agency, the planner's estimate must be the targets' count,
    not their product (it sorted to disk instead of hashing): extended statistics say so."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxrelid::regclass::text, 'd' = ANY(stxkind) FROM pg_statistic_ext "
                       "WHERE stxname LIKE %s", ["%_target_units"])
        found = dict(cursor.fetchall())
    assert found == {"base_ratingday": True, "base_ratingmonth": True}  # 'd': ndistinct


@pytest.mark.django_db
def test_a_documents_snapshot_folds_once_and_readers_outside_it_fold_again(world):
    rating_writer.insert_new([row(world.home.counter, score=2)])
    with pending.one_snapshot():
        pending.fresh()
        assert not PendingRating.objects.exists()
        rating_writer.insert_new([row(world.home.counter, score=3)])  # stored while the report is written
        pending.fresh()
        assert PendingRating.objects.count() == 1  # the report's figures stay one snapshot
    pending.fresh()
    assert not PendingRating.objects.exists()
    assert aggregate_check.check(*FAR) == []
