"""Builders for tests: two agencies with every kind of object and a user per role.

Like healthchecks' BaseTestCase personas, every view test can check the owner, a colleague
in another role and an outsider from another agency.
"""
import uuid
from types import SimpleNamespace

from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import (
    Agency,
    FollowUpReason,
    Ministry,
    OfficerCounter,
    Premise,
    Rating,
    ScoreCaption,
    Target,
    User,
)
from erating.base.models.settings import DEFAULT_CAPTIONS, DEFAULT_CAPTIONS_ZH_TA, DEFAULT_REASONS

PASSWORD = "Test-password-2026"


def make_agency(code, ministry):
    agency = Agency.objects.create(ministry=ministry, code=code, name_ms=f"Jabatan {code.upper()}",
                                   name_en=f"{code.upper()} Department")
    for score, (ms, en) in DEFAULT_CAPTIONS.items():
        zh, ta = DEFAULT_CAPTIONS_ZH_TA[score]
        ScoreCaption.objects.create(agency=agency, score=score, caption_ms=ms, caption_en=en, caption_zh=zh,
                                    caption_ta=ta)
    reasons = [FollowUpReason.objects.create(agency=agency, text_ms=ms, text_en=en, text_zh=zh, text_ta=ta,
                                             position=i)
               for i, (ms, en, zh, ta) in enumerate(DEFAULT_REASONS[:2])]
    premise = Premise.objects.create(agency=agency, code=f"{code}-hq", name=f"{code.upper()} Ibu Pejabat",
                                     state="PJY", medium=Premise.BOTH)
    branch = Premise.objects.create(agency=agency, code=f"{code}-br", name=f"{code.upper()} Cawangan",
                                    state="SGR", medium=Premise.QR)
    ns = SimpleNamespace(agency=agency, premise=premise, branch=branch, reasons=reasons)
    ns.counter = Target.objects.create(agency=agency, premise=premise, kind=Target.COUNTER, name="Kaunter 1",
                                       name_en="Counter 1")
    ns.service = Target.objects.create(agency=agency, premise=premise, kind=Target.SERVICE, name="Pembaharuan")
    ns.facility = Target.objects.create(agency=agency, premise=premise, kind=Target.FACILITY, name="Surau")
    ns.branch_counter = Target.objects.create(agency=agency, premise=branch, kind=Target.COUNTER, name="Kaunter B")
    ns.admin = User.objects.create_user(f"admin@{code}.gov.my", PASSWORD, full_name=f"Admin {code}",
                                        role=User.AGENCY_ADMIN, agency=agency)
    ns.supervisor = User.objects.create_user(f"penyelia@{code}.gov.my", PASSWORD, full_name=f"Penyelia {code}",
                                             role=User.SUPERVISOR, agency=agency)
    ns.supervisor.premises.set([premise])
    ns.officer = User.objects.create_user(f"petugas@{code}.gov.my", PASSWORD, full_name=f"Petugas {code}",
                                          role=User.OFFICER, agency=agency)
    ns.officer_target = Target.objects.create(agency=agency, premise=premise, kind=Target.OFFICER,
                                              name=ns.officer.full_name, officer=ns.officer)
    OfficerCounter.objects.create(agency=agency, officer=ns.officer, counter=ns.counter)
    ns.colleague = User.objects.create_user(f"rakan@{code}.gov.my", PASSWORD, full_name=f"Rakan {code}",
                                            role=User.OFFICER, agency=agency)
    ns.ratings = [
        add_rating(ns.counter, 5, officer=ns.officer, comment="Bagus"),
        add_rating(ns.counter, 1, comment="Lambat", reasons=[reasons[0].id]),
        add_rating(ns.officer_target, 4, officer=ns.officer),
        add_rating(ns.branch_counter, 2, comment="Cawangan lambat"),
    ]
    return ns


def add_rating(target, score, *, officer=None, comment="", reasons=None, channel=Rating.QR, when=None,
               flagged=False):
    return Rating.objects.create(
        agency_id=target.agency_id, premise_id=target.premise_id, target=target, officer=officer or target.officer,
        score=score, channel=channel, comment=comment, reasons=reasons or [], idempotency_key=uuid.uuid4(),
        created_at=when or timezone.now(), flagged=flagged)


def make_world():
    with scopes_disabled():
        ministry = Ministry.objects.create(code="kdn", name_ms="Kementerian Dalam Negeri",
                                           name_en="Ministry of Home Affairs")
        home = make_agency("home", ministry)
        other = make_agency("other", ministry)
        sysadmin = User.objects.create_user("sys@erating.gov.my", PASSWORD, full_name="Pentadbir Sistem",
                                            role=User.SYSTEM_ADMIN)
    return SimpleNamespace(ministry=ministry, home=home, other=other, sysadmin=sysadmin)


def log_in_page(page, user, language="en"):
    """Log a Playwright page in through the real login form, with the interface in `language`."""
    page.goto("/control/login/")
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": page.url.split("/control/")[0] + "/"}])
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
