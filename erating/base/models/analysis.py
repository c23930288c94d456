"""Aggregates of the ratings, kept by erating.base.analysis.aggregates in the same transaction as
each rating INSERT. Days and hours are Malaysia time. `officer_id` is a plain integer, 0 for "no
officer", so it can be part of the conflict key on SQLite and PostgreSQL alike (NULLs never
conflict). n1..n5 count ratings per score and c1..c5 those with a comment, so any score filter
is answered exactly."""
from django.db import models
from django_scopes import ScopedManager

SCORES = (1, 2, 3, 4, 5)


class _Counts(models.Model):
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    n1 = models.IntegerField(default=0)
    n2 = models.IntegerField(default=0)
    n3 = models.IntegerField(default=0)
    n4 = models.IntegerField(default=0)
    n5 = models.IntegerField(default=0)
    c1 = models.IntegerField(default=0)
    c2 = models.IntegerField(default=0)
    c3 = models.IntegerField(default=0)
    c4 = models.IntegerField(default=0)
    c5 = models.IntegerField(default=0)

    class Meta:
        abstract = True


class _TargetCounts(_Counts):
    target = models.ForeignKey("base.Target", on_delete=models.CASCADE, related_name="+", db_index=False)
    officer_id = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise", officer="officer_id")

    class Meta:
        abstract = True


class RatingDay(_TargetCounts):
    """Ratings per Malaysia day at the finest grain the filters need."""
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "agency", "premise", "target", "officer_id", "channel", "flagged"], name="ratingday_key")]
        indexes = [models.Index(fields=["agency", "day"], name="ratingday_agency_day"),
                   models.Index(fields=["target", "day"], name="ratingday_target_day")]


class RatingMonth(_TargetCounts):
    """The same per calendar month (month = its first day): whole months of a period are read here."""
    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "agency", "premise", "target", "officer_id", "channel", "flagged"],
            name="ratingmonth_key")]
        indexes = [models.Index(fields=["agency", "month"], name="ratingmonth_agency_month")]


class RatingHour(_Counts):
    """Per Malaysia day and hour, per premise: the heat map and hour-grain trends. Filters below
    the premise (target, officer, target kind) are answered from the raw ratings instead."""
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "hour", "agency", "premise", "channel", "flagged"], name="ratinghour_key")]
        indexes = [models.Index(fields=["agency", "day"], name="ratinghour_agency_day")]


class RatingReasonDay(models.Model):
    """How often each follow-up reason was chosen, per day, target, officer, channel and score."""
    day = models.DateField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    target = models.ForeignKey("base.Target", on_delete=models.CASCADE, related_name="+", db_index=False)
    officer_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    reason_id = models.IntegerField()
    n = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise", officer="officer_id")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "agency", "premise", "target", "officer_id", "channel", "flagged", "score", "reason_id"],
            name="ratingreasonday_key")]
        indexes = [models.Index(fields=["agency", "day"], name="ratingreasonday_agency_day")]
