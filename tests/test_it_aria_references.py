"""Every aria-describedby / aria-labelledby on the forms points at an element of the page: Django
gives an input with help text aria-describedby="id_<field>_helptext" (and "_error" when it has
errors), so the shared form partials must give the help text and the errors exactly those ids,
or screen readers announce neither. Checked on each form's first view and after a POST with no fields."""
from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ARIA_REFS = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.refs = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in ARIA_REFS:
            for ref in (attrs.get(name) or "").split():
                self.refs.append((tag, attrs.get("name") or attrs.get("id") or "", name, ref))


def broken_aria_references(html):
    """[(tag, element name, attribute, missing id)] for every reference to an id not in the page,
    plus ('duplicate id', id) for any id that appears twice (a reference to it is ambiguous)."""
    parser = _Ids()
    parser.feed(html)
    ids = set(parser.ids)
    broken = [ref for ref in parser.refs if ref[3] not in ids]
    seen = set()
    for i in parser.ids:
        if i in seen:
            broken.append(("duplicate id", i))
        seen.add(i)
    return broken


def described_inputs(html):
    parser = _Ids()
    parser.feed(html)
    return [ref for ref in parser.refs if ref[2] == "aria-describedby"]


def check(client, url, *, post=True):
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    assert broken_aria_references(html) == [], url
    described = described_inputs(html)
    if post:
        # One unknown key: views written `Form(request.POST or None)` bind a non-empty POST only.
        answer = client.post(url, {"probe": "1"})
        assert answer.status_code in (200, 400), url  # the form again, with its errors
        html = answer.content.decode()
        assert broken_aria_references(html) == [], f"{url} after a POST with no fields"
        described += described_inputs(html)
    return described


def test_it_finds_a_help_text_under_the_id_django_points_at(client, world, login):
    login(world.home.admin)
    described = check(client, reverse("control:officer_create"))
    # The staff form has help texts: the test would prove nothing if nothing referred to them.
    assert any(ref.endswith("_helptext") for *_, ref in described)
    assert any(ref.endswith("_error") for *_, ref in described)


@pytest.mark.parametrize("name,args", [
    ("control:premise_create", {}),
    ("control:target_create", {}),
    ("control:officer_create", {}),
    ("control:pairing_create", {}),
    ("control:password_change", {}),
    ("control:import_upload", {"kind": "officers"}),
])
def test_it_keeps_every_aria_reference_of_the_agency_forms(client, world, login, name, args):
    login(world.home.admin)
    check(client, reverse(name, kwargs=args))


def test_it_keeps_every_aria_reference_of_form_settings(client, world, login):
    login(world.home.admin)
    check(client, reverse("control:form_settings"), post=False)


def test_it_keeps_every_aria_reference_of_the_system_forms(client, world, login):
    login(world.sysadmin)
    for name in ("control:agency_create", "control:ministry_create"):
        check(client, reverse(name))
    check(client, reverse("control:agency_admins", kwargs={"agency_id": world.home.agency.pk}))


def test_it_keeps_every_aria_reference_of_the_public_forms(client, world):
    check(client, reverse("portal:apply"))
    check(client, reverse("control:login"))
    check(client, reverse("control:password_reset"))


def test_it_reports_a_reference_to_a_missing_id():
    html = ('<input name="a" aria-describedby="id_a_helptext id_a_error"><p id="id_a_help">x</p>'
            '<div id="id_a_error"></div><span id="x"></span><span id="x"></span>')
    assert broken_aria_references(html) == [("input", "a", "aria-describedby", "id_a_helptext"),
                                            ("duplicate id", "x")]
