"""The demo generator: counts, realistic rhythm, bilingual comments, and safe re-runs."""
import re
from collections import Counter
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.demo.generate import DEMO_PASSWORD, logins
from erating.base.models import Agency, Ministry, OfficerCounter, Premise, Rating, Target, User

pytestmark = pytest.mark.django_db
MYT = ZoneInfo("Asia/Kuala_Lumpur")
EN_WORDS = {"the", "was", "very", "service", "thank", "great", "quick", "staff", "waited", "but", "officer"}
BM_WORDS = {"dan", "tidak", "sangat", "pegawai", "terima", "kasih", "menunggu", "lambat", "perkhidmatan", "kaunter"}


def words(text):
    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("demo_data", ratings=5000, premises=12, stdout=out)
    return out.getvalue()


def test_it_builds_the_tenants(demo):
    with scopes_disabled():
        assert Agency.objects.count() == 6
        assert Ministry.objects.count() >= 4
        assert Premise.objects.count() == 12
        assert set(Premise.objects.values_list("agency", flat=True)) == set(Agency.objects.values_list("id", flat=True))
        assert set(Premise.objects.values_list("medium", flat=True)) == {Premise.TABLET, Premise.QR, Premise.BOTH}
        assert len(set(Premise.objects.values_list("state", flat=True))) >= 8
        kinds = Counter(Target.objects.values_list("kind", flat=True))
        assert set(kinds) == {Target.COUNTER, Target.SERVICE, Target.FACILITY, Target.OFFICER}
        assert kinds[Target.COUNTER] >= 12 * 3
        officers = User.objects.filter(role=User.OFFICER)
        assert officers.count() >= 12 * 3
        assert officers.count() == Target.objects.filter(kind=Target.OFFICER).count()
        assert OfficerCounter.objects.count() >= officers.count()
        # A tablet lists a premise's officers by name: no two alike on one list.
        per_premise = Counter(Target.objects.filter(kind=Target.OFFICER).values_list("premise", "name"))
        assert max(per_premise.values()) == 1
        assert User.objects.filter(role=User.AGENCY_ADMIN).count() == 6
        for agency in Agency.objects.all():
            assert agency.captions.count() == 5 and agency.reasons.count() >= 3


def test_it_prints_a_working_login_for_each_role(demo):
    with scopes_disabled():
        for role, email in logins().items():
            assert email in demo
            user = User.objects.get(email=email)
            assert user.role == role and user.check_password(DEMO_PASSWORD)
        supervisor = User.objects.get(email=logins()[User.SUPERVISOR])
        assert supervisor.premises.exists()
        assert Target.objects.filter(officer__email=logins()[User.OFFICER]).exists()
    assert DEMO_PASSWORD in demo


def test_it_writes_ratings_with_a_realistic_rhythm(demo):
    with scopes_disabled():
        ratings = list(Rating.objects.values("score", "reasons", "comment", "created_at", "agency_id", "premise_id",
                                             "target__agency_id", "target__premise_id", "channel",
                                             "target__premise__medium", "flagged"))
    assert len(ratings) == 5000
    now = timezone.now()
    local = [r["created_at"].astimezone(MYT) for r in ratings]
    assert all(now - timedelta(days=366) <= r["created_at"] <= now for r in ratings)
    # Office hours only, in Malaysian time.
    assert {t.hour for t in local} <= set(range(8, 18))
    # Weekdays busy, weekends quiet.
    by_day = Counter(t.weekday() for t in local)
    weekday_mean = sum(by_day[d] for d in range(5)) / 5
    assert max(by_day[5], by_day[6]) < weekday_mean * 0.3
    assert min(by_day[d] for d in range(5)) > weekday_mean * 0.5
    # More than one season: every month of the year has ratings.
    assert len({(t.year, t.month) for t in local}) >= 12
    # Denormalised columns match the target (the bulk path bypasses the ORM).
    assert all((r["agency_id"], r["premise_id"]) == (r["target__agency_id"], r["target__premise_id"]) for r in ratings)
    # Channel matches the premise medium.
    for r in ratings:
        medium = r["target__premise__medium"]
        assert medium == "both" or r["channel"] == medium
    scores = Counter(r["score"] for r in ratings)
    assert set(scores) == {1, 2, 3, 4, 5} and scores[5] + scores[4] > scores[1] + scores[2]
    low = [r for r in ratings if r["score"] <= 2]
    assert sum(bool(r["reasons"]) for r in low) > 0.6 * len(low)
    assert not any(r["reasons"] for r in ratings if r["score"] >= 3)
    comments = [r["comment"] for r in ratings if r["comment"]]
    assert any(words(c) & EN_WORDS for c in comments), "no English comments"
    assert any(words(c) & BM_WORDS for c in comments), "no Malay comments"
    assert 0 < sum(r["flagged"] for r in ratings) < 0.02 * len(ratings)


