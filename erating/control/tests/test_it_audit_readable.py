"""The user log reads as sentences, not codes: translated action and object type names, the
object's name linked where the viewer may open it, and each change as "label: before → after"
with choices and referenced rows by name. The CSV keeps the codes beside the readable columns."""
import csv
import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from erating.base.auditlog import ACTIONS, OBJECT_TYPES
from erating.base.auditlog.log import log_action
from erating.base.models import AuditEntry, User

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def ms(text):
    with translation.override("ms"):
        return str(translation.gettext(text))


def table_text(response):
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    body = re.sub(r"</?(strong|a|span)\b[^>]*>", "", body)  # inline tags: no space
    return unescape(re.sub(r"<[^>]+>", " ", body))


def use(client, settings, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def test_it_shows_an_agency_change_in_words_with_a_link(world, login, settings):
    client = login(world.sysadmin)
    agency = world.home.agency
    client.post(reverse("control:agency_edit", kwargs={"agency_id": agency.pk}), {
        "ministry": world.ministry.pk, "code": "home2", "name_ms": agency.name_ms, "name_en": agency.name_en})
    page = client.get(reverse("control:audit_list"), {"action": "update"})
    text = table_text(page)
    assert ms("Changed") in text and ms("Agency") in text
    assert f"{ms('Code')}: home → home2" in " ".join(text.split())
    assert " update " not in text and "Agency " not in text.replace(ms("Agency"), "")
    assert reverse("control:agency_edit", kwargs={"agency_id": agency.pk}) in page.content.decode()
    english = table_text(use(client, settings, "en").get(reverse("control:audit_list"), {"action": "update"}))
    assert "Changed" in english and "Code: home → home2" in " ".join(english.split())


def test_it_names_choices_and_referenced_rows(world, login, settings):
    client = use(login(world.home.admin), settings, "en")
    premise = world.home.premise
    client.post(reverse("control:officer_create"), {
        "email": "baru@home.gov.my", "full_name": "Pegawai Baru", "role": User.OFFICER, "language": "ms",
        "home_premise": premise.pk, "counters": [world.home.counter.pk]})
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="user.create").exists()
    page = client.get(reverse("control:audit_list"), {"action": "user.create"})
    text = " ".join(table_text(page).split())
    assert "Account created" in text
    assert f"Home premise: — → {premise.name}" in text
    with translation.override("en"):
        assert f"Counters: — → {world.home.counter}" in text
    assert f"Role: — → {dict(User.ROLE_CHOICES)[User.OFFICER]}" in text
    assert "Active: — → Yes" in text
    assert "user.create" not in text and "{" not in text and "[" not in text
    person = User.objects.get(email="baru@home.gov.my")
    assert reverse("control:officer_detail", kwargs={"user_id": person.pk}) in page.content.decode()


def test_it_links_only_what_the_viewer_may_open(world, login):
    with scopes_disabled():
        log_action("update", user=world.sysadmin, obj=world.home.agency, changes={"name_ms": ["a", "b"]})
        log_action("update", user=world.home.admin, obj=world.home.premise, changes={"name": ["a", "b"]})
    html = login(world.home.admin).get(reverse("control:audit_list")).content.decode()
    assert reverse("control:premise_detail", kwargs={"premise_id": world.home.premise.pk}) in html
    assert reverse("control:agency_edit", kwargs={"agency_id": world.home.agency.pk}) not in html
    assert world.home.agency.name_ms in html  # named, just not linked


def test_it_shows_plain_facts_and_nothing_for_no_object(world, login, settings):
    with scopes_disabled():
        log_action("import.officers", user=world.home.admin, agency=world.home.agency,
                   changes={"file": "staff.csv", "created": 1837, "updated": 0})
    client = use(login(world.home.admin), settings, "en")
    text = " ".join(table_text(client.get(reverse("control:audit_list"), {"action": "import.officers"})).split())
    assert "Officers imported" in text and "File: staff.csv" in text and "Created: 1,837" in text


def test_it_exports_codes_beside_readable_columns(world, login, settings):
    client = login(world.sysadmin)
    agency = world.home.agency
    client.post(reverse("control:agency_edit", kwargs={"agency_id": agency.pk}), {
        "ministry": world.ministry.pk, "code": "home2", "name_ms": agency.name_ms, "name_en": agency.name_en})
    body = b"".join(client.get(reverse("control:audit_export"), {"action": "update"}).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:9] == ["time", "agency", "user", "action", "object_type", "object_id", "object", "changes", "ip"]
    assert rows[0][9:] == [ms("Action"), ms("Object type"), ms("Changes")]
    row = rows[1]
    assert row[3] == "update" and row[4] == "Agency" and '"code": ["home", "home2"]' in row[7]
    assert row[9] == ms("Changed") and row[10] == ms("Agency") and f"{ms('Code')}: home → home2" in row[11]


def test_it_offers_translated_filter_choices(world, login):
    html = login(world.home.admin).get(reverse("control:audit_list")).content.decode()
    assert f'<option value="login">{ms("Logged in")}</option>' in html
    assert f'<option value="PairingCode">{ms("Pairing code")}</option>' in html


FSTRING_VALUES = {"import.{preview.kind}": ["import.premises", "import.targets", "import.officers"],
                  "reason.{action}": ["reason.save", "reason.activate", "reason.deactivate", "reason.up", "reason.down"],
                  "user.{kind}_sent": ["user.invite_sent", "user.reset_sent"],
                  "wedid.{action}": ["wedid.publish", "wedid.reject"],
                  "{obj.__class__.__name__.lower()}.create": ["premise.create", "target.create"],
                  "{obj.__class__.__name__.lower()}.update": ["premise.update", "target.update"],
                  "{obj.__class__.__name__.lower()}.{action}": ["premise.activate", "premise.deactivate",
                                                               "target.activate", "target.deactivate"]}


def test_it_has_a_label_for_every_action_and_type_the_code_records():
    sources = [p for p in (ROOT / "erating").rglob("*.py") if "tests" not in p.parts]
    found = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'log_action\(\s*"([^"]+)"', text))
        found |= set(re.findall(r'AuditEntry\.objects\.create\([^)]*?action="([a-z_.]+)"', text))
        for pattern in re.findall(r'log_action\(\s*f"([^"]+)"', text):
            assert pattern in FSTRING_VALUES, f"{path}: list the values of {pattern} here and in ACTIONS"
            found |= set(FSTRING_VALUES[pattern])
    found |= {"suspend", "reactivate", "update", "create"}  # passed through system._set_status / _edit
    assert len(found) > 20
    assert sorted(found - set(ACTIONS)) == []
    with translation.override("en"):
        english = {code: str(label) for code, label in ACTIONS.items()}
    assert [code for code in ACTIONS if ms(english[code]) == english[code]] == []  # each has its BM name
    from django.apps import apps
    models = {m.__name__ for m in apps.get_app_config("base").get_models()}
    assert set(OBJECT_TYPES) <= models
    assert {"Agency", "AgencyApplication", "Device", "PairingCode", "Premise", "Target", "User"} <= set(OBJECT_TYPES)
