"""Issue 24 item 7: an officer's report filters offer only their own reach (the premises and
targets they worked at; no colleagues), and every choice offered runs (never a 400)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def choices(response, field):
    return [value for value, _label in response.context["form"].fields[field].choices if value != ""]


def test_it_offers_an_officer_only_their_own_premises_and_targets(world, login):
    h = world.home
    client = login(h.officer)
    index = client.get(reverse("control:report_index"))
    assert choices(index, "premise") == [h.premise.pk]  # not the branch, where they never worked
    assert sorted(choices(index, "target")) == sorted([h.counter.pk, h.officer_target.pk])
    assert "officer" not in index.context["form"].fields  # no colleague to pick
    page = index.content.decode()
    assert h.branch.name not in page and h.supervisor.full_name not in page
    for field, value in [("premise", h.premise.pk), ("target", h.counter.pk), ("target", h.officer_target.pk)]:
        response = client.post(reverse("control:report_run"), {"report": "detailed", "language": "ms", "fmt": "csv",
                                                               "score_min": 1, "score_max": 5, field: value})
        assert response.status_code == 200, (field, value)
        rows = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "Lambat" not in rows  # the counter's uncredited rating is not theirs


def test_it_still_offers_an_agency_administrator_the_whole_agency(world, login):
    h = world.home
    index = login(h.admin).get(reverse("control:report_index"))
    assert {h.premise.pk, h.branch.pk} <= set(choices(index, "premise"))
    assert h.branch_counter.pk in choices(index, "target")
    assert h.officer.pk in choices(index, "officer")
