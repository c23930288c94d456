""""You said, we did": a public line written when a case closes, refused when it holds personal
data, published or rejected by the agency administrator only, every step audited."""
import datetime

import pytest
from django_scopes import scope, scopes_disabled

from erating.base.followup import cases, wedid
from erating.base.models import AuditEntry, Case, Rating, WeDidLine
from erating.base.scoping import dimensions_for
from erating.base.testing import add_rating

pytestmark = pytest.mark.django_db


def resolved_case(h):
    rating = add_rating(h.counter, 1, comment="Kaunter tutup waktu rehat")
    Rating.objects.filter(pk=rating.pk).update(contact_consent=True, contact_email="p@example.my")
    case = cases.open_case(Rating.objects.get(pk=rating.pk), user=h.admin)
    for status in (Case.IN_PROGRESS, Case.RESOLVED):
        cases.change_status(case, status, user=h.admin)
    return case


@pytest.mark.parametrize("text", ["Hubungi Ali di 012-345 6789", "Emel ali@contoh.my untuk maklumat",
                                  "Pelanggan 900101-14-5678 telah dibantu", "Akaun 1234 5678 9012 dikemas kini",
                                  "", "x" * 201])
def test_it_refuses_personal_data_and_empty_or_long_lines(text):
    with pytest.raises(wedid.WeDidError):
        wedid.check_text(text)


def test_it_accepts_an_ordinary_line():
    assert wedid.check_text("  Kaunter 3 kini dibuka\n pada waktu rehat ") == "Kaunter 3 kini dibuka pada waktu rehat"


def test_closing_with_a_line_waits_for_the_administrator_and_is_audited(world):
    h = world.home
    with scope(**dimensions_for(h.admin)):
        case = resolved_case(h)
        wedid.close(case, user=h.supervisor, public_line="Kaunter 3 kini dibuka pada waktu rehat")
        line = WeDidLine.objects.get(case=case)
        assert (line.status, line.premise_id, case.status) == (WeDidLine.PENDING, h.premise.id, Case.CLOSED)
        with pytest.raises(wedid.WeDidError):
            wedid.review(line, "publish", user=h.supervisor)  # only the agency administrator publishes
        wedid.review(line, "publish", user=h.admin, text="Kaunter 3 dibuka pada waktu rehat")
        line.refresh_from_db()
        assert line.status == WeDidLine.PUBLISHED and line.published_at and line.reviewed_by == h.admin
        assert line.text == "Kaunter 3 dibuka pada waktu rehat"
    with scopes_disabled():
        actions = list(AuditEntry.objects.filter(action__startswith="wedid.").values_list("action", flat=True))
    assert sorted(actions) == ["wedid.propose", "wedid.publish"]


def test_a_line_with_personal_data_leaves_the_case_open(world):
    h = world.home
    with scope(**dimensions_for(h.admin)):
        case = resolved_case(h)
        with pytest.raises(wedid.WeDidError):
            wedid.close(case, user=h.admin, public_line="Telefon 0123456789 untuk aduan")
        case.refresh_from_db()
        assert case.status == Case.RESOLVED and not WeDidLine.objects.exists()


def test_published_lines_of_a_month_newest_first_at_most_three(world):
    h = world.home
    with scopes_disabled():
        for day in range(1, 6):
            WeDidLine.objects.create(agency=h.agency, premise=h.premise, text=f"Baris {day}", status="published",
                                     written_at=datetime.datetime(2026, 11, day, tzinfo=datetime.UTC),
                                     published_at=datetime.datetime(2026, 11, day, tzinfo=datetime.UTC))
        WeDidLine.objects.create(agency=h.agency, premise=h.premise, text="Belum disemak",
                                 written_at=datetime.datetime(2026, 11, 9, tzinfo=datetime.UTC))
        lines = wedid.published(h.premise.id, datetime.date(2026, 11, 1))
        assert [line.text for line in lines] == ["Baris 5", "Baris 4", "Baris 3"]
        assert wedid.published(h.premise.id, datetime.date(2026, 10, 1)) == []
