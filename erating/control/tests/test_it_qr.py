"""QR page, PNG/SVG downloads and code regeneration: owner, other roles, outsiders."""
import io

import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image

from erating.base.models import AuditEntry, Target


def decode_png(content):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    assert results, "no QR code found in the image"
    return results[0].text


def url_of(target):
    return f"{settings.SITE_URL}/r/{target.code}"


def exports(target):
    with scopes_disabled():
        return AuditEntry.objects.filter(action="export", object_type="Target", object_id=str(target.pk))


@pytest.mark.django_db
def test_it_png_decodes_to_exactly_the_target_url(world, login):
    client = login(world.home.admin)
    target = world.home.counter
    response = client.get(reverse("control:target_qr_png", kwargs={"target_id": target.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert decode_png(response.content) == url_of(target)
    entry = exports(target).get()
    assert entry.changes["format"] == [None, "png"] and entry.user == world.home.admin
    assert entry.agency_id == world.home.agency.pk


@pytest.mark.django_db
def test_it_svg_download_is_an_svg_of_the_code(world, login):
    client = login(world.home.admin)
    response = client.get(reverse("control:target_qr_svg", kwargs={"target_id": world.home.service.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert exports(world.home.service).filter(changes__format=[None, "svg"]).count() == 1


@pytest.mark.django_db
def test_it_qr_page_links_downloads_and_shows_regenerate_to_managers(world, login):
    client = login(world.home.admin)
    target = world.home.counter
    response = client.get(reverse("control:target_qr", kwargs={"target_id": target.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert url_of(target) in html
    for name in ("control:target_qr_png", "control:target_qr_svg", "control:target_regenerate_code"):
        assert reverse(name, kwargs={"target_id": target.pk}) in html
    assert reverse("control:target_poster", kwargs={"target_id": target.pk}) + "?size=A5" in html
    assert not exports(target).exists()  # looking at the page is not a download


@pytest.mark.django_db
def test_it_officer_gets_own_qr_but_not_a_colleague_counter(world, login):
    client = login(world.home.officer)
    own = world.home.officer_target
    page = client.get(reverse("control:target_qr", kwargs={"target_id": own.pk}))
    assert page.status_code == 200
    assert reverse("control:target_regenerate_code", kwargs={"target_id": own.pk}) not in page.content.decode()
    png = client.get(reverse("control:target_qr_png", kwargs={"target_id": own.pk}))
    assert decode_png(png.content) == url_of(own)
    for other in (world.home.counter, world.other.officer_target):
        assert client.get(reverse("control:target_qr_png", kwargs={"target_id": other.pk})).status_code == 404


@pytest.mark.django_db
def test_it_supervisor_sees_own_premise_only(world, login):
    client = login(world.home.supervisor)
    assert client.get(reverse("control:target_qr", kwargs={"target_id": world.home.counter.pk})).status_code == 200
    assert client.get(reverse("control:target_qr",
                              kwargs={"target_id": world.home.branch_counter.pk})).status_code == 404


@pytest.mark.django_db
def test_it_outsider_agency_gets_404_everywhere(world, login):
    client = login(world.other.admin)
    target = world.home.counter
    for name in ("control:target_qr", "control:target_qr_png", "control:target_qr_svg"):
        assert client.get(reverse(name, kwargs={"target_id": target.pk})).status_code == 404
    response = client.post(reverse("control:target_regenerate_code", kwargs={"target_id": target.pk}),
                           {"confirm": "1"})
    assert response.status_code == 404
    with scopes_disabled():
        assert Target.objects.get(pk=target.pk).code == target.code


@pytest.mark.django_db
def test_it_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("control:target_qr_png", kwargs={"target_id": world.home.counter.pk}))
    assert response.status_code == 302 and reverse("control:login") in response["Location"]


@pytest.mark.django_db
def test_it_regenerate_retires_old_code_and_new_url_decodes(world, login):
    client = login(world.home.admin)
    target = world.home.counter
    old = target.code
    url = reverse("control:target_regenerate_code", kwargs={"target_id": target.pk})
    assert client.get(url).status_code == 405
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        target.refresh_from_db()
        entry = AuditEntry.objects.get(action="regenerate_code", object_id=str(target.pk))
    assert target.code != old and old in target.previous_codes
    assert entry.changes["code"] == [old, target.code]
    png = client.get(reverse("control:target_qr_png", kwargs={"target_id": target.pk}))
    assert decode_png(png.content) == f"{settings.SITE_URL}/r/{target.code}"


@pytest.mark.django_db
def test_it_regenerate_needs_confirmation_and_a_manager(world, login):
    target = world.home.counter
    url = reverse("control:target_regenerate_code", kwargs={"target_id": target.pk})
    client = login(world.home.admin)
    client.post(url, {})  # no confirmation tick
    with scopes_disabled():
        assert Target.objects.get(pk=target.pk).code == target.code
    for user in (world.home.supervisor, world.home.officer):
        assert login(user).post(url, {"confirm": "1"}).status_code == 403
    with scopes_disabled():
        assert Target.objects.get(pk=target.pk).previous_codes == []


@pytest.mark.django_db
def test_it_sysadmin_reaches_any_agency_target(world, login):
    client = login(world.sysadmin)
    response = client.get(reverse("control:target_qr_png", kwargs={"target_id": world.other.counter.pk}))
    assert decode_png(response.content) == url_of(world.other.counter)


@pytest.mark.django_db
def test_it_navigation_offers_each_role_its_qr_entry_points(world, login):
    officer_nav = login(world.home.officer).get(reverse("control:home")).content.decode()
    own = reverse("control:target_qr", kwargs={"target_id": world.home.officer_target.pk})
    assert own in officer_nav and reverse("control:audit_list") not in officer_nav
    colleague_nav = login(world.home.colleague).get(reverse("control:home")).content.decode()
    assert own not in colleague_nav  # the colleague has no officer target of their own
    admin_nav = login(world.home.admin).get(reverse("control:home")).content.decode()
    assert reverse("control:agency_posters") in admin_nav and reverse("control:audit_list") in admin_nav
