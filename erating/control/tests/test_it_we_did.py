"""Closing a case with a "you said, we did" line, and the agency administrator's review page."""
import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from erating.base.followup import cases
from erating.base.models import Case, Rating, WeDidLine
from erating.base.scoping import dimensions_for
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(world):
    h = world.home
    with scope(**dimensions_for(h.admin)):
        rating = add_rating(h.counter, 1, comment="Kaunter tutup waktu rehat")
        Rating.objects.filter(pk=rating.pk).update(contact_consent=True, contact_email="p@example.my")
        case = cases.open_case(Rating.objects.get(pk=rating.pk), user=h.admin)
        for status in (Case.IN_PROGRESS, Case.RESOLVED):
            cases.change_status(case, status, user=h.admin)
    return case


def test_closing_offers_the_public_line_and_refuses_personal_data(world, resolved, login):
    client = login(world.home.supervisor)
    url = reverse("control:case_detail", args=[resolved.pk])
    assert 'name="public_line"' in client.get(url).content.decode()
    status_url = reverse("control:case_status", args=[resolved.pk])
    response = client.post(status_url, {"status": "closed", "public_line": "Telefon 012-345 6789"}, follow=True)
    assert "personal data" in response.content.decode() or "data peribadi" in response.content.decode()
    with scopes_disabled():
        assert Case.objects.get(pk=resolved.pk).status == Case.RESOLVED and not WeDidLine.objects.exists()
    client.post(status_url, {"status": "closed", "public_line": "Kaunter 3 kini dibuka pada waktu rehat"})
    with scopes_disabled():
        line = WeDidLine.objects.get()
        assert (line.status, Case.objects.get(pk=resolved.pk).status) == (WeDidLine.PENDING, Case.CLOSED)


def test_the_administrator_publishes_and_others_may_not(world, resolved, login):
    with scopes_disabled():
        line = WeDidLine.objects.create(agency=world.home.agency, premise=world.home.premise, case=resolved,
                                        text="Kaunter 3 kini dibuka", written_at=resolved.opened_at)
    review = reverse("control:we_did_review", args=[line.pk])
    assert login(world.home.supervisor).post(review, {"action": "publish", "text": "x"}).status_code == 403
    admin = login(world.home.admin)
    assert "Kaunter 3 kini dibuka" in admin.get(reverse("control:we_did_list")).content.decode()
    admin.post(review, {"action": "publish", "text": "Kaunter 3 dibuka pada waktu rehat"})
    with scopes_disabled():
        line.refresh_from_db()
    assert (line.status, line.text) == (WeDidLine.PUBLISHED, "Kaunter 3 dibuka pada waktu rehat")
    bad = admin.post(review, {"action": "publish", "text": "Emel ali@contoh.my"}, follow=True)
    assert bad.status_code == 200
    with scopes_disabled():
        line.refresh_from_db()
    assert line.text == "Kaunter 3 dibuka pada waktu rehat"
