"""What an analysis (dashboard, report, portal figure) is about: a period in Malaysia time and the
filters, parsed from a query string, checked against the user's scope.

    parse(data, *, user, scope=None) -> Criteria     (ValidationError with BM/EN messages)
    ratings(criteria) -> QuerySet[Rating]            the raw, scoped rows
    to_query(criteria) -> dict                       the query-string form, for URLs

Criteria never widen a scope: the user's scope (the request's django-scopes dimensions) is copied
into the Criteria and applied to every query on top of whatever scope is active, and an id from
outside it is answered exactly like an unknown id ("not found").
"""
import dataclasses
import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erating.base.models import Agency, Ministry, Premise, Rating, Target, User

MYT = zoneinfo.ZoneInfo("Asia/Kuala_Lumpur")
MAX_DAYS = 731  # two years: longer periods are a report, not a dashboard
EARLIEST = date(2000, 1, 1)

PRESETS = ["today", "7d", "30d", "month", "last_month", "quarter", "year", "custom"]
DEFAULT_PRESET = "30d"
CHANNELS = (Rating.TABLET, Rating.QR)
KINDS = tuple(k for k, _label in Target.KIND_CHOICES)


def preset_label(preset):
    return {
        "today": _("Today"), "7d": _("Last 7 days"), "30d": _("Last 30 days"), "month": _("This month"),
        "last_month": _("Last month"), "quarter": _("This quarter"), "year": _("This year"),
        "custom": _("Custom"),
    }[preset]


