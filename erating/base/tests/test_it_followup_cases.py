"""Cases: opening, the workflow and its audit, the inbox, deadline figures, e-mails, retention."""
import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from erating.base.followup import cases, tasks
from erating.base.followup.calendar import MALAYSIA
from erating.base.ingest.service import ingest
from erating.base.models import AuditEntry, Case, CaseEvent, Rating
from erating.base.scoping import agency_scope, dimensions_for
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def consenting(target, score=1, language="ms", email="pelanggan@example.my", phone="0123456789", when=None):
    r = add_rating(target, score, comment="Lama menunggu", when=when)
    Rating.objects.filter(pk=r.pk).update(contact_consent=True, contact_name="Siti", contact_email=email,
                                          contact_phone=phone, language=language)
    r.refresh_from_db()
    return r


def test_it_stores_the_language_a_rating_was_made_in(world):
    items = [{"id": str(uuid.uuid4()), "target": world.home.counter.code, "score": 5, "language": "en"},
             {"id": str(uuid.uuid4()), "target": world.home.counter.code, "score": 4},
             {"id": str(uuid.uuid4()), "target": world.home.counter.code, "score": 4, "language": "fr"},
             {"id": str(uuid.uuid4()), "target": world.home.counter.code, "score": 3, "language": "zh"},
             {"id": str(uuid.uuid4()), "target": world.home.counter.code, "score": 3, "language": "ta"}]
    results = ingest(items, channel=Rating.QR)
    assert [r["status"] for r in results] == ["created", "created", "rejected", "created", "created"]
    assert "language" in results[2]["errors"]
    with scopes_disabled():
        langs = {str(r.idempotency_key): r.language for r in Rating.objects.filter(
            idempotency_key__in=[i["id"] for i in items])}
    assert langs == {items[0]["id"]: "en", items[1]["id"]: "ms", items[3]["id"]: "zh", items[4]["id"]: "ta"}


def test_it_opens_cases_for_low_ratings_with_contact_details_only(world):
    h = world.home
    with scopes_disabled():
        wanted = consenting(h.counter)
        high = consenting(h.counter, score=4)
        before = Case.objects.count()
    assert tasks.open_new_cases.call() == 1
    assert tasks.open_new_cases.call() == 0  # idempotent
    with scopes_disabled():
        assert Case.objects.count() == before + 1
        case = Case.objects.get(rating=wanted)
        assert not Case.objects.filter(rating=high).exists()
        assert case.opened_by is None and case.status == Case.NEW
        assert case.events.get().kind == CaseEvent.OPENED
        assert AuditEntry.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_it_refuses_to_open_a_case_for_a_good_rating(world):
    with agency_scope(world.home.agency.pk):
        good = world.home.ratings[0]
        with pytest.raises(cases.CaseError):
            cases.open_case(good, user=world.home.supervisor)


def test_it_walks_a_case_through_its_states_and_audits_every_step(world):
    h = world.home
    with scope(**dimensions_for(h.supervisor)):
        case = cases.open_case(h.ratings[1], user=h.supervisor)
        with pytest.raises(cases.CaseError):
            cases.change_status(case, Case.CLOSED, user=h.supervisor)
        cases.change_status(case, Case.ACKNOWLEDGED, user=h.supervisor)
        assert case.acknowledged_at is not None
        cases.assign(case, h.admin, user=h.supervisor)
        with pytest.raises(cases.CaseError):  # an officer may not work cases
            cases.assign(case, h.officer, user=h.supervisor)
        cases.add_note(case, "Sudah bercakap dengan petugas", user=h.supervisor)
        cases.change_status(case, Case.IN_PROGRESS, user=h.admin)
        cases.change_status(case, Case.RESOLVED, user=h.admin)
        cases.change_status(case, Case.CLOSED, user=h.admin)
        with pytest.raises(cases.CaseError):
            cases.add_note(case, "selepas tutup", user=h.admin)
        case.refresh_from_db()
        assert case.status == Case.CLOSED and case.resolved_at and case.closed_at
        kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "status", "assigned", "note", "status", "status", "status"]
    with scopes_disabled():
        actions = list(AuditEntry.objects.filter(object_type="Case", object_id=str(case.pk))
                       .order_by("id").values_list("action", flat=True))
    assert actions == ["case.open", "case.status", "case.assign", "case.note", "case.status", "case.status",
                       "case.status"]


