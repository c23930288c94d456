"""Public agency application form: validation, consent, honeypot, rate limit, duplicates."""
import pytest
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled

from erating.base.models import AgencyApplication, AuditEntry


@pytest.fixture(autouse=True)
def fresh_cache(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages are compared in English
    cache.clear()
    yield
    cache.clear()


def form_data(world, **overrides):
    data = {"agency_name": "Jabatan Perpaduan Negara", "agency_name_en": "Department of National Unity",
            "ministry": world.ministry.pk, "premises_planned": "12", "medium": "both",
            "officer_name": "Siti Aminah", "officer_position": "Ketua Penolong Pengarah",
            "officer_email": "siti@perpaduan.gov.my", "officer_phone": "03-8880 8000", "consent": "on",
            "website": ""}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_form_lists_ministries_and_has_a_hidden_honeypot(world, client):
    response = client.get(reverse("portal:apply"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.ministry.name_en in html  # English is active in these tests
    assert 'name="website"' in html and 'aria-hidden="true"' in html


@pytest.mark.django_db
def test_it_valid_application_is_queued_and_audited(world, client):
    response = client.post(reverse("portal:apply"), form_data(world), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response["Location"] == reverse("portal:apply_done")
    application = AgencyApplication.objects.get()
    assert application.status == AgencyApplication.PENDING
    assert (application.premises_planned, application.medium, application.consent) == (12, "both", True)
    assert application.ip == "10.1.2.3" and application.ministry == world.ministry
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="apply")
    assert entry.object_id == str(application.pk) and entry.user is None and entry.ip == "10.1.2.3"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,fragment", [
    ("agency_name", "", "name of the agency"),
    ("ministry", "999999", "ministry from the list"),
    ("premises_planned", "0", "between 1 and 10,000"),
    ("premises_planned", "abc", "whole number"),
    ("officer_email", "not-an-email", "valid e-mail"),
    ("officer_phone", "12ab", "9 to 15 digits"),
    ("consent", "", "consent"),
])
def test_it_invalid_fields_get_clear_messages(world, client, field, value, fragment):
    data = form_data(world, **{field: value})
    if field == "consent":
        data.pop("consent")
    response = client.post(reverse("portal:apply"), data)
    assert response.status_code == 400
    assert fragment in " ".join(response.context["form"].errors[field])
    assert not AgencyApplication.objects.exists()


@pytest.mark.django_db
def test_it_honeypot_pretends_success_and_stores_nothing(world, client):
    response = client.post(reverse("portal:apply"), form_data(world, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:apply_done")
    assert not AgencyApplication.objects.exists()


@pytest.mark.django_db
def test_it_duplicates_of_pending_applications_are_refused(world, client):
    assert client.post(reverse("portal:apply"), form_data(world)).status_code == 302
    same_name = client.post(reverse("portal:apply"), form_data(world, officer_email="lain@perpaduan.gov.my",
                                                                agency_name="jabatan perpaduan negara "))
    assert same_name.status_code == 400
    assert "already waiting for review" in same_name.content.decode()
    same_email = client.post(reverse("portal:apply"), form_data(world, agency_name="Jabatan Lain",
                                                                 officer_email="SITI@perpaduan.gov.my"))
    assert "already waiting for review" in " ".join(same_email.context["form"].non_field_errors())
    existing = client.post(reverse("portal:apply"), form_data(world, agency_name=world.home.agency.name_ms,
                                                               officer_email="x@home.gov.my"))
    assert "already uses eRating" in existing.content.decode()
    assert AgencyApplication.objects.count() == 1
    # once decided, the same agency may apply again
    AgencyApplication.objects.update(status=AgencyApplication.REJECTED)
    assert client.post(reverse("portal:apply"), form_data(world)).status_code == 302


@pytest.mark.django_db
def test_it_rate_limit_per_address(world, client):
    for n in range(5):
        response = client.post(reverse("portal:apply"), form_data(
            world, agency_name=f"Agensi {n}", officer_email=f"o{n}@a.gov.my"), REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 302
    blocked = client.post(reverse("portal:apply"), form_data(world, agency_name="Agensi 6",
                                                             officer_email="o6@a.gov.my"), REMOTE_ADDR="10.9.9.9")
    assert blocked.status_code == 429
    assert 'data-testid="apply-limited"' in blocked.content.decode()
    other_address = client.post(reverse("portal:apply"), form_data(world, agency_name="Agensi 7",
                                                                   officer_email="o7@a.gov.my"),
                                REMOTE_ADDR="10.9.9.10")
    assert other_address.status_code == 302
    assert AgencyApplication.objects.count() == 6


@pytest.mark.django_db
def test_it_typing_errors_do_not_use_up_the_limit(world, client):
    for _ in range(8):
        client.post(reverse("portal:apply"), form_data(world, officer_email="bad"), REMOTE_ADDR="10.8.8.8")
    assert client.post(reverse("portal:apply"), form_data(world), REMOTE_ADDR="10.8.8.8").status_code == 302
