"""Inside the repeat window a phone is told so before the form (not after filling it in), with
the minutes actually left; and when a limit stops a submission, what was typed comes back."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from erating.base.ingest import counters

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_limits():
    cache.clear()


def url(target):
    return f"/r/{target.code}"


def phone(ip="10.9.0.1"):
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="Phone")


def waiting_text(name, minutes):
    with translation.override("ms"):
        return translation.ngettext(
            "Thank you, you have already rated %(name)s. You can rate it again in a minute.",
            "Thank you, you have already rated %(name)s. You can rate it again in %(minutes)s minutes.",
            minutes) % {"name": name, "minutes": minutes}


def rate(client, target, **fields):
    page = client.get(url(target))
    return client.post(url(target), {"id": str(page.context["key"]), "score": "5", **fields})


def test_it_says_before_the_form_how_long_to_wait(world, settings, monkeypatch):
    settings.RATING_REPEAT_WINDOW_SECONDS = 600
    now = [1_000_000.0]
    monkeypatch.setattr(counters, "clock", lambda: now[0])
    client, counter = phone(), world.home.counter
    assert rate(client, counter).status_code == 303
    page = client.get(url(counter))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="score"' not in html and "<textarea" not in html
    assert waiting_text(counter.name, 10) in html
    now[0] += 130  # 470 s left: 8 minutes, rounded up
    assert waiting_text(counter.name, 8) in client.get(url(counter)).content.decode()
    # Another counter, or another phone, gets the form.
    assert 'name="score"' in client.get(url(world.home.service)).content.decode()
    assert 'name="score"' in phone("10.9.0.2").get(url(counter)).content.decode()
    now[0] += 471  # the window is over
    assert 'name="score"' in client.get(url(counter)).content.decode()


def test_it_keeps_the_typed_comment_when_the_repeat_limit_stops_it(world, settings, still_clock):
    settings.RATING_REPEAT_WINDOW_SECONDS = 300
    first = phone()
    counter = world.home.counter
    # Two tabs opened before either was sent: the second send hits the limit.
    key_a = str(first.get(url(counter)).context["key"])
    key_b = str(first.get(url(counter)).context["key"])
    assert first.post(url(counter), {"id": key_a, "score": "5"}).status_code == 303
    comment = "Kaunter 1 sangat lambat pagi ini"
    answer = first.post(url(counter), {"id": key_b, "score": "2", "comment": comment,
                                       "reasons": [str(world.home.reasons[0].id)]})
    html = answer.content.decode()
    assert answer.status_code == 429
    assert comment in html and 'value="2" checked' in html and waiting_text(counter.name, 5) in html
    assert 'data-testid="limited"' in html


def test_it_keeps_the_typed_comment_when_the_address_limit_stops_it(world, settings, still_clock):
    settings.RATING_IP_PER_MINUTE = 1
    client = phone("10.9.9.9")
    assert rate(client, world.home.counter).status_code == 303
    comment = "Tandas kotor"
    answer = rate(client, world.home.facility, comment=comment)
    assert answer.status_code == 429 and comment in answer.content.decode()
    assert 'data-testid="limited"' in answer.content.decode()