def test_it_lets_only_workers_of_the_premise_work_a_case(world):
    h = world.home
    with scopes_disabled():
        case = cases.open_case(h.ratings[3], user=h.admin)  # at the branch, not the supervisor's premise
        assert cases.can_work(h.admin, case)
        assert not cases.can_work(h.supervisor, case)
        assert not cases.can_work(h.officer, case)
        assert not cases.can_work(world.other.admin, case)
        with pytest.raises(cases.CaseError):
            cases.add_note(case, "x", user=h.supervisor)


def test_it_sends_the_reply_in_the_customers_language(world, django_capture_on_commit_callbacks):
    h = world.home
    for language, greeting, subject in (("ms", "Terima kasih atas maklum balas", "Maklum balas anda"),
                                        ("en", "Thank you for your feedback", "Your feedback"),
                                        ("zh", "感谢您于", "您对"), ("ta", "கருத்துக்கு நன்றி", "Jabatan")):
        mail.outbox.clear()
        with scope(**dimensions_for(h.admin)):
            rating = consenting(h.counter, language=language, email=f"{language}@example.my")
            case = cases.open_case(rating, user=h.admin)
            # The staff member's own language does not matter: the customer's does.
            with django_capture_on_commit_callbacks(execute=True):
                event = cases.send_reply(case, "Kami telah menegur petugas.", user=h.admin)
        assert len(mail.outbox) == 1, language
        message = mail.outbox[0]
        assert message.to == [f"{language}@example.my"]
        assert message.subject.startswith(subject), message.subject
        assert greeting in message.body and "Kami telah menegur petugas." in message.body
        assert "Siti" in message.body
        with scopes_disabled():
            event.refresh_from_db()
        assert event.data["sent"] is True and event.data["language"] == language


def test_it_erases_contact_details_after_the_retention_but_keeps_the_rating(world):
    h = world.home
    with scopes_disabled():
        h.agency.contact_retention_days = 90
        h.agency.save()
        rating = consenting(h.counter)
        case = cases.open_case(rating, user=h.admin)
        for status in (Case.ACKNOWLEDGED, Case.RESOLVED, Case.CLOSED):
            cases.change_status(case, status, user=h.admin)
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=89))
    assert tasks.erase_contacts.call() == 0
    with scopes_disabled():
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=91))
    assert tasks.erase_contacts.call() == 1
    assert tasks.erase_contacts.call() == 0
    with scopes_disabled():
        rating.refresh_from_db()
        case.refresh_from_db()
        assert (rating.contact_name, rating.contact_phone, rating.contact_email) == ("", "", "")
        assert rating.score == 1 and rating.comment == "Lama menunggu"
        assert case.contact_erased_at is not None
        assert not cases.contact_visible(h.admin, case)
        assert AuditEntry.objects.filter(action="case.erase_contact", object_id=str(case.pk)).count() == 1


