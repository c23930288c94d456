"""Invitations after a large import: enqueued as database tasks, sent by the worker."""
import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from erating.base.catalogue import officers as staff

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker closes the connection it used
def test_it_sends_a_large_batch_of_invitations_through_the_database_worker(world, task_backend, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    task_backend("django_tasks_db.DatabaseBackend")
    monkeypatch.setattr(staff, "BATCH", 40)
    with scopes_disabled():
        rows = [{"email": f"p{i}@home.gov.my", "full_name": f"P {i}", "premise": world.home.premise,
                 "language": "en" if i % 2 else "ms"} for i in range(staff.SYNC_LIMIT + 30)]
        users = staff.bulk_create_officers(world.home.agency, rows)
        users[3].is_active = False  # deactivated after the import: gets nothing
        users[3].save(update_fields=["is_active"])
    assert staff.queue_links(users) is None and mail.outbox == []
    assert DBTaskResult.objects.count() == 2  # 80 accounts in batches of 40
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users if u.pk != users[3].pk)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    english = next(m for m in mail.outbox if m.to == ["p1@home.gov.my"])
    malay = next(m for m in mail.outbox if m.to == ["p0@home.gov.my"])
    assert english.subject.endswith("HOME Department") and malay.subject.endswith("Jabatan HOME")
