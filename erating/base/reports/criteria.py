"""What the user asked for, within their scope.

The analysis module owns this definition (`erating.base.analysis.criteria`); reports use it
when it is present. Until that branch is merged the small stand-in below keeps the same
interface (`Criteria`, `parse`, `ratings`, `to_query`) so reports never define their own.
"""
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Agency, Ministry, Premise, Rating, Target, User

try:  # pragma: no cover - exercised once the analysis branch is merged
    from ..analysis.criteria import Criteria, parse, ratings, to_query  # noqa: F401
except ImportError:
    MAX_DAYS = 366 * 5

    @dataclass(frozen=True)
    class Criteria:
        start: date
        end: date
        ministry_id: int | None = None
        agency_id: int | None = None
        premise_id: int | None = None
        target_id: int | None = None
        officer_id: int | None = None
        channel: str = ""
        score_min: int = 1
        score_max: int = 5
        include_flagged: bool = False

    def _date(data, key, default):
        value = data.get(key)
        if value in (None, ""):
            return default
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({key: _("Enter a valid date (YYYY-MM-DD).")}) from None

    def _int(data, key, default=None):
        value = data.get(key)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError({key: _("Enter a whole number.")}) from None

    def parse(data, *, user=None):
        """Validate raw criteria (a form's GET data or a dict). Ids are looked up through the
        scoped managers, so another agency's id is reported as not found, never used."""
        today = timezone.localdate()
        end = _date(data, "end", today)
        start = _date(data, "start", end - timedelta(days=29))
        if end < start:
            raise ValidationError({"end": _("The end date must be on or after the start date.")})
        if (end - start).days > MAX_DAYS:
            raise ValidationError({"start": _("The period may be at most five years.")})
        ids = {k: _int(data, k) for k in ("ministry_id", "agency_id", "premise_id", "target_id", "officer_id")}
        lookups = {"ministry_id": Ministry.objects, "agency_id": Agency.objects, "premise_id": Premise.objects,
                   "target_id": Target.objects, "officer_id": User.scoped}
        for key, manager in lookups.items():
            if ids[key] is not None and not manager.filter(pk=ids[key]).exists():
                raise ValidationError({key: _("This item does not exist or is outside your scope.")})
        channel = str(data.get("channel") or "")
        if channel not in ("", Rating.TABLET, Rating.QR):
            raise ValidationError({"channel": _("Choose a valid channel.")})
        score_min, score_max = _int(data, "score_min", 1), _int(data, "score_max", 5)
        if not (1 <= score_min <= score_max <= 5):
            raise ValidationError({"score_min": _("The score range must lie between 1 and 5, lowest first.")})
        flagged = str(data.get("include_flagged", "")).lower() in ("1", "true", "on", "yes")
        return Criteria(start=start, end=end, channel=channel, score_min=score_min, score_max=score_max,
                        include_flagged=flagged, **ids)

    def bounds(criteria):
        tz = timezone.get_current_timezone()
        return (datetime.combine(criteria.start, time.min, tz),
                datetime.combine(criteria.end + timedelta(days=1), time.min, tz))

    def ratings(criteria):
        since, until = bounds(criteria)
        qs = Rating.objects.filter(created_at__gte=since, created_at__lt=until)
        for key, field in (("agency_id", "agency_id"), ("premise_id", "premise_id"), ("target_id", "target_id"),
                           ("officer_id", "officer_id")):
            value = getattr(criteria, key)
            if value is not None:
                qs = qs.filter(**{field: value})
        if criteria.ministry_id is not None:
            qs = qs.filter(agency__ministry_id=criteria.ministry_id)
        if criteria.channel:
            qs = qs.filter(channel=criteria.channel)
        if (criteria.score_min, criteria.score_max) != (1, 5):
            qs = qs.filter(score__gte=criteria.score_min, score__lte=criteria.score_max)
        if not criteria.include_flagged:
            qs = qs.filter(flagged=False)
        return qs

    def to_query(criteria):
        out = {}
        for key, value in asdict(criteria).items():
            if value in (None, "", False) or (key, value) in (("score_min", 1), ("score_max", 5)):
                continue
            out[key] = value.isoformat() if isinstance(value, date) else ("1" if value is True else str(value))
        return out


def previous(criteria):
    """The period of the same length just before: the summary's comparison."""
    from dataclasses import replace

    days = (criteria.end - criteria.start).days + 1
    return replace(criteria, start=criteria.start - timedelta(days=days), end=criteria.start - timedelta(days=1))
