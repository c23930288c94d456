from django.db.models import Count
from django.shortcuts import render

from erating.base.analysis import criteria as cr
from erating.base.analysis import figures, rankings
from erating.base.catalogue import setup_checklist
from erating.base.models import Agency, Premise, Target
from erating.control.permissions import ANY_ROLE, role_required

RECENT_DAYS = 30


def summary_of(head, c):
    # Exact figures: the templates show them (numbers filters, rounded half up), as the dashboard;
    # with the period they are for, said beside them.
    return {"total": head["ratings"], "csat": head["csat"], "mean": head["mean"], "low": head["low"],
            "low_label": head["low_label"], "period": cr.period_text(c)}


def _ranking(c, dimension):
    return rankings.top(c, dimension)


@role_required(*ANY_ROLE)
def home(request):
    """Each role's overview of the last 30 days, from the analysis aggregates; the Analysis
    dashboard (linked from here) has the filters, charts and live figures."""
    user = request.user
    c = cr.parse({"period": "30d"}, user=user, scope=request.scope)
    head = figures.headline(c)
    context = {"days": RECENT_DAYS, "summary": summary_of(head, c), "analysis": True,
               "distribution": [(s, head["distribution"][s - 1]) for s in range(5, 0, -1)]}
    if user.is_officer:
        context.update(target=Target.objects.filter(officer=user).first(), comments=figures.latest_comments(c))
        return render(request, "control/home_officer.html", context)
    if user.is_system_admin and request.scope.get("agency") is None:
        agencies = Agency.objects.select_related("ministry").annotate(premise_count=Count("premises", distinct=True))
        context.update(agencies=agencies, ranking=_ranking(c, "agency"))
        return render(request, "control/home_sysadmin.html", context)
    if user.is_agency_admin or user.is_system_admin:  # the steps an agency administrator takes
        steps = setup_checklist.checklist(request.scope["agency"])
        context.update(setup=steps, setup_progress=setup_checklist.progress(steps))
    context.update(
        premise_count=Premise.objects.filter(active=True).count(),
        ranking=_ranking(c, "premise"),
        comments=figures.latest_comments(c),
        low_count=context["summary"]["low"],
    )
    return render(request, "control/home_agency.html", context)
