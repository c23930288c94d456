"""The Analysis dashboard's themes: the section (counts, shares, rising phrases) and the drill-down
to a theme's comments, inside each role's scope and the dashboard's filters."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(world):
    with scopes_disabled():
        add_rating(world.home.counter, 1, comment="Tandas kotor sekali")
        add_rating(world.home.branch_counter, 2, comment="Tandas cawangan kotor")
        add_rating(world.other.counter, 1, comment="Tandas agensi lain kotor")
    pending.fold_all()
    return world


def test_the_section_lists_themes_with_their_share(commented, login):
    client = login(commented.home.admin)
    page = client.get(reverse("control:analysis_themes"), {"period": "7d"}).content.decode()
    assert "Kemudahan dan kebersihan" in page or "Facilities and cleanliness" in page
    # home: 5 commented ratings (3 from the world, 2 above); 2 about the toilets = 40.0 %; no
    # comment in the week before, so no change
    assert "Kemudahan dan kebersihan</a></th><td>2</td><td>40.0</td><td>–</td>" in page.replace("\n", "")
    assert "an-phrases-title" not in page  # the rising phrases are a request of their own


def test_the_rising_phrases_are_their_own_section_in_scope(commented, login):
    with scopes_disabled():
        for _ in range(5):
            add_rating(commented.home.counter, 2, comment="Barisan panjang sungguh")
            add_rating(commented.other.counter, 2, comment="Parkir penuh")
    pending.fold_all()
    client = login(commented.home.admin)
    page = client.get(reverse("control:analysis_phrases"), {"period": "7d"}).content.decode()
    assert "an-phrases-title" in page
    assert "barisan panjang" in page.lower()
    assert "parkir" not in page.lower()  # another agency's comments


@pytest.mark.parametrize("role, shown, hidden", [
    ("admin", ["Tandas kotor sekali", "Tandas cawangan kotor"], ["agensi lain"]),
    ("supervisor", ["Tandas kotor sekali"], ["Tandas cawangan kotor", "agensi lain"]),  # supervises the HQ only
])
def test_the_drill_down_shows_the_comments_in_scope(commented, login, role, shown, hidden):
    client = login(getattr(commented.home, role))
    response = client.get(reverse("control:analysis_theme_comments", args=["facilities"]), {"period": "7d"})
    assert response.status_code == 200
    page = response.content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_the_drill_down_follows_the_filters_and_refuses_other_agencies(commented, login):
    client = login(commented.home.admin)
    url = reverse("control:analysis_theme_comments", args=["facilities"])
    page = client.get(url, {"period": "7d", "premise": commented.home.branch.id}).content.decode()
    assert "Tandas cawangan kotor" in page and "Tandas kotor sekali" not in page
    assert client.get(url, {"period": "7d", "agency": commented.other.agency.id}).status_code == 404
    assert client.get(reverse("control:analysis_theme_comments", args=["no-such-theme"])).status_code == 404
    assert client.get(url, {"period": "nonsense"}).status_code == 400


def test_an_anonymous_visitor_is_sent_to_log_in(commented, client):
    response = client.get(reverse("control:analysis_theme_comments", args=["facilities"]))
    assert response.status_code == 302