def test_it_skips_when_asked_if_empty(demo):
    with scopes_disabled():
        before = (Agency.objects.count(), Premise.objects.count(), Rating.objects.count(), User.objects.count())
    out = StringIO()
    call_command("demo_data", ratings=100, premises=3, if_empty=True, stdout=out)
    assert "skipping" in out.getvalue()
    with scopes_disabled():
        assert before == (Agency.objects.count(), Premise.objects.count(), Rating.objects.count(),
                          User.objects.count())
    with pytest.raises(CommandError):
        call_command("demo_data", ratings=100, premises=3, stdout=StringIO())


def test_it_builds_into_an_empty_database_with_if_empty(db):
    call_command("demo_data", ratings=10, premises=6, if_empty=True, stdout=StringIO())
    with scopes_disabled():
        assert Rating.objects.count() == 10 and Premise.objects.count() == 6


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_it_always_uses_all_three_media(db, seed):
    call_command("demo_data", ratings=0, premises=10, seed=seed, stdout=StringIO())
    with scopes_disabled():
        media = Counter(Premise.objects.values_list("medium", flat=True))
    assert set(media) == {Premise.TABLET, Premise.QR, Premise.BOTH}
    assert media[Premise.QR] >= 1


@pytest.mark.parametrize("args", [{"ratings": -1}, {"premises": 0}, {"premises": -3}, {"days": 0}])
def test_it_refuses_nonsense_arguments(db, args):
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO(), **args)
    with scopes_disabled():
        assert not Agency.objects.exists()


def _schema():
    from django.db import connection

    with connection.cursor() as cursor:
        table = Rating._meta.db_table
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: (c["columns"], c["unique"], c["index"], c["foreign_key"], c["check"], c["primary_key"])
            for name, c in constraints.items()}


def test_it_rebuilds_indexes_and_constraints_after_a_bulk_load(world):
    """The bulk load drops indexes and constraints during the load; they must all come back."""
    import uuid

    from django.db import IntegrityError, transaction

    from erating.base.ingest.bulk import insert_rows

    before = _schema()
    assert any(c[3] for c in before.values()) and any(c[1] and not c[5] for c in before.values())
    t = world.home.counter
    key = uuid.uuid4()
    rows = [(t.agency_id, t.premise_id, t.id, None, 4, "qr", [], "", False, "", "", "", timezone.now(), None, None,
             key if i == 0 else uuid.uuid4(), False, "") for i in range(50)]
    columns = ["agency_id", "premise_id", "target_id", "officer_id", "score", "channel", "reasons", "comment",
               "contact_consent", "contact_name", "contact_phone", "contact_email", "created_at", "client_time",
               "clock_skew_seconds", "idempotency_key", "flagged", "source"]
    with transaction.atomic():
        assert insert_rows(Rating._meta.db_table, columns, iter(rows), rebuild=True) == 50
    assert _schema() == before
    with scopes_disabled():
        assert Rating.objects.filter(target=t).count() == 52
        with pytest.raises(IntegrityError), transaction.atomic():
            Rating.objects.create(agency_id=t.agency_id, premise_id=t.premise_id, target=t, score=3, channel="qr",
                                  idempotency_key=key)
