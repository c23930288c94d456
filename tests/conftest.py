"""Fixtures of the project-wide tests."""
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.models import Device, Ministry, PairingCode
from erating.base.models.devices import hash_token

from .scoping import _application_id, _case_and_alert, _report_objects


@pytest.fixture
def other(world):
    o = world.other
    with scopes_disabled():
        # The other agency sits in its own ministry, so ministry pages are a cross-tenant case too.
        ministry = Ministry.objects.create(code="klain", name_ms="Kementerian Lain Sekali",
                                           name_en="Ministry of Elsewhere")
        o.agency.ministry = ministry
        o.agency.save(update_fields=["ministry"])
        o.device = Device.objects.create(agency=o.agency, premise=o.premise, name="Tablet Rahsia Lain",
                                         token_hash=hash_token("other-device-token"))
        o.pairing = PairingCode.objects.create(agency=o.agency, premise=o.premise, code="pairother1",
                                               expires_at=timezone.now() + timedelta(hours=1))
        o.application_id = _application_id(ministry)
        o.case, o.alert = _case_and_alert(o)
        _report_objects(o)
        o.codes = list(apps.get_model("base", "Target").objects.filter(agency=o.agency).values_list("code", flat=True))
    pending.fold_all()  # its ratings counted, as the folder would, before any fingerprint is taken
    o.names = [o.agency.name_ms, o.agency.name_en, o.premise.name, o.branch.name, o.admin.full_name,
               o.supervisor.full_name, o.officer.full_name, o.colleague.full_name, "@other.gov.my",
               "Kementerian Lain Sekali", "Ministry of Elsewhere", "Tablet Rahsia Lain", "Jabatan Pemohon Rahsia",
               "pemohon@rahsia.gov.my", "Pelanggan Rahsia", "rahsia@pelanggan.my", "Jadual Rahsia Lain",
               "Sistem Rahsia Lain", *o.codes]
    return o
