"""Issue 24 item 3: /apply/ in the portal's look; the applicant gets an acknowledgement e-mail and
the system administrators a notice and a menu badge; a title typed into the name is not doubled
("Tuan/Puan Puan Noraini"); the premises count says "1 to 10,000", never "≥ 0"; the suggested
agency code ends at a whole word."""
import pytest
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from erating.base.catalogue import onboarding
from erating.base.models import AgencyApplication
from erating.portal.tests.test_it_apply import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    cache.clear()
    yield
    cache.clear()


def test_it_shows_the_form_in_the_portal_look(world, client):
    for path in (reverse("portal:apply"), reverse("portal:apply_done")):
        page = client.get(path).content.decode()
        assert 'class="portal-page"' in page and "/static/portal/portal.css" in page and 'class="site-nav"' in page
        assert "/static/erating/app.css" not in page


def test_it_acknowledges_the_applicant_and_tells_the_system_administrators(world, client, login):
    mail.outbox.clear()
    response = client.post(reverse("portal:apply"), form_data(world, officer_name="Puan Noraini binti Ahmad"))
    assert response.status_code == 302
    application = AgencyApplication.objects.get()
    to_applicant = [m for m in mail.outbox if m.to == ["siti@perpaduan.gov.my"]]
    to_admins = [m for m in mail.outbox if world.sysadmin.email in m.to]
    assert len(to_applicant) == 1 and len(to_admins) == 1 and len(mail.outbox) == 2
    body = to_applicant[0].body
    assert "Jabatan Perpaduan Negara" in body and "Yang dihormati Puan Noraini binti Ahmad," in body
    assert "Dear Puan Noraini binti Ahmad," in body and "Tuan/Puan Puan" not in body
    notice = to_admins[0]
    assert "Jabatan Perpaduan Negara" in notice.subject
    assert reverse("control:application_detail", args=[application.pk]) in notice.body
    # The badge beside "Agency applications" in the system administrator's menu.
    page = login(world.sysadmin).get(reverse("control:application_list")).content.decode()
    assert 'class="badge badge-count"' in page and "1 waiting for review" in page
    application.status = AgencyApplication.REJECTED
    application.save()
    page = login(world.sysadmin).get(reverse("control:application_list")).content.decode()
    assert 'class="badge badge-count"' not in page


def test_it_keeps_the_application_when_the_mail_server_fails(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert client.post(reverse("portal:apply"), form_data(world)).status_code == 302
    assert AgencyApplication.objects.count() == 1


@pytest.mark.parametrize(("name", "ms", "en"), [
    ("Noraini binti Ahmad", "Tuan/Puan Noraini binti Ahmad,", "Dear Noraini binti Ahmad,"),
    ("puan Noraini", "Yang dihormati puan Noraini,", "Dear puan Noraini,"),
    ("Dr. Azman Hashim", "Yang dihormati Dr. Azman Hashim,", "Dear Dr. Azman Hashim,"),
    ("Dato' Sri Lim", "Yang dihormati Dato' Sri Lim,", "Dear Dato' Sri Lim,"),
    ("Encikah Noor", "Tuan/Puan Encikah Noor,", "Dear Encikah Noor,"),  # a name, not a title
])
def test_it_greets_a_titled_name_once(name, ms, en):
    application = AgencyApplication(officer_name=name, agency_name="Jabatan X")
    for lang, expected in (("ms", ms), ("en", en)):
        with translation.override(lang):
            text = render_to_string("portal/email_apply_received.txt", {"application": application, "faq_url": ""})
        assert text.startswith(expected), (lang, text[:60])


@pytest.mark.parametrize("value", ["-5", "0", "10001"])
def test_it_says_one_to_ten_thousand_for_the_premises(world, client, value):
    response = client.post(reverse("portal:apply"), form_data(world, premises_planned=value))
    errors = response.context["form"].errors["premises_planned"]
    assert response.status_code == 400 and errors == ["Enter a number between 1 and 10,000."]


@pytest.mark.parametrize(("name", "code"), [
    ("Jabatan Perpaduan Negara", "jabatan-perpaduan-negara"),
    ("Jabatan Pendaftaran Negara Malaysia", "jabatan-pendaftaran"),
    ("Lembaga Hasil Dalam Negeri Malaysia", "lembaga-hasil-dalam"),
    ("Suruhanjayakomunikasimultimedia Malaysia", "suruhanjayakomunikasimul"),
])
def test_it_suggests_an_agency_code_of_whole_words(name, code):
    assert onboarding.unique_agency_code(name) == code
