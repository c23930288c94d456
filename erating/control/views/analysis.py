"""The Analysis dashboard (Modul Analisis). The URL holds the filters; the page carries the
headline figures and loads each further section as its own request (htmx), and every section is
refreshed when the live stamp (polled every 3 s) reports a new rating inside
the criteria. The figures come from erating.base.analysis."""
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from erating.base.analysis import criteria as cr
from erating.base.analysis import figures, rankings, themes
from erating.base.followup import cases
from erating.base.models import Agency, FollowUpReason, Ministry, Premise, Target, Theme, User
from erating.control.permissions import ANY_ROLE, role_required
from erating.control.views import analysis_charts as charts

SECTIONS = ("summary", "trend", "heatmap", "reasons", "themes", "rankings", "comments")
ID_FIELDS = {"ministry", "agency", "premise", "target", "officer"}


def _criteria(request):
    """-> (criteria, errors). An id out of scope (or unknown) is a 404, like any other URL.
    (The engine counts ratings still waiting for the folder itself, so every figure is exact.)"""
    try:
        return cr.parse(request.GET, user=request.user, scope=request.scope), {}
    except ValidationError as exc:
        errors = exc.message_dict
        if set(errors) & ID_FIELDS:
            raise Http404 from exc
        return cr.parse({}, user=request.user, scope=request.scope), errors


def _context(request, c, *, summary=True):
    """`summary`: the headline figures are needed (the page and its summary section); other
    sections read them only to withhold one officer's figures below the minimum."""
    user = request.user
    head = minimum = None
    withheld = False
    if summary or c.officer_id is not None:
        head = figures.headline(c)
        minimum = rankings.minimums(c).get(c.agency_id or c.scope_agency, rankings.DEFAULT_MIN_RATINGS)
        # A single officer's figures below the minimum are for the agency administrator only.
        withheld = c.officer_id is not None and not user.is_agency_admin and head["ratings"] < minimum
    return {"c": c, "head": head, "withheld": withheld, "minimum": minimum,
            "query": urlencode(cr.to_query(c)), "national": user.is_system_admin and c.scope_agency is None,
            "show_officers": user.is_agency_admin, "personal": user.is_officer}


def _section(name, request, ctx):
    c = ctx["c"]
    if ctx["withheld"]:
        return {}
    if name == "summary":
        summary = charts.summary(c, ctx["head"])
        if not ctx["personal"]:  # follow-up of low ratings: the staff who work cases see its deadlines
            summary["followup"] = cases.figures_for(c)
        return summary
    if name == "trend":
        return charts.trend(c)
    if name == "heatmap":
        return charts.heatmap(c)
    if name == "reasons":
        return charts.reasons(c)
    if name == "themes":
        return charts.themes(c, ctx["query"])
    if name == "rankings":
        return {} if ctx["personal"] else charts.rankings(c, national=ctx["national"],
                                                          show_officers=ctx["show_officers"])
    if name == "comments":
        comments = figures.latest_comments(c)
        ids = {rid for r in comments for rid in r.reasons}
        labels = {r.id: r.text for r in FollowUpReason.objects.filter(id__in=ids)} if ids else {}
        for r in comments:
            r.reason_labels = [labels[rid] for rid in r.reasons if rid in labels]
        return {"comments": comments}
    raise Http404


@role_required(*ANY_ROLE)
def dashboard(request):
    c, errors = _criteria(request)
    ctx = _context(request, c)
    ctx["summary"] = _section("summary", request, ctx)  # the rest load as their own requests
    ctx.update(errors=errors, form=_form(request, c), nav="analysis", stamp=figures.stamp(c),
               updated=timezone.localtime(), sections=SECTIONS)
    return render(request, "control/analysis/dashboard.html", ctx, status=400 if errors else 200)


@role_required(*ANY_ROLE)
def section(request, part):
    c, errors = _criteria(request)
    if errors:
        return HttpResponse(status=400)
    ctx = _context(request, c, summary=part == "summary")
    ctx[part] = _section(part, request, ctx)
    return render(request, f"control/analysis/section_{part}.html", ctx)


@role_required(*ANY_ROLE)
def theme_comments(request, theme_code):
    """The comments behind one theme, for the dashboard's criteria (drill-down)."""
    c, errors = _criteria(request)
    if errors:
        return HttpResponse(status=400)
    theme = Theme.objects.filter(code=theme_code, active=True).first()
    if theme is None:
        raise Http404
    ctx = _context(request, c, summary=False)
    rows = [] if ctx["withheld"] else themes.comments(c, theme)
    ctx.update(theme=theme, comments=rows, nav="analysis")
    return render(request, "control/analysis/theme_comments.html", ctx)


@role_required(*ANY_ROLE)
def stamp(request):
    """Polled by the page: answers its new stamp, and tells htmx to refresh the sections when a
    rating inside the criteria was stored since the page's stamp."""
    c, errors = _criteria(request)
    if errors:
        return HttpResponse(status=400)
    value = figures.stamp(c)
    html = render_to_string("control/analysis/stamp.html", {
        "stamp": value, "updated": timezone.localtime(), "query": urlencode(cr.to_query(c))}, request=request)
    response = HttpResponse(html)
    if value != request.GET.get("stamp"):
        response["HX-Trigger"] = "analysis-refresh"
    return response


def _form(request, c):
    """Choices for the filter form, all from the user's scope (scoped managers)."""
    user = request.user
    form = {"presets": [(p, cr.preset_label(p)) for p in cr.PRESETS], "kinds": Target.KIND_CHOICES,
            "channels": [(cr.Rating.TABLET, _("Tablet")), (cr.Rating.QR, _("QR code"))], "scores": range(1, 6)}
    if user.is_system_admin and c.scope_agency is None:
        form["ministries"] = Ministry.objects.all()
        agencies = Agency.objects.all()
        if c.ministry_id:
            agencies = agencies.filter(ministry_id=c.ministry_id)
        form["agencies"] = agencies
    agency = c.agency_id or c.scope_agency
    if agency is not None and not user.is_officer:
        premises = Premise.objects.filter(agency_id=agency)
        if c.scope_premises is not None:
            premises = premises.filter(pk__in=c.scope_premises)
        form["premises"] = premises
        if c.premise_id is not None:
            form["targets"] = Target.objects.filter(premise_id=c.premise_id)
        officers = User.scoped.filter(role=User.OFFICER, agency_id=agency)
        if c.scope_premises is not None:
            officers = officers.filter(officer_target__premise_id__in=c.scope_premises)
        form["officers"] = officers.order_by("full_name")[:500]
    return form
