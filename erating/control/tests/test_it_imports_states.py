"""Issue 24 item 11: a premise import accepts a state as people write it ("Putrajaya", "WP Kuala
Lumpur", "Wilayah Persekutuan Labuan", "Penang") and, for an unknown one, lists the valid values."""
import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import Premise

pytestmark = pytest.mark.django_db


def upload(client, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["code", "name", "state", "address", "medium"], *rows])
    file = io.BytesIO(buffer.getvalue().encode())
    file.name = "premises.csv"
    return client.post(reverse("control:import_upload", args=["premises"]), {"file": file})


def test_it_accepts_states_as_people_write_them(world, login):
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    written = {"p1": ("Putrajaya", "PJY"), "p2": ("WP Kuala Lumpur", "KUL"), "p3": ("Kuala Lumpur", "KUL"),
               "p4": ("Wilayah Persekutuan Labuan", "LBN"), "p5": ("Penang", "PNG"), "p6": ("w.p. putrajaya", "PJY"),
               "p7": ("Negeri Sembilan", "NSN"), "p8": ("sgr", "SGR")}
    preview = upload(client, [[code, code.upper(), state, "", ""] for code, (state, _c) in written.items()])
    assert preview.status_code == 200 and preview.context["preview"].errors == []
    client.post(reverse("control:import_confirm", args=["premises"]), {"token": preview.context["token"]})
    with scopes_disabled():
        stored = dict(Premise.objects.filter(code__in=written).values_list("code", "state"))
    assert stored == {code: state for code, (_w, state) in written.items()}


def test_it_lists_valid_states_in_its_error(world, login):
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, [["p1", "P1", "Atlantis", "", ""]])
    [error] = response.context["preview"].errors
    assert response.status_code == 400 and error.column == "state"
    page = response.content.decode()
    assert "Unknown state “Atlantis”" in page and "PJY (W.P. Putrajaya)" in page and "SGR (Selangor)" in page
