"""Aggregates of the ratings, kept by erating.base.analysis (pending.py folds each stored rating
into them, aggregates.py writes and rebuilds them). Days and hours are Malaysia time. `officer_id` is a plain integer, 0 for "no
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
        indexes = [models.Index(fields=["agency", "day"], name="ratingday_agency_day")]

    def __str__(self):
        return f"RatingDay {self.day} agency {self.agency_id}"


class RatingMonth(_TargetCounts):
    """The same per calendar month (month = its first day): whole months of a period are read here."""
    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "agency", "premise", "target", "officer_id", "channel", "flagged"],
            name="ratingmonth_key")]
        indexes = [models.Index(fields=["agency", "month"], name="ratingmonth_agency_month")]

    def __str__(self):
        return f"RatingMonth {self.month} agency {self.agency_id}"


class RatingHour(_Counts):
    """Per Malaysia day and hour, per premise: the heat map and hour-grain trends. Filters below
    the premise (target, officer, target kind) read TargetHour."""
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "hour", "agency", "premise", "channel", "flagged"], name="ratinghour_key")]
        indexes = [models.Index(fields=["agency", "day"], name="ratinghour_agency_day")]

    def __str__(self):
        return f"RatingHour {self.day} agency {self.agency_id}"


class RatingReasonDay(models.Model):
    """How often each follow-up reason was chosen, per day, target, officer, channel and score;
    reason_id 0 (aggregates.ANY_REASON) counts the ratings that carry any reason, each once."""
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
        # A premise's, counter's or officer's reasons over a year read their own days, not the agency's.
        indexes = [models.Index(fields=["agency", "day"], name="ratingreasonday_agency_day"),
                   models.Index(fields=["premise", "day"], name="ratingreasonday_premise_day"),
                   models.Index(fields=["target", "day"], name="ratingreasonday_target_day"),
                   models.Index(fields=["officer_id", "day"], name="ratingreasonday_officer_day")]

    def __str__(self):
        return f"RatingReasonDay {self.day} agency {self.agency_id}"


class ReasonMonth(models.Model):
    """How often each follow-up reason was chosen, per calendar month and premise: the reasons of
    whole months when nothing below the premise is asked for (else RatingReasonDay); reason_id 0
    as there."""
    month = models.DateField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    reason_id = models.IntegerField()
    n = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["agency", "month", "premise", "channel", "flagged", "score", "reason_id"],
            name="reasonmonth_key")]

    def __str__(self):
        return f"ReasonMonth {self.month} agency {self.agency_id}"


class PerPremiseDay(models.Model):
    """Per Malaysia day and premise, one count per score and key (a reason, a theme): summed from
    the target-grain day table, for the days outside whole months when nothing below the
    premise is asked for (at target grain a national query reads thousands of rows a day)."""
    day = models.DateField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        abstract = True


class PremiseReasonDay(PerPremiseDay):
    """Follow-up reasons per day and premise (from RatingReasonDay); reason_id 0 as there."""
    reason_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["agency", "day", "premise", "channel", "flagged", "score", "reason_id"],
            name="premisereasonday_key")]
        # Every agency's days (the system administrator) and one premise's days read index ranges.
        indexes = [models.Index(fields=["day"], name="premisereasonday_day"),
                   models.Index(fields=["premise", "day"], name="premisereasonday_premise_day")]

    def __str__(self):
        return f"PremiseReasonDay {self.day} agency {self.agency_id}"


class PremiseDay(_Counts):
    """Per Malaysia day and premise: every figure that needs nothing below the premise."""
    day = models.DateField()

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day", "premise", "channel", "flagged"],
                                               name="premiseday_key")]

    def __str__(self):
        return f"PremiseDay {self.day} agency {self.agency_id}"


class PremiseMonth(_Counts):
    """The same per calendar month."""
    month = models.DateField()

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "month", "premise", "channel", "flagged"],
                                               name="premisemonth_key")]

    def __str__(self):
        return f"PremiseMonth {self.month} agency {self.agency_id}"


class HeatMonth(models.Model):
    """Per calendar month, weekday (Monday = 0) and hour, per agency: the heat map of whole months
    when no premise narrows it (a premise filter or a supervisor's scope reads RatingHour)."""
    month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
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

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "month", "weekday", "hour", "channel", "flagged"],
                                               name="heatmonth_key")]

    def __str__(self):
        return f"HeatMonth {self.month} agency {self.agency_id}"


class TargetHeatMonth(_TargetCounts):
    """Per calendar month, weekday (Monday = 0) and hour at target × officer grain: the heat map of
    one officer, target or target kind over whole months (it read their raw ratings)."""
    month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["agency", "month", "weekday", "hour", "premise", "target", "officer_id", "channel", "flagged"],
            name="targetheatmonth_key")]
        indexes = [models.Index(fields=["target", "month"], name="targetheatmonth_target_month"),
                   models.Index(fields=["officer_id", "month"], name="targetheatmonth_officer_month")]

    def __str__(self):
        return f"TargetHeatMonth {self.month} target {self.target_id}"


class TargetHour(_TargetCounts):
    """Per Malaysia day and hour at target × officer grain: the hour-grain trend of one officer,
    target or target kind (a day or two) and the partial months of their heat map."""
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "hour", "agency", "premise", "target", "officer_id", "channel", "flagged"],
            name="targethour_key")]
        indexes = [models.Index(fields=["target", "day"], name="targethour_target_day"),
                   models.Index(fields=["officer_id", "day"], name="targethour_officer_day")]

    def __str__(self):
        return f"TargetHour {self.day} {self.hour}h target {self.target_id}"


class PendingRating(models.Model):
    """A stored rating not yet counted in the aggregates. The writer adds its id in the rating's
    own transaction; the folder (erating.base.analysis.pending) counts and deletes it. No foreign
    key: the writer's INSERT must not lock or look up anything else."""
    rating_id = models.BigIntegerField(primary_key=True)

    def __str__(self):
        return f"rating {self.rating_id}"
