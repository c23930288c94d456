"""One way to show a number (issue 21 item 2): rounded half up to the shown precision on every
page, chart, table, PDF, CSV and e-mail; XLSX and the API keep exact values."""
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone, translation
from django_scopes import scope

from erating.base import numbers
from erating.base.analysis import criteria as cr
from erating.base.reports import csv_out, pdf_out
from erating.base.reports.base import FLOAT, NUM, PCT, Column, Section
from erating.base.scoping import dimensions_for
from erating.base.templatetags import numbers as tags
from erating.base.testing import add_rating
from erating.control.views import analysis_charts
from erating.portal.templatetags.portal import pct as portal_pct


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_it_rounds_half_up_where_truncation_cut(lang):
    with translation.override(lang):
        assert numbers.text(79.75, 1) == "79.8" and tags.pct(79.75) == "79.8%" and portal_pct(79.75) == "79.8"
        assert numbers.text(4.0796, 2) == "4.08" and tags.mean(4.0796) == "4.08"
        assert numbers.text(100 * 15 / 16, 1) == "93.8" and tags.pct(100 * 15 / 16) == "93.8%"
        assert numbers.text(4.075, 2) == "4.08"  # round() on the binary value says 4.07
        assert numbers.text(0.25, 1) == "0.3" and numbers.text(-0.25, 1) == "-0.3"
        assert numbers.text(1234567.891, 1) == "1,234,567.9" and numbers.text(None) == "–"
        assert pdf_out.fmt(79.75, PCT) == "79.8" and pdf_out.fmt(4.0796, FLOAT) == "4.08"
        assert pdf_out.fmt(Decimal("80.8"), NUM) == "80.8"  # not "80.80"
    assert numbers.chart_value(100 * 15 / 16, 1) == 93.8 and numbers.half_up(None, 1) is None


def test_it_writes_csv_fractions_as_shown():
    section = Section("t", [Column("p", PCT), Column("m", FLOAT)], [(79.75, 4.0796), (100 * 15 / 16, 4.075)])
    text = b"".join(csv_out.stream([section])).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["79.8,4.08", "93.8,4.08"]


def test_it_shows_distribution_shares_adding_up_to_100():
    for counts in ([1, 1, 1], [1, 1, 1, 1, 1, 1], [7, 3, 0, 1, 2], [2, 1, 0, 0, 3], [1, 0, 0, 0, 0]):
        shares = numbers.shares(counts)
        assert sum(shares) == 100, counts
        for n, share in zip(counts, shares):
            exact = Decimal(100 * n) / sum(counts)
            assert abs(share - exact) < Decimal("0.1") and (n or share == 0)
    assert numbers.shares([0, 0]) == [None, None]


@pytest.mark.django_db
def test_it_shows_the_same_digits_in_the_chart_and_its_table(world):
    """15 satisfied ratings of 16 on one day: 93.75 % is 93.8 in the trend's table, its chart's
    data, the headline card, the home page's card and the summary report (the table cut 93.7)."""
    home = world.home
    day = timezone.localdate() - timedelta(days=10)
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    for i in range(16):
        add_rating(home.counter, 5 if i < 15 else 1, when=noon + timedelta(minutes=i))
    query = QueryDict(mutable=True) | {"period": "custom", "start": (day - timedelta(days=1)).isoformat(),
                                       "end": (day + timedelta(days=1)).isoformat()}
    user = home.admin
    with scope(**dimensions_for(user)), translation.override("en"):
        c = cr.parse(query, user=user)
        trend = analysis_charts.trend(c)
        from erating.base.analysis import figures

        summary = analysis_charts.summary(c, figures.headline(c))
    row = next(r for r in trend["rows"] if r["n"] == "16")
    index = trend["rows"].index(row)
    assert row["csat"] == "93.8"
    assert numbers.text(trend["chart"]["csat"][index], 1) == row["csat"]
    card = next(card for card in summary["cards"] if card["key"] == "csat")
    assert card["value"] == "93.8%"
    low = next(card for card in summary["cards"] if card["key"] == "low_share")
    assert low["label"] == "Low scores (1–2)" and low["value"] == "6.3%"  # 1 of 16: 6.25
    shares = [Decimal(r["share"]) for r in summary["dist_rows"]]
    assert sum(shares) == 100
