"""Every public page of the portal with its URL filled from the data, for the sweeps (footer,
dates, axe): no page is skipped for having parameters. A page with a parameter this module cannot
fill fails the sweep (KeyError) until it is taught here."""
import datetime
import re

from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import pending
from erating.base.catalogue.results_posters import previous_month
from erating.base.models import Agency, NewsArticle, Premise, WeDidLine
from erating.base.testing import add_rating
from erating.portal.pages import PAGES

LANGS = ("ms", "en")


def publish_a_premise(world):
    """The home agency names itself in the public results and its premise had ratings last month
    (at the minimum) and a published "we did" line: its results page shows figures."""
    h = world.home
    first = previous_month(timezone.localdate())
    when = datetime.datetime.combine(first + datetime.timedelta(days=10), datetime.time(10),
                                     timezone.get_current_timezone())
    with scopes_disabled():
        Agency.objects.filter(pk=h.agency.pk).update(ranking_min_ratings=4, public_results_named=True)
        for score in (5, 5, 4, 1):
            add_rating(h.counter, score, when=when)
        WeDidLine.objects.create(agency=h.agency, premise=h.premise, text="Kaunter 3 dibuka pada waktu rehat",
                                 status=WeDidLine.PUBLISHED, written_at=when, published_at=when)
    pending.fold_all()


def values():
    with scopes_disabled():
        premise = (Premise.objects.select_related("agency").order_by("pk")
                   .filter(active=True, agency__status=Agency.ACTIVE, agency__public_results_named=True).first())
        return {"slug": NewsArticle.objects.published().first().slug,
                "agency_code": premise.agency.code, "premise_code": premise.code}


def public_paths():
    """(page name, language, path) of every portal page in both languages."""
    filled = values()
    for name, pair in PAGES.items():
        for lang, path in zip(LANGS, pair, strict=True):
            yield name, lang, "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: filled[m.group(1)], path)
