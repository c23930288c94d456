from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from erating.base.models import Agency, Premise, Rating, Target
from erating.base.services import stats

from ..permissions import ANY_ROLE, role_required

RECENT_DAYS = 30


def _recent(ratings):
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return ratings.filter(created_at__gte=since, flagged=False)


@role_required(*ANY_ROLE)
def home(request):
    user = request.user
    ratings = _recent(Rating.objects.all())
    context = {"days": RECENT_DAYS, "summary": stats.summary(ratings)}
    if user.is_officer:
        context.update(
            target=Target.objects.filter(officer=user).first(),
            comments=ratings.exclude(comment="").select_related("target")[:10],
            distribution=stats.distribution(ratings),
        )
        return render(request, "control/home_officer.html", context)
    if user.is_system_admin and request.scope.get("agency") is None:
        agencies = Agency.objects.select_related("ministry").annotate(
            premise_count=Count("premises", distinct=True))
        context.update(agencies=agencies, ranking=stats.ranked(ratings, "agency_id", "agency__name_ms"))
        return render(request, "control/home_sysadmin.html", context)
    context.update(
        premise_count=Premise.objects.filter(active=True).count(),
        distribution=stats.distribution(ratings),
        ranking=stats.ranked(ratings, "premise_id", "premise__name"),
        comments=ratings.exclude(comment="").select_related("target", "premise")[:10],
        low_count=ratings.filter(Q(score__lte=2)).count(),
    )
    return render(request, "control/home_agency.html", context)
