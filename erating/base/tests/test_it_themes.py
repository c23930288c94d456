"""Comment themes: the matcher (four languages), its quality on the labelled set, and the theme
counts kept by the folder, rebuilt and checked, on SQLite and PostgreSQL."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django_scopes import scope, scopes_disabled

from erating.base.analysis import aggregates, pending, themes
from erating.base.analysis import criteria as cr
from erating.base.models import (
    AgencyThemePhrases,
    PremiseThemeDay,
    Rating,
    RatingTheme,
    Theme,
    ThemeDay,
    ThemeMonth,
    ThemeRebuild,
)
from erating.base.scoping import dimensions_for
from erating.base.testing import add_rating
from erating.base.themes import quality
from erating.base.themes.matcher import Matcher
from erating.base.themes.taxonomy import THEMES

MATCHER = Matcher([(code, phrases) for code, _, _, phrases in THEMES])


@pytest.mark.parametrize("text, expected", [
    ("Saya menunggu lama", {"wait"}),  # meN- prefix: the root is tunggu
    ("Sudah ditunggu dua jam", {"wait"}),
    ("Tandas tidak dibersihkan", {"facilities"}),  # di-...-kan around bersih
    ("Ruang menunggu panas", {"facilities"}),  # the longer phrase claims "menunggu"
    ("We waited for ages", {"wait"}),  # English inflection
    ("The toilets were dirty and the staff rude", {"facilities", "courtesy"}),  # several themes
    ("等了很久，厕所也很脏", {"wait", "facilities"}),
    ("நீண்ட நேரம் காத்திருந்தேன்", {"wait"}),  # Tamil: the stem as the start of the word
    ("Terpaksa beratur", {"wait"}),
    ("Kaunter teratur", set()),  # =beratur is compared as written: teratur (orderly) is no queue
    ("", set()),
])
def test_it_matches_each_language(text, expected):
    assert MATCHER.match(text) == expected


@pytest.mark.parametrize("language, floor", [("ms", 0.8), ("en", 0.8), ("zh", 0.7), ("ta", 0.7)])
def test_it_reaches_the_quality_floor_on_the_labelled_set(language, floor):
    scores = quality.evaluate(MATCHER, language)
    assert len(scores["items"]) == 100
    assert scores["macro_f1"] >= floor, scores


def test_the_labelled_set_covers_every_theme_in_every_language():
    for language in ("ms", "en", "zh", "ta"):
        seen = {code for item in quality.labelled(language) for code in item[1]}
        assert seen == {code for code, *_ in THEMES}


@pytest.fixture
def themed(world):
    home = world.home
    when = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    with scopes_disabled():
        ratings = [
            add_rating(home.counter, 1, comment="Menunggu dua jam, tandas kotor", when=when),
            add_rating(home.counter, 5, comment="Terima kasih, cepat", when=when),
            add_rating(home.service, 2, comment="Pegawai sombong", when=when),
            add_rating(home.counter, 3, comment="tiada apa", when=when),
            add_rating(home.branch_counter, 2, comment="Parking penuh", when=datetime(2026, 2, 3, 3, tzinfo=UTC)),
        ]
    pending.fold_all()
    return world, ratings


def _codes(rating):
    with scopes_disabled():
        return {link.theme_id for link in RatingTheme.objects.filter(rating=rating)}


def _theme(code):
    return Theme.objects.get(code=code)


@pytest.mark.django_db
def test_the_folder_counts_themes_with_the_other_aggregates(themed):
    world, ratings = themed
    assert _codes(ratings[0]) == {_theme("wait").id, _theme("facilities").id}
    assert _codes(ratings[3]) == set()
    with scopes_disabled():
        day = ThemeDay.objects.get(theme_id=_theme("wait").id, score=1, day=date(2026, 3, 10))
        assert (day.n, day.target_id) == (1, world.home.counter.id)
        assert ThemeMonth.objects.get(theme_id=_theme("praise").id, month=date(2026, 3, 1)).n == 1
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []
    pending.fold_all()  # nothing left: folding again adds nothing
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []
    with scopes_disabled():
        assert ThemeDay.objects.get(theme_id=_theme("wait").id, score=1, day=date(2026, 3, 10)).n == 1


@pytest.mark.django_db
def test_a_rebuild_of_the_aggregates_counts_each_theme_once(themed):
    world, _ = themed
    with scopes_disabled():
        late = add_rating(world.home.counter, 1, comment="Sistem rosak", when=datetime(2026, 3, 11, tzinfo=UTC))
    # `late` is still queued: the rebuild recounts it and forgets the queue entry.
    aggregates.rebuild(date(2026, 1, 1), date(2026, 3, 31))
    pending.fold_all()
    assert _codes(late) == {_theme("systems").id}
    with scopes_disabled():
        assert sum(ThemeDay.objects.filter(theme_id=_theme("systems").id, day__year=2026, day__month=3)
                   .values_list("n", flat=True)) == 1
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []


@pytest.mark.django_db
def test_an_agency_phrase_applies_after_a_rebuild_and_to_new_ratings(themed):
    world, ratings = themed
    nothing = ratings[3]  # "tiada apa"
    with scopes_disabled():
        AgencyThemePhrases.objects.create(agency=world.home.agency, theme=_theme("process"),
                                          phrases={"ms": ["tiada apa"]})
        other = add_rating(world.other.counter, 3, comment="tiada apa", when=datetime(2026, 3, 10, tzinfo=UTC))
    pending.fold_all()
    assert _codes(other) == set()  # the phrase is the home agency's own
    job = ThemeRebuild.objects.create(agency=world.home.agency)
    themes.rebuild(date(2026, 1, 1), date(2026, 3, 31), world.home.agency.id, job)
    assert _codes(nothing) == {_theme("process").id}
    job.refresh_from_db()
    with scopes_disabled():
        commented = Rating.objects.filter(agency=world.home.agency, created_at__lt=datetime(2026, 4, 1, tzinfo=UTC)
                                          ).exclude(comment="").count()
    assert (job.done, job.total) == (commented, commented) and job.finished_at is not None
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []


@pytest.mark.django_db
def test_themes_of_criteria_with_share_and_change(themed):
    world, _ = themed
    admin = world.home.admin
    with scope(**dimensions_for(admin)):
        c = cr.parse({"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}, user=admin)
        result = themes.themes(c)
    rows = {r["theme"].code: r for r in result["rows"]}
    assert result["commented"] == 4
    assert rows["wait"]["n"] == 2 and rows["wait"]["share"] == 50.0  # "Menunggu", "cepat"
    assert rows["courtesy"]["n"] == 1 and rows["courtesy"]["previous_n"] == 0
    assert rows["access"]["n"] == 0 and rows["access"]["previous_n"] == 1  # February: the period before
    with scope(**dimensions_for(admin)):
        low = c.replace(score_min=1, score_max=2)
        assert {r["theme"].code for r in themes.themes(low)["rows"] if r["n"]} == {"wait", "facilities",
                                                                                  "courtesy"}
        drill = themes.comments(c, _theme("wait"))
    assert sorted(r.comment for r in drill) == ["Menunggu dua jam, tandas kotor", "Terima kasih, cepat"]


@pytest.mark.django_db
def test_rising_phrases_compare_with_the_previous_period(world):
    home = world.home
    with scopes_disabled():
        for _ in range(6):
            add_rating(home.counter, 2, comment="Mesin giliran rosak lagi", when=datetime(2026, 3, 5, tzinfo=UTC))
        for _ in range(6):
            add_rating(home.counter, 4, comment="Pegawai mesra", when=datetime(2026, 3, 6, tzinfo=UTC))
            add_rating(home.counter, 4, comment="Pegawai mesra", when=datetime(2026, 2, 6, tzinfo=UTC))
    with scope(**dimensions_for(home.admin)):
        c = cr.parse({"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}, user=home.admin)
        rising = themes.rising_phrases(c, min_count=5)
    phrases = [r["phrase"] for r in rising["rows"]]
    assert "mesin giliran" in phrases
    assert "pegawai mesra" not in phrases  # as common before as now
    assert rising["sampled"] is False


@pytest.mark.django_db
def test_check_aggregates_finds_a_theme_difference_and_rebuild_repairs_it(themed):
    from django.core.management import CommandError, call_command

    with scopes_disabled():
        ThemeDay.objects.filter(theme_id=_theme("wait").id).update(n=7)
    with pytest.raises(CommandError):
        call_command("check_aggregates", "--start", "2026-01-01", "--end", "2026-12-31")
    call_command("rebuild_aggregates", "--start", "2026-01-01", "--end", "2026-12-31")
    call_command("check_aggregates", "--start", "2026-01-01", "--end", "2026-12-31")
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []


@pytest.mark.django_db
def test_the_most_praised_theme_of_a_premise_and_month(themed):
    world, _ = themed
    with scopes_disabled():
        for comment in ("Pegawai sangat mesra", "Pegawai peramah, terima kasih", "Tandas bersih"):
            add_rating(world.home.counter, 5, comment=comment, when=datetime(2026, 3, 12, tzinfo=UTC))
        add_rating(world.home.counter, 1, comment="Pegawai kasar, tunggu lama, tunggu lagi",
                   when=datetime(2026, 3, 12, tzinfo=UTC))
    pending.fold_all()
    theme, n = themes.most_praised(world.home.premise.id, date(2026, 3, 20))
    assert (theme.code, n) == ("courtesy", 2)  # low ratings and the generic praise theme do not count
    assert themes.most_praised(world.home.premise.id, date(2026, 3, 1), minimum=3) is None
    assert themes.most_praised(world.home.premise.id, date(2026, 5, 1)) is None


@pytest.mark.django_db
@pytest.mark.parametrize("start, end", [("2026-02-02", "2026-03-10"), ("2026-02-03", "2026-02-03"),
                                        ("2026-01-15", "2026-03-31"), ("2026-03-11", "2026-04-30")])
def test_themes_of_any_period_equal_the_links_and_read_no_target_grain_days(themed, start, end):
    """Every agency's themes of a custom range: whole months from ThemeMonth, the other days from
    PremiseThemeDay, which holds a premise's day in a row where ThemeDay holds one per counter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world, _ = themed
    with scopes_disabled():
        add_rating(world.other.counter, 1, comment="Tandas kotor", when=datetime(2026, 3, 10, 20, tzinfo=UTC))
    pending.fold_all()
    sysadmin = world.sysadmin
    with scope(**dimensions_for(sysadmin)), CaptureQueriesContext(connection) as queries:
        c = cr.parse({"period": "custom", "start": start, "end": end}, user=sysadmin)
        got = {r["theme"].code: r["n"] for r in themes.themes(c)["rows"] if r["n"]}
    assert not [q for q in queries if f'"{ThemeDay._meta.db_table}"' in q["sql"]]
    first, last = (datetime.combine(date.fromisoformat(d), datetime.min.time(), tzinfo=cr.MYT) for d in (start, end))
    with scopes_disabled():
        links = RatingTheme.objects.filter(rating__created_at__gte=first,
                                           rating__created_at__lt=last + timedelta(days=1))
        expected = {}
        for code in links.values_list("theme__code", flat=True):
            expected[code] = expected.get(code, 0) + 1
    assert got == expected


