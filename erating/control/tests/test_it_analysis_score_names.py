"""Issue 24 item 9: one name per score. The dashboard names each score with the agency's own
captions, as its QR page, kiosk and reports do; across agencies, the national captions."""
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import ScoreCaption
from erating.base.models.settings import DEFAULT_CAPTIONS

pytestmark = pytest.mark.django_db


def names(client):
    summary = client.get(reverse("control:analysis_summary"), {"period": "7d"}).context["summary"]
    return {row["score"]: row["name"] for row in summary["dist_rows"]}, summary["dist_chart"]["labels"]


def test_it_names_scores_with_the_agencys_captions(world, login):
    with scopes_disabled():
        ScoreCaption.objects.filter(agency=world.home.agency, score=5).update(caption_ms="Terbaik", caption_en="Best")
        ScoreCaption.objects.filter(agency=world.home.agency, score=3).update(caption_ms="Biasa", caption_en="Average")
    client = login(world.home.admin)
    shown, labels = names(client)
    assert shown[5] == "Terbaik" and shown[3] == "Biasa" and shown[1] == DEFAULT_CAPTIONS[1][0]
    assert labels[0] == "5 · Terbaik"
    page = client.get(reverse("control:analysis_summary"), {"period": "7d"}).content.decode()
    for old in ("Sangat berpuas hati", "Neutral", "Very satisfied"):
        assert old not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert names(client)[0][5] == "Best"


def test_it_names_scores_with_the_national_captions_across_agencies(world, login):
    shown, _labels = names(login(world.sysadmin))
    assert shown == {s: ms for s, (ms, _en) in DEFAULT_CAPTIONS.items()}
