"""erating.base.form_settings: each change saved and audited with its before/after; nothing
audited when nothing changed."""
import pytest
from django_scopes import scopes_disabled

from erating.base import form_settings as service
from erating.base.models import AuditEntry, FollowUpReason, ScoreCaption
from erating.control.forms_admin import AgencySettingsForm, ReasonForm

pytestmark = pytest.mark.django_db


def audited(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id").values_list("changes", flat=True))


@pytest.fixture
def agency(world):
    with scopes_disabled():
        yield world.home.agency


def test_captions_are_saved_and_only_changes_audited(agency):
    captions = {score: (f"Kapsyen {score}", f"Caption {score}") for score in range(1, 6)}
    changes = service.save_captions(agency, captions)
    assert set(changes) == {f"caption_{s}" for s in range(1, 6)}
    assert ScoreCaption.objects.get(agency=agency, score=3).caption_en == "Caption 3"
    captions[3] = ("Sederhana", "Average")
    # Left out, the Chinese and Tamil captions are kept (the national defaults here).
    assert service.save_captions(agency, captions) == {"caption_3": [["Kapsyen 3", "Caption 3", "一般", "ஓரளவு திருப்தி"],
                                                                     ["Sederhana", "Average", "一般", "ஓரளவு திருப்தி"]]}
    assert service.save_captions(agency, captions) == {}
    captions[3] = ("Sederhana", "Average", "普通", "")
    assert service.save_captions(agency, captions)["caption_3"][1] == ["Sederhana", "Average", "普通", ""]
    assert len(audited("agency.captions")) == 3


def test_settings_are_audited_against_the_stored_row_even_after_form_validation(agency):
    data = {name: getattr(agency, name) for name in AgencySettingsForm.Meta.fields}
    data["thank_you_en"] = "Thank you very much!"
    form = AgencySettingsForm({k: v for k, v in data.items() if v not in (None, False)}, instance=agency)
    assert form.is_valid(), form.errors
    changes = service.save_settings(agency, form)
    assert changes["thank_you_en"][1] == "Thank you very much!"
    assert audited("agency.form_settings") == [changes]


def test_reasons_are_added_edited_and_moved_with_their_audit(world, agency):
    reason = service.add_reason(agency, FollowUpReason(text_ms="Bising", text_en="Noisy"))
    assert reason.position == max(r.position for r in world.home.reasons) + 1
    form = ReasonForm({"text_ms": "Terlalu bising", "text_en": "Too noisy"}, instance=reason)
    assert form.is_valid()
    assert service.change_reason(agency, reason, "save", form=form) == {
        "text_ms": ["Bising", "Terlalu bising"], "text_en": ["Noisy", "Too noisy"]}
    service.change_reason(agency, reason, "up")
    ordered = list(FollowUpReason.objects.filter(agency=agency).order_by("position").values_list("pk", flat=True))
    assert ordered[-2] == reason.pk
    assert service.change_reason(agency, reason, "deactivate") == {"active": [True, False]}
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "reason.create", "reason.save", "reason.up", "reason.deactivate"]
    with pytest.raises(ValueError):
        service.change_reason(agency, reason, "delete")


def test_the_logo_is_stored_and_removed_with_its_audit(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service.save_logo(agency, {"data": b"\x89PNG fake", "ext": "png"})
    assert agency.logo.name.startswith(f"logos/{agency.code}-") and agency.logo.name.endswith(".png")
    service.save_logo(agency, None)
    agency.refresh_from_db()
    assert not agency.logo
    changes = audited("agency.logo")
    assert changes[0]["logo"][0] is None and changes[1]["logo"][1] is None
