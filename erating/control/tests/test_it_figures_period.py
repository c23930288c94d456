"""Figures never stand without their period: the premise and target pages (all-time figures) and
each role's overview (the last 30 days) say beside the figures which dates they cover."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from erating.base.analysis import criteria as cr

pytestmark = pytest.mark.django_db


def _dmy(day):
    return day.strftime("%d/%m/%Y")


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_premise_and_target_pages_state_the_period_of_their_figures(world, login, settings, lang, monkeypatch):
    monkeypatch.setattr(cr, "today", lambda: date(2026, 11, 30))
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    with translation.override(lang):
        expected = translation.gettext("All ratings up to %(end)s") % {"end": "30/11/2026"}
        label = translation.gettext("Period")
    for url in (reverse("control:premise_detail", kwargs={"premise_id": world.home.premise.pk}),
                reverse("control:target_detail", kwargs={"target_id": world.home.counter.pk})):
        html = client.get(url).content.decode()
        note = html[html.index('class="period-note"'):]
        note = note[:note.index("</p>")]
        assert f"{label}: {expected}" in note, note


def test_the_overview_states_its_thirty_days(world, login, settings, monkeypatch):
    monkeypatch.setattr(cr, "today", lambda: date(2026, 11, 30))
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("control:home")).content.decode()
    start = date(2026, 11, 30) - timedelta(days=29)
    assert f"Period: Last 30 days ({_dmy(start)} – 30/11/2026)" in html
