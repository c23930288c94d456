"""Migration 0021 gives existing agencies Chinese and Tamil captions (by score) and reason texts
(when a reason is one of the starter list), leaving an agency's own reasons and texts alone."""
import importlib

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from erating.base.models import FollowUpReason, ScoreCaption

pytestmark = pytest.mark.django_db
migration = importlib.import_module("erating.base.migrations.0021_i25_languages_citizen_languages")


def test_it_fills_defaults_only_where_blank(world):
    agency = world.home.agency
    with scopes_disabled():
        ScoreCaption.objects.filter(agency=agency).update(caption_zh="", caption_ta="")
        ScoreCaption.objects.filter(agency=agency, score=4).update(caption_zh="好")
        FollowUpReason.objects.filter(agency=agency).update(text_zh="", text_ta="")
        own = FollowUpReason.objects.create(agency=agency, text_ms="Kaunter ditutup awal", text_en="Closed early")
        migration.default_texts(apps, None)
        captions = {c.score: (c.caption_zh, c.caption_ta) for c in ScoreCaption.objects.filter(agency=agency)}
        reasons = {r.text_ms: (r.text_zh, r.text_ta) for r in FollowUpReason.objects.filter(agency=agency)}
    assert captions[5] == ("优秀", "மிகச் சிறப்பு") and captions[4] == ("好", "திருப்தி")
    assert reasons["Tidak senyum"] == ("没有微笑", "புன்னகைக்கவில்லை")
    assert reasons[own.text_ms] == ("", "")
