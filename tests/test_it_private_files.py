"""Issue 22, finding 1: report files are private. They are written under PRIVATE_ROOT (never under
MEDIA_ROOT, which a web server serves) with a random name, and leave only through the download
views, which check the user, the role and the agency at download time and say no-store. The
matrix below walks both report file URLs as every role of both agencies and anonymously."""
import importlib
import os
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import ReportFile, User
from erating.base.reports import jobs
from erating.base.reports.schedules import shared_link
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings


def _kept(owner, report="low", agency=None):
    with scopes_disabled():
        record = ReportFile.objects.create(
            agency=agency or owner.agency, owner=owner, report=report, fmt="csv", status=ReportFile.DONE,
            filename=f"{report}-20261101-20261130.csv", expires_at=timezone.now() + timedelta(hours=1))
        record.file.save(record.filename, ContentFile(b"Pelanggan,0123456789\n"), save=True)
    return record


def test_a_background_report_is_written_to_private_storage_under_a_random_name(world, roots, login):
    with scopes_disabled():
        add_rating(world.home.counter, 1, comment="Lambat")
    client = login(world.home.admin)
    with scopes_disabled():
        record = ReportFile.objects.create(agency=world.home.agency, owner=world.home.admin, report="low", fmt="xlsx",
                                           filename="low-20261101-20261130.xlsx",
                                           expires_at=timezone.now() + timedelta(hours=1))
    jobs.build_report.enqueue(record.pk)  # the immediate backend runs it now
    with scopes_disabled():
        record.refresh_from_db()
    assert record.status == ReportFile.DONE
    path = record.file.path
    assert path.startswith(str(roots.PRIVATE_ROOT)) and os.path.isfile(path)
    assert str(roots.MEDIA_ROOT) not in path and not (roots.MEDIA_ROOT / "reports").exists()
    # Nothing about the report can be guessed from the stored name.
    name = os.path.basename(record.file.name)
    assert "low" not in name and "2026" not in name and len(name) >= 32
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018 - a private file has no public URL
    response = client.get(reverse("control:report_file_download", args=[record.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def _everyone(world):
    users = {"anonymous": None, "sysadmin": world.sysadmin}
    for label in ("home", "other"):
        ns = getattr(world, label)
        for role in ("admin", "supervisor", "officer", "colleague"):
            users[f"{label}.{role}"] = getattr(ns, role)
    return users


def _get(client, url, user):
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(url)


def test_report_file_urls_walked_as_every_role_and_anonymously(world, roots, client):
    record = _kept(world.home.admin, report="by-agency")  # no contact details: a system administrator may have it
    recipient = world.home.supervisor
    urls = {
        "download": (reverse("control:report_file_download", args=[record.pk]), {"home.admin"}),
        "file page": (reverse("control:report_file", args=[record.pk]), {"home.admin"}),
        # A supervisor does not cover the agency administrator's (agency-wide) scope: refused too.
        "shared to supervisor": (shared_link(record, recipient), set()),
        "shared to sysadmin": (shared_link(record, world.sysadmin), {"sysadmin"}),
        "shared to other admin": (shared_link(record, world.other.admin), set()),
    }
    problems = []
    for label, user in _everyone(world).items():
        for what, (url, allowed) in urls.items():
            response = _get(client, url, user)
            if label in allowed:
                ok = response.status_code == 200
                if "page" not in what:
                    ok = ok and "no-store" in response["Cache-Control"]
            elif user is None:
                ok = response.status_code == 302 and reverse(settings.LOGIN_URL) in response["Location"]
            else:
                ok = response.status_code in (403, 404)
            if not ok:
                problems.append(f"{what} as {label}: {response.status_code}")
    assert problems == []


def test_a_recipient_who_lost_the_role_can_no_longer_download(world, roots, client):
    record = _kept(world.home.supervisor)
    url = shared_link(record, world.home.admin)
    assert _get(client, url, world.home.admin).status_code == 200
    with scopes_disabled():
        User.objects.filter(pk=world.home.admin.pk).update(role=User.OFFICER)  # demoted: low report not allowed
    assert _get(client, url, User.objects.get(pk=world.home.admin.pk)).status_code == 404


def test_the_owner_who_lost_the_role_can_no_longer_download(world, roots, client):
    record = _kept(world.home.supervisor)
    url = reverse("control:report_file_download", args=[record.pk])
    assert _get(client, url, world.home.supervisor).status_code == 200
    with scopes_disabled():
        User.objects.filter(pk=world.home.supervisor.pk).update(role=User.OFFICER)
    assert _get(client, url, User.objects.get(pk=world.home.supervisor.pk)).status_code == 404


def test_the_migration_moves_old_public_report_files_into_private_storage(world, roots):
    old = roots.MEDIA_ROOT / "reports" / "2026" / "12"
    old.mkdir(parents=True)
    (old / "low-20261106-20261205.xlsx").write_bytes(b"phones")
    with scopes_disabled():
        record = ReportFile.objects.create(agency=world.home.agency, owner=world.home.admin, report="low",
                                           fmt="xlsx", status=ReportFile.DONE, filename="low.xlsx",
                                           expires_at=timezone.now() + timedelta(hours=1))
        ReportFile.objects.filter(pk=record.pk).update(file="reports/2026/12/low-20261106-20261205.xlsx")
        gone = ReportFile.objects.create(agency=world.home.agency, owner=world.home.admin, report="low",
                                         fmt="csv", status=ReportFile.DONE, filename="low.csv",
                                         expires_at=timezone.now() + timedelta(hours=1))
        ReportFile.objects.filter(pk=gone.pk).update(file="reports/2026/12/missing.csv")
        importlib.import_module("erating.base.migrations.0017_i22_security").move_report_files(apps, None)
        record.refresh_from_db()
        gone.refresh_from_db()
    assert not (old / "low-20261106-20261205.xlsx").exists()
    assert record.file.name.startswith("reports/") and "low" not in record.file.name
    assert (roots.PRIVATE_ROOT / record.file.name).read_bytes() == b"phones"
    assert gone.file.name == ""
