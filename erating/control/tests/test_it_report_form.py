"""The report form: shown, it offers every unit the user may see; submitted, it checks only the
units named (no list of every counter and officer per run), and shown again with all of them."""
import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from erating.base.models import Target
from erating.base.scoping import dimensions_for
from erating.control.forms_reports import ReportForm

pytestmark = pytest.mark.django_db

RUN = {"report": "summary", "language": "ms", "fmt": "csv", "score_min": 1, "score_max": 5}


def test_a_submitted_form_checks_only_the_named_units(world):
    h = world.home
    with scope(**dimensions_for(h.admin)):
        shown = ReportForm(h.admin, dimensions_for(h.admin))
        sent = ReportForm(h.admin, dimensions_for(h.admin), {**RUN, "target": str(h.counter.pk),
                                                             "officer": str(h.officer.pk)})
        assert sent.is_valid(), sent.errors
    assert len(shown.fields["target"].choices) > 3
    assert [pk for pk, _label in sent.fields["target"].choices if pk] == [h.counter.pk]
    assert [pk for pk, _label in sent.fields["officer"].choices if pk] == [h.officer.pk]
    assert (sent.cleaned_data["target"], sent.cleaned_data["officer"]) == (h.counter.pk, h.officer.pk)


@pytest.mark.parametrize("value", ["99999999", "abc", "-1"])
def test_a_unit_outside_the_scope_is_refused_and_the_form_offers_every_unit_again(world, login, value):
    h = world.home
    other = str(world.other.counter.pk) if value == "99999999" else value
    response = login(h.admin).post(reverse("control:report_run"), {**RUN, "target": other})
    assert response.status_code == 400
    form = response.context["form"]
    assert "target" in form.errors
    with scopes_disabled():
        own = set(Target.objects.filter(agency=h.agency).values_list("pk", flat=True))
    assert {pk for pk, _label in form.fields["target"].choices if pk} == own
