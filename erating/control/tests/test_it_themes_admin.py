"""Editing the comment themes: the system administrator's national list, an agency's own phrases,
validation with clear messages, the audit log and the background re-application with progress."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.models import AgencyThemePhrases, AuditEntry, RatingTheme, Theme, ThemeRebuild
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


def _form(theme, **changes):
    data = {"name_ms": theme.name_ms, "name_en": theme.name_en, "active": "on" if theme.active else ""}
    for lang in ("ms", "en", "zh", "ta"):
        data[f"phrases_{lang}"] = "\n".join(theme.phrases.get(lang, []))
    data.update(changes)
    return data


def _themes_of(rating):
    with scopes_disabled():
        return set(RatingTheme.objects.filter(rating=rating).values_list("theme__code", flat=True))


def test_the_system_administrator_edits_a_national_theme_and_it_is_reapplied(world, login,
                                                                              django_capture_on_commit_callbacks):
    with scopes_disabled():
        rating = add_rating(world.other.counter, 2, comment="Gerai makanan tutup")
    pending.fold_all()
    assert _themes_of(rating) == {"hours"}
    theme = Theme.objects.get(code="facilities")
    client = login(world.sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("control:theme_edit", args=[theme.pk]),
                               _form(theme, phrases_ms="\n".join(theme.phrases["ms"] + ["gerai makanan"])))
    assert response.status_code == 302
    assert _themes_of(rating) == {"hours", "facilities"}  # every agency's comments, read again
    job = ThemeRebuild.objects.get()
    assert job.agency is None and job.finished_at is not None and job.done == job.total > 0
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="theme.update")
    assert "gerai makanan" in entry.changes["phrases"][1]["ms"]
    page = client.get(reverse("control:theme_list")).content.decode()
    assert f"({job.done}" in page or str(job.done) in page


def test_an_agency_adds_its_own_phrases_for_its_comments_only(world, login, django_capture_on_commit_callbacks):
    with scopes_disabled():
        mine = add_rating(world.home.counter, 2, comment="Kaunter MyKad sesak")
        theirs = add_rating(world.other.counter, 2, comment="Kaunter MyKad sesak")
    pending.fold_all()
    theme = Theme.objects.get(code="systems")
    client = login(world.home.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("control:theme_edit", args=[theme.pk]), {"phrases_ms": "kaunter mykad"})
    assert response.status_code == 302
    assert "systems" in _themes_of(mine)
    assert "systems" not in _themes_of(theirs)
    with scopes_disabled():
        assert AgencyThemePhrases.objects.get().agency == world.home.agency
        assert AuditEntry.objects.get(action="theme.phrases").agency == world.home.agency
    # the agency cannot change the national theme itself
    with scopes_disabled():
        assert "kaunter mykad" not in Theme.objects.get(code="systems").phrases["ms"]


@pytest.mark.parametrize("text, message", [
    ("x" * 61, "at most 60"),
    ("=", "must be followed"),
    ("\n".join(f"p{i}" for i in range(201)), "At most 200"),
])
def test_bad_phrases_get_a_clear_message(world, login, text, message):
    theme = Theme.objects.get(code="wait")
    client = login(world.home.admin)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("control:theme_edit", args=[theme.pk]), {"phrases_en": text},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ThemeRebuild.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "officer"])
def test_staff_below_the_administrators_cannot_edit_themes(world, login, role):
    client = login(getattr(world.home, role))
    assert client.get(reverse("control:theme_list")).status_code == 403
    assert client.post(reverse("control:theme_edit", args=[Theme.objects.first().pk]), {}).status_code == 403