@dataclasses.dataclass(frozen=True)
class Criteria:
    start: date
    end: date  # inclusive
    preset: str = "custom"
    ministry_id: int | None = None
    agency_id: int | None = None
    premise_id: int | None = None
    target_id: int | None = None
    officer_id: int | None = None
    kind: str | None = None  # target kind: counter / service / facility / officer
    channel: str | None = None
    score_min: int = 1
    score_max: int = 5
    include_flagged: bool = False
    # The user's scope, copied at parse time (None = no restriction on that dimension).
    scope_agency: int | None = None
    scope_premises: tuple | None = None
    scope_officer: int | None = None

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def since(self):
        """First instant of the period (aware, Malaysia time)."""
        return datetime.combine(self.start, time.min, tzinfo=MYT)

    @property
    def until(self):
        """First instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=MYT)

    def previous(self):
        """The period of the same length just before, same filters."""
        length = timedelta(days=self.days)
        return dataclasses.replace(self, start=self.start - length, end=self.end - length, preset="custom")

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    @property
    def all_scores(self):
        return self.score_min == 1 and self.score_max == 5


def today():
    return timezone.now().astimezone(MYT).date()


def preset_range(preset, on=None):
    day = on or today()
    if preset == "today":
        return day, day
    if preset == "7d":
        return day - timedelta(days=6), day
    if preset == "30d":
        return day - timedelta(days=29), day
    if preset == "month":
        return day.replace(day=1), day
    if preset == "last_month":
        end = day.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if preset == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day
    if preset == "year":
        return date(day.year, 1, 1), day
    raise ValueError(preset)


def _int(data, name, errors):
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Not a valid number."))
        return None
    if value < 1 or value > 2**62:
        errors.setdefault(name, []).append(_("Not found."))
        return None
    return value


def _date(data, name, errors):
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD."))
        return None
    if value < EARLIEST:
        errors.setdefault(name, []).append(_("The date is too early."))
        return None
    return value


def _scope_of(user, scope):
    if scope is None:
        from erating.base.scoping import dimensions_for

        scope = dimensions_for(user)
    if not scope:
        raise ValidationError(_("You may not view these figures."))
    premises = scope.get("premise")
    return scope.get("agency"), (tuple(premises) if premises is not None else None), scope.get("officer")


def parse(data: Mapping, *, user, scope=None) -> Criteria:
    """`data` is a query dict (request.GET); `scope` the request's dimensions (request.scope),
    computed from `user` when not given. Raises ValidationError (a dict of field -> messages)."""
    scope_agency, scope_premises, scope_officer = _scope_of(user, scope)
    errors = {}
    preset = (data.get("period") or "").strip() or DEFAULT_PRESET
    if preset not in PRESETS:
        errors["period"] = [_("Choose one of the listed periods.")]
        preset = DEFAULT_PRESET
    start, end = _date(data, "start", errors), _date(data, "end", errors)
    if preset == "custom" or ((start or end) and "period" not in data):
        preset = "custom"
        if start is None and end is None and "start" not in errors and "end" not in errors:
            errors["start"] = [_("Enter the first day of the period.")]
        start = start or end
        end = end or start
    else:
        start, end = preset_range(preset)
    if start and end and not errors:
        if end < start:
            errors["end"] = [_("The end of the period is before its start.")]
        elif (end - start).days + 1 > MAX_DAYS:
            errors["end"] = [_("The period may be at most %(days)s days.") % {"days": MAX_DAYS}]
        elif start > today() + timedelta(days=1):
            errors["start"] = [_("The period starts in the future.")]

    ids = {name: _int(data, name, errors) for name in ("ministry", "agency", "premise", "target", "officer")}
    kind = (data.get("kind") or "").strip() or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = [_("Choose one of the listed target types.")]
        kind = None
    channel = (data.get("channel") or "").strip() or None
    if channel is not None and channel not in CHANNELS:
        errors["channel"] = [_("Choose tablet or QR code.")]
        channel = None
    smin, smax = _int(data, "score_min", errors) or 1, _int(data, "score_max", errors) or 5
    if not (1 <= smin <= 5) or not (1 <= smax <= 5):
        errors["score_min"] = [_("Scores run from 1 to 5.")]
    elif smin > smax:
        errors["score_max"] = [_("The highest score is below the lowest.")]
    flagged = (data.get("flagged") or "").strip().lower() in ("1", "on", "true", "yes")

    # Narrowing to the user's own scope: an officer sees only themself, an agency user their agency.
    if scope_officer is not None:
        if ids["officer"] not in (None, scope_officer):
            errors["officer"] = [_("Not found.")]
        ids["officer"] = scope_officer
    if scope_agency is not None:
        if ids["agency"] not in (None, scope_agency):
            errors["agency"] = [_("Not found.")]
        ids["agency"] = scope_agency
        if ids["ministry"] is not None:
            errors["ministry"] = [_("Not found.")]
    if errors:
        raise ValidationError(errors)

    _check_exists(ids, scope_agency, scope_premises, errors)
    if errors:
        raise ValidationError(errors)
    return Criteria(start=start, end=end, preset=preset, ministry_id=ids["ministry"], agency_id=ids["agency"],
                    premise_id=ids["premise"], target_id=ids["target"], officer_id=ids["officer"], kind=kind,
                    channel=channel, score_min=smin, score_max=smax, include_flagged=flagged,
                    scope_agency=scope_agency, scope_premises=scope_premises, scope_officer=scope_officer)


def period_text(c):
    """The period figures are for, in words to show beside them: "Last 30 days (07/11/2026 –
    06/12/2026)", or for a unit's all-time figures "All ratings up to 06/12/2026"."""
    end = date_format(c.end, "d/m/Y")
    if c.start <= EARLIEST:
        return _("All ratings up to %(end)s") % {"end": end}
    dates = f"{date_format(c.start, 'd/m/Y')} – {end}"
    return dates if c.preset == "custom" else f"{preset_label(c.preset)} ({dates})"


def for_unit(scope, *, start=EARLIEST, end=None, **ids) -> Criteria:
    """A Criteria for one unit's page (a premise's or target's all-time figures) inside the
    request's scope (its dimensions dict); the view has already found the unit in that scope."""
    agency, premises, officer = _scope_of(None, scope)
    return Criteria(start=start, end=end or today(), scope_agency=agency, scope_premises=premises,
                    scope_officer=officer, **{f"{name}_id": value for name, value in ids.items()})


