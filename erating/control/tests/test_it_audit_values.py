"""The user log's changes read as words in BM and EN: every key the code records has a label (one
mapping, erating/base/auditlog/keys.py, used for criteria and filters too), and each value has the
form of its kind: years, scores and ids without thousands separators, dates DD/MM/YYYY, yes/no
in words, choices (report, format, period, type, channel, language) by their labels."""
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from erating.base.auditlog import display, keys
from erating.base.auditlog.log import log_action
from erating.base.catalogue import officers, targets
from erating.base.form_settings import REASON_FIELDS
from erating.base.models import User
from erating.control import forms_portal
from erating.control.forms_reports import CRITERIA_KEYS
from erating.control.views import followup_settings, system
from erating.control.views.audit import AuditFilterForm

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def text_of(response):
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?(strong|a|span)\b[^>]*>", "", body)).split())


def run_report(client, **data):
    response = client.post(reverse("control:report_run"), data)
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_report_criteria_read_as_labels_and_values_of_their_kind(world, login, settings, lang):
    client = login(world.home.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    run_report(client, report="by-month", fmt="csv", language="ms", year="2026", score_min="1", score_max="5")
    run_report(client, report="low", fmt="csv", language="en", period="custom", start="2026-11-01",
               end="2026-11-30", score_min="1", score_max="2", flagged="on", channel="qr", kind="counter")
    text = text_of(client.get(reverse("control:audit_list"), {"action": "export"}))
    with translation.override(lang):
        t = translation.gettext
        expected = [f"{t('Year')}: 2026", f"{t('Lowest score')}: 1", f"{t('Highest score')}: 2",
                    f"{t('From')}: 01/11/2026", f"{t('To')}: 30/11/2026", f"{t('Format')}: CSV",
                    f"{t('Period')}: {t('Custom')}", f"{t('Including ratings suspected of abuse')}: {t('Yes')}",
                    f"{t('Language')}: English", f"{t('Channel')}: {t('QR code')}"]
    for part in expected:
        assert part in text, (part, text)
    assert "2,026" not in text and "2.026" not in text
    for raw in ("fmt", "score_min", "score_max", "by-month", "2026-11-01", "flagged", "period:", "channel:", "qr;"):
        assert raw not in text, (raw, text)


def test_plain_facts_and_lists_keep_their_kind(world, login, settings):
    with scopes_disabled():
        log_action("export", user=world.home.admin, agency=world.home.agency,
                   changes={"format": [None, "results posters 2026-11"], "pages": [None, 12345],
                            "filters": [None, {"date_from": "2026-11-01", "action": "login", "page": "1200"}]})
        log_action("view_as_start", user=world.sysadmin, obj=world.home.agency,
                   changes={"view_as": [None, world.home.agency.pk]})
        log_action("api_token.revoke", user=world.home.admin, agency=world.home.agency,
                   changes={"revoked": [False, True], "revoked_at": [None, "2026-11-03T07:05:00+00:00"]})
    client = login(world.sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = text_of(client.get(reverse("control:audit_list")))
    assert "Format: — → Results posters, 11/2026" in text
    assert "Pages: — → 12,345" in text  # a count is grouped; ids and years are not
    assert "Filters: — → " in text  # (PostgreSQL's jsonb keeps the keys in its own order)
    for part in ("From: 01/11/2026", "Action: Logged in", "Page: 1200"):
        assert part in text.split("Filters: — → ")[1], part
    assert f"Viewing as: — → {world.home.agency.name}" in text
    assert "Revoked: No → Yes" in text and "Revoked at: — → 03/11/2026 15:05" in text  # Kuala Lumpur time


def _recorded_literal_keys():
    """The keys written literally in every log_action(...) call of the code."""
    found = set()
    for path in (ROOT / "erating").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"log_action\(", text):
            depth = 0
            for i in range(match.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                if depth == 0:
                    break
            found |= set(re.findall(r'"([a-z_ ]+)":\s*\[', text[match.start():i]))
    return found


def test_every_recorded_key_has_a_label_of_its_own():
    literal = _recorded_literal_keys()
    assert {"format", "criteria", "filters", "view_as", "sent_now_to", "revoked_at"} <= literal
    audited_models = list(display.apps.get_app_config("base").get_models())
    unlabelled = [k for k in sorted(literal | set(CRITERIA_KEYS) | set(AuditFilterForm().fields))
                  if keys.label(k) is None and not any(display.labelled(m, k) for m in audited_models)]
    assert unlabelled == []
    # Fields whose before/after the code records from a snapshot of the row.
    snapshots = {"Premise": targets.PREMISE_FIELDS, "Target": targets.TARGET_FIELDS,
                 "FollowUpReason": REASON_FIELDS, "User": list(officers.snapshot(User())),
                 "Agency": list(followup_settings.LevelsForm.Meta.fields) + list(system.FIELDS[system.Agency]),
                 "Ministry": system.FIELDS[system.Ministry],
                 "AlertRule": followup_settings.RuleForm.Meta.fields,
                 "Theme": ["name_ms", "name_en", "active", "phrases"]}
    for form in (forms_portal.NewsForm, forms_portal.FaqForm, forms_portal.PolicyForm, forms_portal.GalleryForm,
                 forms_portal.DownloadForm, forms_portal.PortalTextForm):
        snapshots[form.Meta.model.__name__] = form.Meta.fields
    missing = [(name, key) for name, fields in snapshots.items() for key in fields
               if not display.labelled(display._model(name), key)]
    assert missing == []
