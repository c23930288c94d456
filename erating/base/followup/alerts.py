"""Alert rules evaluated over recent ratings, and kiosk health.

evaluate(agency, now) looks at every active rule of the agency and every unit it watches (a
premise, a target, a tablet): a unit that fires gets an alert unless one is already open for
that rule and unit (a partial unique constraint guarantees at most one: no storms); an open
alert whose unit no longer fires closes by itself. New alerts are e-mailed at once to the
premise's supervisors (tablets: to the agency's administrators). Run it every minute.
"""
import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from erating.base.analysis import disclosure, measures
from erating.base.auditlog.log import log_action
from erating.base.followup.calendar import MALAYSIA, is_open
from erating.base.models import Alert, AlertComment, AlertRule, Device, Rating, User

DEFAULT_RULES = {
    # kind: (threshold, window_minutes, min_ratings)
    AlertRule.LOW_SHARE: (50, 15, 4),      # ≥ 50 % low within 15 minutes, at least 4 ratings
    AlertRule.CSAT_DAY: (60, 24 * 60, 10),  # CSAT below 60 % over the last day, at least 10 ratings
    AlertRule.DROP: (20, 0, 10),            # 20 points below the same weekday's usual CSAT so far today
    AlertRule.KIOSK: (30, 0, 5),            # silent 30 minutes in opening hours; queue ≥ 5 and growing
}
USUAL_WEEKS = 4


def ensure_rules(agency):
    existing = set(AlertRule.objects.filter(agency=agency).values_list("kind", flat=True))
    for kind, (threshold, window, minimum) in DEFAULT_RULES.items():
        if kind not in existing:
            try:
                with transaction.atomic():
                    AlertRule.objects.create(agency=agency, kind=kind, threshold=threshold, window_minutes=window,
                                             min_ratings=minimum)
            except IntegrityError:
                pass
    return list(AlertRule.objects.filter(agency=agency))


def _counts(ratings, low_max, by):
    """{unit id: (total, low, satisfied)} for ratings grouped by `by` ("premise" or "target")."""
    # Minutes are finer than the aggregates (hours, days): counted on the rows, with the engine's
    # definitions of satisfied and low (analysis.measures).
    rows = (ratings.filter(flagged=False).values(f"{by}_id")
            .annotate(total=Count("id"), low=Count("id", filter=measures.low_q(low_max)),
                      satisfied=Count("id", filter=measures.satisfied_q())))
    return {r[f"{by}_id"]: (r["total"], r["low"], r["satisfied"]) for r in rows}


def _csat(satisfied, total):
    return measures.share(satisfied, total)


def fire_low_share(rule, agency, now):
    """A counter (service, facility) whose window is bad fires; its premise fires only for what
    the firing targets do not already explain (low ratings spread over several targets), so one
    burst at one counter is one alert and one e-mail to its supervisors, not two."""
    start = now - datetime.timedelta(minutes=rule.window_minutes)
    rows = list(Rating.objects.filter(agency=agency, created_at__gt=start, created_at__lte=now, flagged=False)
                .values("premise_id", "target_id")
                .annotate(total=Count("id"), low=Count("id", filter=measures.low_q(agency.reasons_max_score))))
    # An officer's own target is one officer: below the agency's minimum it raises no alert of its
    # own, which would show its figures to the supervisors (erating.base.analysis.disclosure).
    own = disclosure.officer_targets(r["target_id"] for r in rows)
    minimum = disclosure.minimum_of(agency.id, {agency.id: agency.ranking_min_ratings})

    def fires(total, low):
        return total >= rule.min_ratings and 100 * low >= rule.threshold * total

    def detail(total, low):
        return {"total": total, "low": low, "minutes": rule.window_minutes, "value": measures.share(low, total)}

    fired, rest = {}, {}
    for row in rows:
        total, low = row["total"], row["low"]
        withheld = row["target_id"] in own and total < minimum
        if fires(total, low) and not withheld:
            fired[f"target:{row['target_id']}"] = detail(total, low)
        else:
            t, lo = rest.get(row["premise_id"], (0, 0))
            rest[row["premise_id"]] = (t + total, lo + low)
    for premise_id, (total, low) in rest.items():
        if fires(total, low):
            fired[f"premise:{premise_id}"] = detail(total, low)
    return fired


def fire_csat_day(rule, agency, now):
    recent = Rating.objects.filter(agency=agency, created_at__gt=now - datetime.timedelta(minutes=rule.window_minutes),
                                   created_at__lte=now)
    fired = {}
    for unit_id, (total, _low, sat) in _counts(recent, agency.reasons_max_score, "premise").items():
        csat = _csat(sat, total)
        if total >= rule.min_ratings and csat < rule.threshold:
            fired[f"premise:{unit_id}"] = {"total": total, "csat": csat, "value": csat}
    return fired