def test_it_lists_overdue_cases_first_then_newest(world):
    h = world.home
    now = timezone.now()
    with scope(**dimensions_for(h.admin)):
        old = add_rating(h.counter, 1, when=now - datetime.timedelta(days=40))
        older = add_rating(h.counter, 2, when=now - datetime.timedelta(days=60))
        fresh = add_rating(h.counter, 1, when=now - datetime.timedelta(minutes=5))
        add_rating(h.counter, 5, when=now)  # not low: not in the inbox
        c_old = cases.open_case(old, user=h.admin, now=old.created_at)
        c_older = cases.open_case(older, user=h.admin, now=older.created_at)
        cases.open_case(fresh, user=h.admin, now=fresh.created_at)
        ids = [r.pk for r in cases.inbox(now=now)]
        low_ids = set(cases.low_ratings().values_list("pk", flat=True))
        assert ids[:2] == [older.pk, old.pk]  # overdue, most overdue first
        assert set(ids) == low_ids and ids[2] == fresh.pk
        assert [r.pk for r in cases.inbox({"status": "overdue"}, now=now)] == [older.pk, old.pk]
        assert fresh.pk not in [r.pk for r in cases.inbox({"status": "none"}, now=now)]
        figures = cases.deadline_figures(now=now)
        assert figures["open"] == 3 and figures["overdue"] == 2 and figures["resolved"] == 0
        for status in (Case.ACKNOWLEDGED, Case.RESOLVED):
            cases.change_status(c_old, status, user=h.admin, now=now)  # late
        cases.change_status(c_older, Case.ACKNOWLEDGED, user=h.admin, now=older.created_at)
        cases.change_status(c_older, Case.RESOLVED, user=h.admin, now=older.created_at + datetime.timedelta(days=1))
        figures = cases.deadline_figures(now=now)
    assert figures == {"open": 1, "overdue": 0, "resolved": 2, "resolved_in_time": 1, "compliance": 50.0}


def test_it_sends_each_responsible_person_a_digest_in_their_language(world):
    h = world.home
    with scopes_disabled():
        h.admin.language = "en"
        h.admin.save()
        late = add_rating(h.counter, 1, when=timezone.now() - datetime.timedelta(days=30))
        case = cases.open_case(late, user=h.admin, now=late.created_at)
        cases.open_case(h.ratings[3], user=h.admin)  # branch: not the supervisor's
    mail.outbox.clear()
    sent = tasks.send_digests.call()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert sent == len(mail.outbox) == 2
    admin, supervisor = by_to[h.admin.email], by_to[h.supervisor.email]
    assert "overdue" in admin.subject and "2 open cases" in admin.subject and "OVERDUE" in admin.body
    assert "lewat" in supervisor.subject.lower() and f"#{case.pk}" in supervisor.body
    assert h.branch.name not in supervisor.body
    assert world.other.admin.email not in by_to


def test_it_opens_the_deadlines_from_the_agency_settings(world):
    h = world.home
    with scopes_disabled():
        h.agency.ack_days, h.agency.resolve_days = 2, 5
        h.agency.save()
        friday_evening = datetime.datetime(2026, 12, 4, 19, 0, tzinfo=MALAYSIA)
        rating = add_rating(h.branch_counter, 1, when=friday_evening)  # branch is in Selangor
        case = cases.open_case(rating, user=h.admin, now=friday_evening)
    assert case.ack_due.astimezone(MALAYSIA).date() == datetime.date(2026, 12, 8)
    # Five working days: Mon 7 … Thu 10, then Fri 11 is the Sultan of Selangor's birthday: Mon 14.
    assert case.resolve_due.astimezone(MALAYSIA).date() == datetime.date(2026, 12, 14)


def test_it_gives_the_dashboard_deadline_figures_for_analysis_criteria(world):
    from erating.base.analysis import criteria

    h = world.home
    now = timezone.now()
    with scopes_disabled():
        late = add_rating(h.counter, 1, when=now - datetime.timedelta(days=20))
        cases.open_case(late, user=h.admin, now=late.created_at)  # overdue
        cases.open_case(h.ratings[1], user=h.admin)  # open, in time, head office
        cases.open_case(h.ratings[3], user=h.admin)  # the branch
        cases.open_case(world.other.ratings[1], user=world.other.admin)  # another agency
    with scope(**dimensions_for(h.supervisor)):
        week = criteria.parse({"period": "7d"}, user=h.supervisor)
        month = criteria.parse({"period": "30d"}, user=h.supervisor)
        assert cases.figures_for(week, now)["open"] == 1  # the supervisor's premise, this week
        assert cases.figures_for(month, now) == {"open": 2, "overdue": 1, "resolved": 0, "resolved_in_time": 0,
                                                 "compliance": None}
    with scope(**dimensions_for(h.admin)):
        assert cases.figures_for(criteria.parse({"period": "30d"}, user=h.admin), now)["open"] == 3
