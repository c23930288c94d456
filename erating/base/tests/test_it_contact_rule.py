"""Issue 22, finding 4: one rule for customers' contact details (privacy.may_see_contacts). The
case page hid them from the system administrator, but the low report's CSV gave them for every
agency. Now every format of the low report, the case page and schedules follow the same rule:
agency administrators and supervisors see consented contacts; the system administrator does not
get the columns at all."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base import privacy
from erating.base.models import User
from erating.base.reports.access import may_receive
from erating.base.tests.reports_helpers import csv_rows, pdf_text, run, seed

pytestmark = pytest.mark.django_db
PHONE = "0123456789"  # every consented low rating of seed() carries it


@pytest.fixture
def data(world):
    today = timezone.localdate()
    seed(world, today)
    return world, {"report": "low", "start": (today - timedelta(days=60)).isoformat(), "end": today.isoformat()}


def test_the_rule_names_the_roles_that_see_contacts(world):
    assert privacy.may_see_contacts(world.home.admin) and privacy.may_see_contacts(world.home.supervisor)
    assert not privacy.may_see_contacts(world.sysadmin) and not privacy.may_see_contacts(world.home.officer)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_the_system_administrator_gets_no_contacts_in_any_format_of_the_low_report(data, tmp_path, fmt):
    world, query = data
    out = run(world.sysadmin, {**query, "fmt": fmt, "language": "en"}, tmp_path)
    if fmt == "csv":
        text = out.decode("utf-8-sig")
        assert csv_rows(out)[0][-1] == "Comment"
    elif fmt == "xlsx":
        sheet = out.worksheets[0]
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
        assert "Telephone" not in text
    else:
        _reader, text = pdf_text(out)
    assert PHONE not in text and "Ali" not in text and "Telephone" not in text


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_agency_staff_who_follow_up_get_the_consented_contacts(data, tmp_path, who):
    world, query = data
    rows = csv_rows(run(getattr(world.home, who), {**query, "fmt": "csv", "language": "en"}, tmp_path))
    assert rows[0][-3:] == ["Contact name", "Telephone", "E-mail"]
    assert any(PHONE in row for row in rows[1:])


def test_a_low_report_with_contacts_is_not_scheduled_to_a_role_that_may_not_see_them(world):
    assert may_receive(world.home.admin, "low", world.home.admin)
    assert not may_receive(world.sysadmin, "low", world.home.admin)  # covers the scope, may not see contacts
    assert may_receive(world.sysadmin, "by-agency", world.home.admin)  # no contacts in it


def test_the_case_page_follows_the_same_rule(world):
    from erating.base.followup import cases

    with scopes_disabled():
        case = cases.open_case(world.home.ratings[1])
    assert cases.contact_visible(world.home.admin, case)
    assert not cases.contact_visible(world.sysadmin, case)
    with scopes_disabled():
        User.objects.filter(pk=world.home.admin.pk).update(role=User.OFFICER)
        assert not cases.contact_visible(User.objects.get(pk=world.home.admin.pk), case)