def public(start, end, **ids) -> Criteria:
    """A Criteria of unflagged ratings with no user's scope: the public portal's figures (read under
    scopes_disabled; what may be published is decided by analysis.disclosure, not here)."""
    return Criteria(start=start, end=end, **{f"{name}_id": value for name, value in ids.items()})


def _check_exists(ids, scope_agency, scope_premises, errors):
    """Every id must exist, be inside the scope and agree with the others (a premise of the chosen
    agency, a target of the chosen premise); otherwise "not found", never a hint of what exists."""
    from django_scopes import scopes_disabled

    with scopes_disabled():  # the scope is applied explicitly here, from the Criteria's own copy
        if ids["ministry"] is not None and not Ministry.objects.filter(pk=ids["ministry"]).exists():
            errors["ministry"] = [_("Not found.")]
        if ids["agency"] is not None:
            q = Agency.objects.filter(pk=ids["agency"])
            if ids["ministry"] is not None:
                q = q.filter(ministry_id=ids["ministry"])
            if not q.exists():
                errors["agency"] = [_("Not found.")]
        if ids["premise"] is not None:
            q = Premise.objects.filter(pk=ids["premise"])
            q = _restrict(q, "agency_id", "pk", ids, scope_agency, scope_premises)
            if not q.exists():
                errors["premise"] = [_("Not found.")]
        if ids["target"] is not None:
            q = Target.objects.filter(pk=ids["target"])
            q = _restrict(q, "agency_id", "premise_id", ids, scope_agency, scope_premises)
            if ids["premise"] is not None:
                q = q.filter(premise_id=ids["premise"])
            if not q.exists():
                errors["target"] = [_("Not found.")]
        if ids["officer"] is not None:
            q = User.objects.filter(pk=ids["officer"], agency__isnull=False)
            q = _restrict(q, "agency_id", None, ids, scope_agency, None)
            if scope_premises is not None:
                # A supervisor sees the officers working in their premises.
                q = q.filter(officer_target__premise_id__in=scope_premises) | q.filter(
                    counter_links__counter__premise_id__in=scope_premises)
            if not q.exists():
                errors["officer"] = [_("Not found.")]


def _restrict(q, agency_field, premise_field, ids, scope_agency, scope_premises):
    if scope_agency is not None:
        q = q.filter(**{agency_field: scope_agency})
    if ids["agency"] is not None:
        q = q.filter(**{agency_field: ids["agency"]})
    if ids["ministry"] is not None:
        q = q.filter(**{agency_field.replace("_id", "__ministry_id"): ids["ministry"]})
    if scope_premises is not None and premise_field is not None:
        q = q.filter(**{f"{premise_field}__in": scope_premises})
    return q


def filters(c: Criteria):
    """The Criteria as keyword filters valid on Rating and on the aggregate tables alike (both
    carry agency, premise, target, officer, channel, flagged; `day` vs created_at is separate),
    each condition once: a criterion inside the scope replaces the scope's wider condition on the
    same field (parse() checked it is inside), a criterion outside it is kept beside it (no rows),
    so the filters never widen the scope. Two conditions on one column made PostgreSQL
    misestimate a supervisor's queries (1 s instead of 2 ms)."""
    f = {}
    agency = c.scope_agency if c.scope_agency is not None else c.agency_id
    if agency is not None:
        f["agency_id"] = agency
        if c.agency_id is not None and c.agency_id != agency:
            f["agency__pk"] = c.agency_id  # outside the scope: nothing
    if c.ministry_id is not None:
        f["agency__ministry_id"] = c.ministry_id
    if c.premise_id is not None:
        f["premise_id"] = c.premise_id
        if c.scope_premises is not None and c.premise_id not in c.scope_premises:
            f["premise_id__in"] = c.scope_premises
    elif c.scope_premises is not None:
        f["premise_id__in"] = c.scope_premises
    if c.target_id is not None:
        f["target_id"] = c.target_id
    officer = c.scope_officer if c.scope_officer is not None else c.officer_id
    if officer is not None:
        f["officer_id"] = officer
        if c.officer_id is not None and c.officer_id != officer:
            f["officer__pk"] = c.officer_id
    if c.channel is not None:
        f["channel"] = c.channel
    if not c.include_flagged:
        f["flagged"] = False
    return f