def fire_drop(rule, agency, now):
    """Today so far against the same span of the same weekday over the previous weeks."""
    local = now.astimezone(MALAYSIA)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = _counts(Rating.objects.filter(agency=agency, created_at__gte=midnight, created_at__lte=now),
                    agency.reasons_max_score, "premise")
    usual = {}
    for week in range(1, USUAL_WEEKS + 1):
        shift = datetime.timedelta(weeks=week)
        past = Rating.objects.filter(agency=agency, created_at__gte=midnight - shift, created_at__lte=now - shift)
        for unit_id, (total, _low, sat) in _counts(past, agency.reasons_max_score, "premise").items():
            t, s = usual.get(unit_id, (0, 0))
            usual[unit_id] = (t + total, s + sat)
    fired = {}
    for unit_id, (total, _low, sat) in today.items():
        before_total, before_sat = usual.get(unit_id, (0, 0))
        if total < rule.min_ratings or before_total < rule.min_ratings:
            continue
        csat, usual_csat = _csat(sat, total), _csat(before_sat, before_total)
        if usual_csat - csat >= rule.threshold:
            fired[f"premise:{unit_id}"] = {"total": total, "csat": csat, "usual": usual_csat, "value": csat}
    return fired


def fire_kiosk(rule, agency, now, open_units):
    fired = {}
    for device in Device.objects.filter(agency=agency, revoked_at__isnull=True).select_related("premise"):
        unit = f"device:{device.pk}"
        heard = device.last_seen or device.created_at
        silent_minutes = int((now - heard).total_seconds() // 60)
        if is_open(device.premise, now) and silent_minutes >= rule.threshold:
            fired[unit] = {"reason": "silent", "device": device.name, "minutes": silent_minutes,
                           "value": silent_minutes}
        elif device.queued >= rule.min_ratings and (device.queued > device.queued_before or unit in open_units):
            # Opened when the queue grows; stays open until it drains below the minimum.
            fired[unit] = {"reason": "queue", "device": device.name, "queued": device.queued,
                           "value": device.queued}
    return fired


def _unit_objects(unit):
    kind, pk = unit.split(":")
    pk = int(pk)
    if kind == "premise":
        return {"premise_id": pk}
    if kind == "target":
        from erating.base.models import Target

        return {"premise_id": Target.objects.filter(pk=pk).values_list("premise_id", flat=True).get(), "target_id": pk}
    return {"premise_id": Device.objects.filter(pk=pk).values_list("premise_id", flat=True).get(), "device_id": pk}


def recipients(alert):
    if alert.rule.kind == AlertRule.KIOSK:
        qs = User.objects.filter(agency_id=alert.agency_id, role=User.AGENCY_ADMIN)
    else:
        qs = User.objects.filter(agency_id=alert.agency_id, role=User.SUPERVISOR, premises=alert.premise_id)
    return list(qs.filter(is_active=True).distinct())


RATING_KINDS = (AlertRule.LOW_SHARE, AlertRule.CSAT_DAY, AlertRule.DROP)


def evaluate(agency, now=None, kinds=RATING_KINDS):
    """Open and close the agency's alerts of these rule kinds for this moment -> (opened, closed)."""
    now = now or timezone.now()
    opened, closed = [], []
    for rule in ensure_rules(agency):
        if rule.kind not in kinds:
            continue
        open_alerts = {a.unit: a for a in Alert.objects.filter(rule=rule, closed_at__isnull=True)}
        if not rule.active:
            fired = {}
        elif rule.kind == AlertRule.LOW_SHARE:
            fired = fire_low_share(rule, agency, now)
        elif rule.kind == AlertRule.CSAT_DAY:
            fired = fire_csat_day(rule, agency, now)
        elif rule.kind == AlertRule.DROP:
            fired = fire_drop(rule, agency, now)
        else:
            fired = fire_kiosk(rule, agency, now, set(open_alerts))
        for unit, detail in fired.items():
            if unit in open_alerts:
                continue
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(agency=agency, rule=rule, unit=unit, opened_at=now,
                                                 value=detail.pop("value"), detail=detail, **_unit_objects(unit))
            except IntegrityError:  # another evaluation opened it meanwhile
                continue
            log_action("alert.open", agency=agency, obj=alert, changes={"unit": [None, unit]})
            opened.append(alert)
        for unit, alert in open_alerts.items():
            if unit not in fired:
                alert.status, alert.closed_at = Alert.CLOSED, now
                alert.save(update_fields=["status", "closed_at"])
                log_action("alert.close", agency=agency, obj=alert, changes={"status": ["open", "recovered"]})
                closed.append(alert)
    return opened, closed


def acknowledge(alert, *, user, request=None, now=None):
    if alert.status != Alert.OPEN:
        return alert
    alert.status, alert.acknowledged_at, alert.acknowledged_by = Alert.ACKNOWLEDGED, now or timezone.now(), user
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    log_action("alert.acknowledge", request=request, user=user, obj=alert, changes={"status": ["open", "acknowledged"]})
    return alert


def comment(alert, text, *, user, request=None):
    entry = AlertComment.objects.create(agency_id=alert.agency_id, alert=alert, author=user, text=text)
    log_action("alert.comment", request=request, user=user, obj=alert, changes={"comment": [None, entry.pk]})
    return entry
