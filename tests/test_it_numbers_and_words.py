"""Numbers by the page language (thousands grouped, one fixed number of decimals per kind of
figure) and words users read: no developer words ("slug"), one spelling of "E-mel"."""
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from erating.base.templatetags.numbers import mean, num, pct

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_it_formats_counts_means_and_percentages(lang):
    with translation.override(lang):
        assert num(1837) == "1,837" and num(99695) == "99,695" and num(7) == "7"
        assert mean(4) == "4.00" and mean(4.16) == "4.16" and mean(4.0) == "4.00" and mean(3.456) == "3.46"
        assert pct(85) == "85.0%" and pct(92.36) == "92.4%"
        assert num(None) == mean(None) == pct(None) == "–"
        assert num(1234.5, 1) == "1,234.5"


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_it_shows_dashboard_figures_formatted(lang):
    summary = {"total": 1837, "csat": 85, "mean": 4.0, "low": 1204}
    ranking = [{"label": "A", "total": 99695, "csat": 91.25, "mean": 4.16},
               {"label": "B", "total": 12, "csat": 50, "mean": 3}]
    with translation.override(lang):
        html = render_to_string("control/partials_summary.html", {"summary": summary})
        html += render_to_string("control/partials_ranking.html", {"ranking": ranking, "title": "x"})
        html += render_to_string("control/partials_distribution.html", {"distribution": [(5, 12345)]})
    for shown in ("1,837", "85.0%", "4.00", "1,204", "99,695", "4.16", "3.00", "50.0%", "12,345"):
        assert f">{shown}<" in html, shown
    assert not re.search(r">\d{4,}<", html) and ">4.0<" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ms", "en"])
def test_it_explains_a_bad_code_without_developer_words(world, login, lang, settings):
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.post(reverse("control:premise_create"), {
        "code": "bad code!", "name": "Premis Baru", "state": "PJY", "medium": "qr"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["code"])
    assert "slug" not in errors.lower() and "slug" not in response.content.decode().lower()
    expected = {"ms": "Gunakan huruf, angka, sempang", "en": "Use only letters, digits, dashes"}[lang]
    assert expected in errors


@pytest.mark.django_db
def test_it_spells_e_mel_one_way(client):
    page = client.get(reverse("control:password_reset")).content.decode()  # Django's own "Email" label
    assert "E-mel" in page and not re.search(r"\b[Ee]mel\b", page)
    catalogue = (ROOT / "locale" / "ms" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    msgstrs = " ".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', catalogue, flags=re.MULTILINE))
    assert not re.search(r"\b[Ee]mel\b", msgstrs)
