"""Staff screens stay BM/EN but say which language each comment was written in (the language the
customer rated in): on the Analysis comments, a theme's drill-down, the home page and the follow-up inbox."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.models import Rating
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(world):
    with scopes_disabled():
        for language, score, text in (("zh", 1, "厕所很脏"), ("ta", 2, "கழிப்பறை அசுத்தமாக உள்ளது"),
                                      ("en", 1, "The toilet was dirty")):
            rating = add_rating(world.home.counter, score, comment=text)
            Rating.objects.filter(pk=rating.pk).update(language=language)
    pending.fold_all()
    return world


def language_of(page, comment):
    """The label printed after the comment (within its list item or row)."""
    start = page.index(comment)
    marker = 'class="comment-lang" data-language="'
    at = page.index(marker, start) + len(marker)
    return page[at:page.index('"', at)], page[page.index(">", at) + 1:page.index("</span>", at)]


@pytest.mark.parametrize("url", [reverse("control:analysis_comments"), reverse("control:home"),
                                 reverse("control:followup_inbox")])
def test_each_comment_says_its_language_in_the_staff_language(comments, login, url):
    client = login(comments.home.admin)
    page = client.get(url, {"period": "7d"}).content.decode()
    assert language_of(page, "厕所很脏") == ("zh", "dalam Cina")
    assert language_of(page, "கழிப்பறை அசுத்தமாக உள்ளது") == ("ta", "dalam Tamil")
    assert language_of(page, "The toilet was dirty") == ("en", "dalam English")
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    page = client.get(url, {"period": "7d"}).content.decode()
    assert language_of(page, "厕所很脏") == ("zh", "in Chinese")
