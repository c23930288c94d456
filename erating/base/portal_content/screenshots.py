"""Screenshots for the user manuals and the portal's gallery, taken from the running demo by the
project's own browser automation (Playwright driving Debian's Chromium), so that every build of
the manuals shows the screens of that release and never an old one.

`manage.py build_manuals --screens` (`make manuals`) builds a throw-away demo database, serves it,
calls capture() in both languages and then builds the PDFs. The PNGs go to
static/manuals/screens/<name>.<lang>.png (generated, not in git); the Markdown manuals place them
with `![caption](screen:<name>)`."""
from pathlib import Path

from django.conf import settings
from django.urls import reverse

SCREENS = Path(settings.BASE_DIR) / "erating" / "static" / "manuals" / "screens"
PHONE, TABLET, DESKTOP = (390, 780), (1024, 768), (1280, 800)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screen_path(name, lang, root=None):
    return Path(root or SCREENS) / f"{name}.{lang}.png"


def _demo_objects():
    """The demo rows the screens need: a counter's QR code, the officer's own target, a premise."""
    from django_scopes import scopes_disabled

    from erating.base.demo.generate import logins
    from erating.base.models import Target, User

    with scopes_disabled():
        officer = User.objects.get(email=logins()[User.OFFICER])
        own = Target.objects.get(officer=officer)
        counter = Target.objects.filter(premise_id=own.premise_id, kind=Target.COUNTER, active=True).order_by("id").first()
        return {"officer_target": own, "counter": counter, "premise": own.premise}


def shots(objects):
    """(name, role, viewport, path, action): role None is the customer (no login); path a str, or
    {lang: path} for the portal's pages, which have one address per language; action, if
    any, runs on the page before the picture (e.g. choosing a low score to show the reasons)."""
    counter, own = objects["counter"], objects["officer_target"]

    def low_score(page):
        page.click("label[for=score-2]")
        page.wait_for_timeout(300)

    def rate_five(page):
        page.click("label[for=score-5]")
        page.click("button.send")
        page.wait_for_load_state()

    return [
        ("qr-rate", None, PHONE, f"/r/{counter.code}", None),
        ("qr-reasons", None, PHONE, f"/r/{counter.code}", low_score),
        ("qr-thanks", None, PHONE, f"/r/{counter.code}", rate_five),
        ("kiosk", "kiosk", TABLET, "/kiosk", None),
        ("portal-home", None, DESKTOP, {"ms": "/", "en": "/en/"}, None),
        ("portal-results", None, DESKTOP, {"ms": "/keputusan/", "en": "/en/results/"}, None),
        ("officer-home", "officer", DESKTOP, reverse("control:home"), None),
        ("officer-qr", "officer", DESKTOP, reverse("control:target_qr", args=[own.pk]), None),
        ("supervisor-home", "supervisor", DESKTOP, reverse("control:home"), None),
        ("supervisor-analysis", "supervisor", DESKTOP, reverse("control:analysis"), None),
        ("supervisor-followup", "supervisor", DESKTOP, reverse("control:followup_inbox"), None),
        ("supervisor-reports", "supervisor", DESKTOP, reverse("control:report_index"), None),
        ("agencyadmin-home", "agencyadmin", DESKTOP, reverse("control:home"), None),
        ("agencyadmin-premises", "agencyadmin", DESKTOP, reverse("control:premise_list"), None),
        ("agencyadmin-targets", "agencyadmin", DESKTOP, reverse("control:target_list"), None),
        ("agencyadmin-staff", "agencyadmin", DESKTOP, reverse("control:officer_list"), None),
        ("agencyadmin-import", "agencyadmin", DESKTOP, reverse("control:import_index"), None),
        ("agencyadmin-devices", "agencyadmin", DESKTOP, reverse("control:device_list"), None),
        ("agencyadmin-form", "agencyadmin", DESKTOP, reverse("control:form_settings"), None),
        ("agencyadmin-followup-settings", "agencyadmin", DESKTOP, reverse("control:followup_settings"), None),
        ("sysadmin-home", "sysadmin", DESKTOP, reverse("control:home"), None),
        ("sysadmin-agencies", "sysadmin", DESKTOP, reverse("control:agency_list"), None),
        ("sysadmin-applications", "sysadmin", DESKTOP, reverse("control:application_list"), None),
        ("sysadmin-portal", "sysadmin", DESKTOP, reverse("control:portal_index"), None),
    ]


def _login(page, email, password):
    page.goto(reverse("control:login"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")  # not the header's language switch
    page.wait_for_load_state()
    if "/login" in page.url:
        raise RuntimeError(f"could not log in as {email}")


def _pair_kiosk(page, counter, lang):
    from django_scopes import scopes_disabled

    from erating.base.catalogue import devices

    with scopes_disabled():
        pairing = devices.create_pairing_code(counter.premise, target=counter)
    page.goto("/kiosk")
    page.fill("#pair-code", pairing.code)
    page.click("#pair-form button[type=submit]")
    page.wait_for_selector("#pair-form", state="hidden")
    page.wait_for_timeout(800)
    if lang == "en":  # the kiosk keeps its own language switch (a tablet is shared by customers)
        page.click('#k-langs [data-lang="en"]')
        page.wait_for_timeout(300)


def capture(base_url, out=SCREENS, langs=("ms", "en"), chromium="/usr/bin/chromium", only=None, inspect=None,
            browser=None):
    """Takes every screen in every language into out; returns the paths written. inspect(name,
    page), if given, looks at each page once its picture is taken (the tests run axe there);
    browser: a Playwright browser already running (the tests' own), else Chromium is started."""
    if browser is not None:
        return _capture(browser, base_url, Path(out), langs, only, inspect)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return _capture(browser, base_url, Path(out), langs, only, inspect)
        finally:
            browser.close()


def _capture(browser, base_url, out, langs, only, inspect):
    from erating.base.demo.generate import DEMO_PASSWORD, logins
    from erating.base.models import User

    accounts = {"sysadmin": User.SYSTEM_ADMIN, "agencyadmin": User.AGENCY_ADMIN,
                "supervisor": User.SUPERVISOR, "officer": User.OFFICER}
    objects = _demo_objects()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        contexts = {}
        for name, role, viewport, path, action in shots(objects):
            if only and name not in only:
                continue
            key = (role, viewport)
            if key not in contexts:  # one browser session per role and screen size
                context = browser.new_context(base_url=base_url, locale="ms-MY" if lang == "ms" else "en-MY",
                                              viewport={"width": viewport[0], "height": viewport[1]})
                context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
                page = context.new_page()
                if role in accounts:
                    _login(page, logins()[accounts[role]], DEMO_PASSWORD)
                elif role == "kiosk":
                    _pair_kiosk(page, objects["counter"], lang)
                contexts[key] = page
            page = contexts[key]
            if role != "kiosk":
                page.goto(path[lang] if isinstance(path, dict) else path)
            if action:
                action(page)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)  # charts finish their first drawing
            target = screen_path(name, lang, out)
            page.screenshot(path=str(target))
            written.append(target)
            if inspect:
                inspect(name, page)
        for page in contexts.values():
            page.context.close()
    return written
