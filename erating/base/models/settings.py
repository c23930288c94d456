from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from erating.base.models.bilingual import pick
from erating.base.models.tenancy import Agency

# The smiley scale the system has always used; agencies may rename the captions.
DEFAULT_CAPTIONS = {
    5: ("Cemerlang", "Excellent"),
    4: ("Memuaskan", "Satisfactory"),
    3: ("Sederhana Memuaskan", "Fairly satisfactory"),
    2: ("Kurang Memuaskan", "Less than satisfactory"),
    1: ("Tidak Memuaskan", "Unsatisfactory"),
}
# A 3-smiley form is stored on the same 5-point scale so agencies stay comparable.
THREE_SMILEY_SCORES = (5, 3, 1)


class ScoreCaption(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="captions")
    score = models.PositiveSmallIntegerField(choices=[(s, str(s)) for s in range(1, 6)])
    caption_ms = models.CharField(_("caption (BM)"), max_length=60)
    caption_en = models.CharField(_("caption (EN)"), max_length=60)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["agency", "score"], name="caption_unique_per_score")]

    def __str__(self):
        return f"{self.score}: {self.caption}"

    @property
    def caption(self):
        return pick(self.caption_ms, self.caption_en)


class FollowUpReason(models.Model):
    """A reason offered after a low score, e.g. 'Tidak senyum'; the agency keeps its own list."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reasons")
    text_ms = models.CharField(_("reason (BM)"), max_length=120)
    text_en = models.CharField(_("reason (EN)"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return pick(self.text_ms, self.text_en)
