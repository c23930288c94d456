from django.db.models import Count
from django.shortcuts import render
from django_scopes import scopes_disabled

from erating.base.models import Premise, Rating


def home(request):
    # Public aggregate counts only: no tenant row leaves this function.
    with scopes_disabled():
        media = dict(Premise.objects.filter(active=True, agency__status="active")
                     .order_by().values_list("medium").annotate(n=Count("id")).values_list("medium", "n"))
        ratings_total = Rating.objects.filter(flagged=False).count()
    context = {
        "media": {"tablet": media.get("tablet", 0), "qr": media.get("qr", 0), "both": media.get("both", 0)},
        "ratings_total": ratings_total,
    }
    return render(request, "portal/home.html", context)