def _same_scope(active, c):
    def norm(value):
        return frozenset(value) if isinstance(value, (list, tuple, set, frozenset)) else value
    return (active.get("_enabled", True) and active.get("agency") == c.scope_agency
            and norm(active.get("premise")) == norm(c.scope_premises) and active.get("officer") == c.scope_officer
            and {"agency", "premise", "officer"} <= set(active))


def rows(model, c: Criteria):
    """`model`'s rows (Rating or an aggregate table) under the Criteria, each condition once.
    When the active django-scopes scope is the Criteria's own copy, its conditions are those of
    filters(): the query goes past the scoped manager so they are not written twice; any other
    scope (or none, which raises ScopeError) still applies through the scoped manager."""
    from django_scopes.state import get_scope

    manager = model._base_manager if _same_scope(get_scope(), c) else model.objects
    return manager.filter(**filters(c))


def ratings(c: Criteria):
    """The raw ratings of the Criteria (listings, exports), within the user's scope."""
    qs = rows(Rating, c).filter(created_at__gte=c.since, created_at__lt=c.until)
    if c.kind is not None:
        qs = qs.filter(target__kind=c.kind)
    if not c.all_scores:
        qs = qs.filter(score__gte=c.score_min, score__lte=c.score_max)
    return qs


def to_query(c: Criteria, **overrides) -> dict:
    """The query-string form of the Criteria (only what differs from the defaults); `overrides`
    replace or drop (value None) single parameters, for drill-down links."""
    q = {"period": c.preset}
    if c.preset == "custom":
        q["start"], q["end"] = c.start.isoformat(), c.end.isoformat()
    for name in ("ministry", "agency", "premise", "target", "officer"):
        value = getattr(c, f"{name}_id")
        scoped = {"agency": c.scope_agency, "officer": c.scope_officer}.get(name)
        if value is not None and value != scoped:
            q[name] = str(value)
    if c.kind:
        q["kind"] = c.kind
    if c.channel:
        q["channel"] = c.channel
    if c.score_min != 1:
        q["score_min"] = str(c.score_min)
    if c.score_max != 5:
        q["score_max"] = str(c.score_max)
    if c.include_flagged:
        q["flagged"] = "1"
    for key, value in overrides.items():
        if value is None:
            q.pop(key, None)
        else:
            q[key] = str(value)
    return q


def officer_reach(agency_id, officer_id):
    """(premise ids, target queryset) an officer's own figures can be narrowed to: their officer
    target, the counters they are linked to and any target their credited ratings came from.
    Report filters offer only these, so each choice an officer sees is one they may make."""
    from django.db.models import Q
    from django_scopes import scopes_disabled

    from erating.base.models import OfficerCounter, RatingMonth

    with scopes_disabled():  # counters are not the officer's own rows: the reach is built explicitly
        rated = RatingMonth.objects.filter(agency_id=agency_id, officer_id=officer_id).values("target_id")
        linked = OfficerCounter.objects.filter(agency_id=agency_id, officer_id=officer_id).values("counter_id")
        targets = (Target.objects.filter(agency_id=agency_id)
                   .filter(Q(officer_id=officer_id) | Q(pk__in=rated) | Q(pk__in=linked))
                   .select_related("premise").order_by("premise__name", "name"))
        premise_ids = sorted({t.premise_id for t in targets})
    return premise_ids, targets
