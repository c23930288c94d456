"""The per-officer report: ranked as the Analysis module ranks, the few withheld."""
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base import labels
from erating.base.tests.reports_helpers import csv_rows as _csv
from erating.base.tests.reports_helpers import run, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    today = timezone.localdate()
    seed(world, today)
    return world, today


def test_it_ranks_officers_as_the_analysis_module_and_withholds_the_few(data, tmp_path):
    """The per-officer report: the agency's minimum decides; below it an officer's figures are for
    the agency administrator only (listed unranked), others see how many were withheld."""
    world, today = data
    h = world.home
    query = {"report": "officers", "fmt": "csv", "flagged": "1", "start": (today - timedelta(days=60)).isoformat(),
             "end": today.isoformat()}
    with scopes_disabled():
        from erating.base.models import Rating

        for score in (5, 4, 2):  # a second officer at the supervisor's premise
            Rating.objects.create(agency=h.agency, premise=h.counter.premise, target=h.counter, officer=h.colleague,
                                  score=score, channel=Rating.QR, idempotency_key=uuid.uuid4())
        raw = Counter((r.officer_id, r.score) for r in Rating.objects.filter(agency=h.agency, officer__isnull=False)
                      if today - timedelta(days=60) <= timezone.localtime(r.created_at).date() <= today)
    officers = {o for o, _s in raw}
    assert len(officers) >= 2 and all(sum(raw[(o, s)] for s in range(1, 6)) < 10 for o in officers)
    names = labels.officer_labels([h.officer.pk, h.colleague.pk])  # name, home premise, staff number or e-mail
    assert names[h.officer.pk] == f"{h.officer.full_name} ({h.premise.name} · petugas)"

    def body(user):
        return [r for r in _csv(run(user, query, tmp_path))[1:] if r and r[1] in names.values()]

    assert body(h.supervisor) == []  # all below the default minimum of 10: withheld
    shown = body(h.admin)
    assert {r[1] for r in shown} == {names[o] for o in officers} and all(r[0] == "" for r in shown)
    with scopes_disabled():
        h.agency.ranking_min_ratings = 1
        h.agency.save()
    ranked = body(h.supervisor)
    assert [r[0] for r in ranked] == [str(i) for i in range(1, len(officers) + 1)]
    by_name = {r[1]: r for r in ranked}
    for officer in officers:
        row = by_name[names[officer]]
        assert [int(x) for x in row[3:8]] == [raw[(officer, s)] for s in (5, 4, 3, 2, 1)]
        assert int(row[8]) == sum(raw[(officer, s)] for s in range(1, 6))
