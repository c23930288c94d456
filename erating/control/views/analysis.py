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

from erating.base import labels
from erating.base.analysis import criteria as cr
from erating.base.analysis import disclosure, figures, themes
from erating.base.followup import cases
from erating.base.models import Agency, FollowUpReason, Ministry, Premise, Target, Theme, User
from erating.control.permissions import ANY_ROLE, role_required
from erating.control.views import analysis_charts as charts

SECTIONS = ("summary", "trend", "heatmap", "reasons", "themes", "phrases", "rankings", "comments")
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
    unit = disclosure.officer_unit(c)
    if summary or unit is not None:
        head = figures.headline(c)
        minimum = disclosure.minimum_of(unit[1] if unit else c.agency_id or c.scope_agency)
        # One officer's figures (an officer, or their own target) below the minimum: the rule.
        withheld = unit is not None and disclosure.withheld(c, user, total=head["ratings"])
        if unit is not None and not withheld and not disclosure.sees_below_minimum(user):
            _hide_previous_below_minimum(head, minimum)
    return {"c": c, "head": head, "withheld": withheld, "minimum": minimum,
            "query": urlencode(cr.to_query(c)), "national": user.is_system_admin and c.scope_agency is None,
            "show_officers": disclosure.sees_below_minimum(user), "personal": user.is_officer}


def _hide_previous_below_minimum(head, minimum):
    """The change against the previous period would give away that period's figures of one officer
    when it is below the minimum: the changes go, the previous count alone stays unsaid."""
    if head["previous"]["ratings"] < minimum:
        head["change"] = dict.fromkeys(head["change"])


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
    if name == "phrases":  # its own request: it reads comments, where the themes read the aggregates
        return charts.phrases(c)
    if name == "rankings":
        return {} if ctx["personal"] else charts.rankings(c, national=ctx["national"],
                                                          show_officers=ctx["show_officers"])
    if name == "comments":
        comments = figures.latest_comments(c)
        ids = {rid for r in comments for rid in r.reasons}
        texts = {r.id: r.text for r in FollowUpReason.objects.filter(id__in=ids)} if ids else {}
        for r in comments:
            r.reason_labels = [texts[rid] for rid in r.reasons if rid in texts]
        _mark_withheld(c, request.user, comments)
        return {"comments": comments}
    raise Http404


def _mark_withheld(c, user, rows):
    """Comments of an officer below the minimum stay, without the officer's target's name (the rule)."""
    hidden = disclosure.withheld_officers(c, user) if rows else ()
    for r in rows:
        r.withheld = r.target.officer_id in hidden


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
    _mark_withheld(c, request.user, rows)
    ctx.update(theme=theme, comments=rows, nav="analysis")
    return render(request, "control/analysis/theme_comments.html", ctx)


@role_required(User.SYSTEM_ADMIN)
def agency_options(request):
    """The agency filter's choices for the ministry just chosen: the dashboard narrows them as
    soon as a ministry is picked (htmx), without a press of "Show"."""
    agencies = Agency.objects.all()
    try:
        ministry_id = int(request.GET.get("ministry") or 0) or None
    except ValueError:
        ministry_id = None
    if ministry_id:
        agencies = agencies.filter(ministry_id=ministry_id)
    return render(request, "control/analysis/agency_select.html", {"agencies": agencies, "selected": None})


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
            targets = list(Target.objects.filter(premise_id=c.premise_id))
            named = labels.target_labels(t.pk for t in targets)
            for t in targets:
                t.label = named.get(t.pk, t.display_name)
            form["targets"] = targets
        officers = User.scoped.filter(role=User.OFFICER, agency_id=agency)
        if c.scope_premises is not None:
            officers = officers.filter(officer_target__premise_id__in=c.scope_premises)
        form["officers"] = labels.label_officers(officers.order_by("full_name")[:500])
    return form
