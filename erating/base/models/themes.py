"""What comments are about (erating.base.themes): the national taxonomy, an agency's own phrases,
which themes each commented rating carries, and their counts kept beside the other aggregates."""
from django.db import models
from django_scopes import ScopedManager

from erating.base.models.analysis import PerPremiseDay
from erating.base.models.bilingual import pick


def _no_phrases():
    return {"ms": [], "en": [], "zh": [], "ta": []}


class Theme(models.Model):
    """A national service theme, maintained by the system administrator. Phrases per language
    (ms, en, zh, ta): lists of strings, matched as erating.base.themes.matcher explains."""
    code = models.SlugField(max_length=30, unique=True)
    name_ms = models.CharField(max_length=80)
    name_en = models.CharField(max_length=80)
    phrases = models.JSONField(default=_no_phrases)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.code

    @property
    def name(self):
        return pick(self.name_ms, self.name_en)


class AgencyThemePhrases(models.Model):
    """An agency's own phrases for a national theme (its services, its place names, its slang)."""
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    phrases = models.JSONField(default=_no_phrases)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "theme"], name="agencythemephrases_key")]

    def __str__(self):
        return f"{self.theme} ({self.agency_id})"


class RatingTheme(models.Model):
    """One theme of one commented rating: the row-level truth the theme counts are checked against
    and the drill-down from a theme to its comments reads."""
    rating = models.ForeignKey("base.Rating", on_delete=models.CASCADE, related_name="themes")
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "theme"], name="ratingtheme_key")]
        indexes = [models.Index(fields=["agency", "theme"], name="ratingtheme_agency_theme")]

    def __str__(self):
        return f"RatingTheme {self.rating_id} {self.theme_id}"


class ThemeDay(models.Model):
    """Commented ratings per theme, day, target, officer, channel and score (like RatingReasonDay)."""
    day = models.DateField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    target = models.ForeignKey("base.Target", on_delete=models.CASCADE, related_name="+", db_index=False)
    officer_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    theme_id = models.IntegerField()
    n = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise", officer="officer_id")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "agency", "premise", "target", "officer_id", "channel", "flagged", "score", "theme_id"],
            name="themeday_key")]
        # As the reasons' day table: a premise's, counter's or officer's themes read their own days.
        indexes = [models.Index(fields=["agency", "day"], name="themeday_agency_day"),
                   models.Index(fields=["premise", "day"], name="themeday_premise_day"),
                   models.Index(fields=["target", "day"], name="themeday_target_day"),
                   models.Index(fields=["officer_id", "day"], name="themeday_officer_day")]

    def __str__(self):
        return f"ThemeDay {self.day} agency {self.agency_id}"


class PremiseThemeDay(PerPremiseDay):
    """Commented ratings per theme, day and premise (from ThemeDay), as PremiseReasonDay."""
    theme_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["agency", "day", "premise", "channel", "flagged", "score", "theme_id"],
            name="premisethemeday_key")]
        indexes = [models.Index(fields=["day"], name="premisethemeday_day"),
                   models.Index(fields=["premise", "day"], name="premisethemeday_premise_day")]

    def __str__(self):
        return f"PremiseThemeDay {self.day} agency {self.agency_id}"


class ThemeMonth(models.Model):
    """Commented ratings per theme, calendar month and premise: whole months when nothing below
    the premise is asked for (else ThemeDay)."""
    month = models.DateField()
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    premise = models.ForeignKey("base.Premise", on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=6)
    flagged = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    theme_id = models.IntegerField()
    n = models.IntegerField(default=0)

    objects = ScopedManager(agency="agency", premise="premise")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["agency", "month", "premise", "channel", "flagged", "score", "theme_id"], name="thememonth_key")]

    def __str__(self):
        return f"ThemeMonth {self.month} agency {self.agency_id}"


class ThemeRebuild(models.Model):
    """A background re-application of the taxonomy after a change: its progress for the page."""
    agency = models.ForeignKey("base.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey("base.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"ThemeRebuild {self.pk} ({self.done}/{self.total})"
