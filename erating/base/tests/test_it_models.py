"""Model invariants the database itself must enforce (not only forms)."""
import re
import uuid
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.template import Context, Template
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from erating.base.models import Rating, Target, User
from erating.base.models.targets import CODE_ALPHABET, CODE_LENGTH, new_code
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


def _rating(target, **overrides):
    fields = dict(agency_id=target.agency_id, premise_id=target.premise_id, target=target, score=3,
                  channel=Rating.QR, idempotency_key=uuid.uuid4())
    fields.update(overrides)
    return Rating(**fields)


@pytest.mark.parametrize("score", [0, 6, 100])
def test_it_rejects_scores_outside_1_to_5_in_the_database(world, score):
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        _rating(world.home.counter, score=score).save()


@pytest.mark.parametrize("score", [1, 5])
def test_it_accepts_scores_at_the_bounds(world, score):
    with scopes_disabled():
        _rating(world.home.counter, score=score).save()
        assert Rating.objects.filter(score=score, target=world.home.counter).exists()


def test_it_keeps_idempotency_keys_unique(world):
    key = uuid.uuid4()
    with scopes_disabled():
        _rating(world.home.counter, idempotency_key=key).save()
        with pytest.raises(IntegrityError), transaction.atomic():
            _rating(world.home.service, idempotency_key=key).save()
        assert Rating.objects.filter(idempotency_key=key).count() == 1


def test_it_copies_premise_and_agency_from_the_target(world):
    with scopes_disabled():
        ratings = list(Rating.objects.select_related("target"))
        assert len(ratings) == len(world.home.ratings) + len(world.other.ratings)
        for r in ratings:
            assert (r.premise_id, r.agency_id) == (r.target.premise_id, r.target.agency_id)
        branch = add_rating(world.other.branch_counter, 3)
        assert (branch.premise_id, branch.agency_id) == (world.other.branch.id, world.other.agency.id)


def test_it_requires_an_officer_on_officer_targets(world):
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(agency=world.home.agency, premise=world.home.premise, kind=Target.OFFICER,
                              name="Tiada pegawai")


@pytest.mark.parametrize("role, with_agency", [
    (User.SYSTEM_ADMIN, True), (User.AGENCY_ADMIN, False), (User.SUPERVISOR, False), (User.OFFICER, False)])
def test_it_ties_agency_to_role(world, role, with_agency):
    agency = world.home.agency if with_agency else None
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(f"{role}@x.gov.my", "x", full_name="X", role=role, agency=agency)


def test_it_allows_valid_role_agency_pairs(world):
    with scopes_disabled():
        User.objects.create_user("sys2@x.gov.my", "x", full_name="S", role=User.SYSTEM_ADMIN)
        User.objects.create_user("off2@x.gov.my", "x", full_name="O", role=User.OFFICER, agency=world.home.agency)


def test_it_protects_targets_with_ratings_from_deletion(world):
    counter = world.home.counter
    with scopes_disabled():
        with pytest.raises(ProtectedError), transaction.atomic():
            counter.delete()
        counter.active = False
        counter.save()
        assert Rating.objects.filter(target=counter).count() == 2
        assert not Target.objects.get(pk=counter.pk).active


def test_it_makes_target_codes_random_unique_and_unambiguous(world):
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == CODE_LENGTH >= 8
        assert set(code) <= set(CODE_ALPHABET)
    assert not set("01ilo aeiu") & set(CODE_ALPHABET)
    # Not sequential: consecutive codes share no long common prefix and are not ordered.
    assert sum(a < b for a, b in zip(codes, codes[1:])) < len(codes) * 0.6
    # Every character of the alphabet shows up in every position (uniform, not counter-like).
    for pos in range(CODE_LENGTH):
        assert {c[pos] for c in codes} == set(CODE_ALPHABET)
    with scopes_disabled():
        stored = list(Target.objects.values_list("code", flat=True))
        assert len(set(stored)) == len(stored) == 10  # five targets per agency
        assert all(re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", c) for c in stored)
        with pytest.raises(IntegrityError), transaction.atomic():
            Target.objects.create(agency=world.home.agency, premise=world.home.premise, kind=Target.SERVICE,
                                  name="Dup", code=world.other.counter.code)


def test_it_stores_utc_and_shows_kuala_lumpur_time(world):
    when = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    with scopes_disabled():
        rating = add_rating(world.home.counter, 4, when=when)
        rating.refresh_from_db()
    assert rating.created_at == when
    assert rating.created_at.utcoffset().total_seconds() == 0
    local = timezone.localtime(rating.created_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (8, 30, "Asia/Kuala_Lumpur")
    with translation.override("en"):
        shown = Template('{{ t|date:"H:i" }}').render(Context({"t": rating.created_at}))
    assert shown == "08:30"