@pytest.mark.django_db
def test_check_finds_a_premise_day_difference_and_the_migration_refills_them(themed):
    with scopes_disabled():
        before = sorted(PremiseThemeDay.objects.values_list("agency_id", "day", "premise_id", "score", "theme_id",
                                                            "n"))
        assert sum(n for *_k, n in before) == sum(ThemeDay.objects.values_list("n", flat=True)) > 0
        PremiseThemeDay.objects.filter(theme_id=_theme("wait").id).update(n=7)
    assert {d[0] for d in themes.check(date(2026, 1, 1), date(2026, 12, 31))} == {_theme("wait").id}
    with scopes_disabled():
        PremiseThemeDay.objects.all().delete()
    aggregates.backfill_derived(PremiseThemeDay)
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []
    with scopes_disabled():
        assert sorted(PremiseThemeDay.objects.values_list("agency_id", "day", "premise_id", "score", "theme_id",
                                                          "n")) == before


@pytest.mark.django_db
def test_a_recount_writing_its_counts_in_several_flushes_counts_the_same(themed, monkeypatch):
    with scopes_disabled():
        before = sorted(ThemeMonth.objects.values_list("agency_id", "month", "premise_id", "score", "theme_id", "n"))
    from django.db import connection, transaction

    monkeypatch.setattr(themes, "FLUSH_AT", 0)  # the counts written after every chunk of one rating
    with transaction.atomic(), connection.cursor() as cursor:
        pending.lock(cursor)
        assert themes.recount(cursor, date(2026, 1, 1), date(2026, 3, 31), batch=1) == 5
    assert themes.check(date(2026, 1, 1), date(2026, 12, 31)) == []
    with scopes_disabled():
        assert sorted(ThemeMonth.objects.values_list("agency_id", "month", "premise_id", "score", "theme_id",
                                                     "n")) == before
