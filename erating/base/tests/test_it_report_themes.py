"""The summary report's comment themes and rising phrases: the same figures as the Analysis page,
in the report's language, inside the user's scope, with the change against the previous period."""
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.testing import add_rating
from erating.base.tests.reports_helpers import pdf_text, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(world):
    """This week: 4 more commented ratings at the HQ, 3 about dirty toilets; the week before: 1 of 2."""
    h = world.home
    today = timezone.localdate()

    def at(days_ago):
        return datetime.combine(today - timedelta(days=days_ago), time(10), timezone.get_current_timezone())

    with scopes_disabled():
        for comment in ("Tandas kotor sekali", "Tandas kotor lagi, tandas busuk", "Tandas kotor", "Pegawai mesra"):
            add_rating(h.counter, 2, comment=comment, when=at(1))
        add_rating(h.counter, 2, comment="Tandas kotor", when=at(9))
        add_rating(h.counter, 4, comment="Cepat", when=at(9))
        add_rating(world.other.counter, 1, comment="Tandas agensi lain kotor", when=at(1))
    pending.fold_all()
    return world, today


def query(today, language="en", fmt="xlsx"):
    start = today - timedelta(days=6)
    return {"report": "summary", "fmt": fmt, "start": start.isoformat(), "end": today.isoformat(),
            "language": language}


def test_the_summary_lists_themes_with_share_and_change(commented, tmp_path):
    world, today = commented
    book = run(world.home.admin, query(today), tmp_path)
    rows = {r[0]: r for r in book["Comment themes"].iter_rows(min_row=2, values_only=True)}
    # 3 of the week's 7 commented ratings (the world's 3 and the 4 above) = 42.9 %; the week before
    # 1 of 2 = 50.0 %: -7.1 points.
    # XLSX keeps exact shares (its display format rounds them half up); the change is at its shown precision.
    assert rows["Facilities and cleanliness"][1:] == (3, pytest.approx(300 / 7), 50.0, -7.1)
    assert "Rising phrases" not in book.sheetnames  # an option: it reads comments, not the aggregates


def test_the_summary_lists_rising_phrases_when_asked(commented, tmp_path):
    world, today = commented
    book = run(world.home.admin, {**query(today), "phrases": "1"}, tmp_path)
    cells = " ".join(str(c) for r in book["Rising phrases"].iter_rows(values_only=True) for c in r if c)
    assert "Phrase Comments Share of comments (%)" in cells


def test_the_summary_themes_stay_in_the_supervisors_scope_and_language(commented, tmp_path):
    world, today = commented
    book = run(world.home.supervisor, query(today, language="ms"), tmp_path)
    rows = {r[0]: r for r in book["Tema komen"].iter_rows(min_row=2, values_only=True)}
    assert rows["Kemudahan dan kebersihan"][1] == 3  # not the other agency's toilets


def test_the_pdf_summary_carries_the_themes(commented, tmp_path):
    world, today = commented
    _reader, text = pdf_text(run(world.home.admin, query(today, fmt="pdf"), tmp_path))
    assert "Comment themes" in text and "Facilities and cleanliness" in text
