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
# The same captions in Chinese (simplified) and Tamil, for citizens who rate in those languages.
DEFAULT_CAPTIONS_ZH_TA = {
    5: ("优秀", "மிகச் சிறப்பு"),
    4: ("满意", "திருப்தி"),
    3: ("一般", "ஓரளவு திருப்தி"),
    2: ("不太满意", "குறைவான திருப்தி"),
    1: ("不满意", "திருப்தி இல்லை"),
}
# The starter follow-up reasons of a new agency (BM, EN, 中文, தமிழ்).
DEFAULT_REASONS = [
    ("Tidak senyum", "Did not smile", "没有微笑", "புன்னகைக்கவில்லை"),
    ("Maklumat tidak lengkap", "Incomplete information", "资料不完整", "தகவல் முழுமையாக இல்லை"),
    ("Masa menunggu terlalu lama", "Waited too long", "等候时间太长", "காத்திருப்பு நேரம் மிக நீண்டது"),
    ("Kurang sopan", "Not courteous", "不够礼貌", "மரியாதை குறைவு"),
    ("Kurang mahir", "Lacked knowledge", "不够熟练", "போதிய அறிவு இல்லை"),
    ("Kemudahan tidak bersih", "Facility not clean", "设施不干净", "வசதிகள் சுத்தமாக இல்லை"),
]
# A 3-smiley form is stored on the same 5-point scale so agencies stay comparable.
THREE_SMILEY_SCORES = (5, 3, 1)


class ScoreCaption(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="captions")
    score = models.PositiveSmallIntegerField(choices=[(s, str(s)) for s in range(1, 6)])
    caption_ms = models.CharField(_("caption (BM)"), max_length=60)
    caption_en = models.CharField(_("caption (EN)"), max_length=60)
    # Blank: the customer reading Chinese or Tamil sees the BM caption.
    caption_zh = models.CharField(_("caption (中文)"), max_length=60, blank=True, default="")
    caption_ta = models.CharField(_("caption (தமிழ்)"), max_length=60, blank=True, default="")

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["agency", "score"], name="caption_unique_per_score")]

    def __str__(self):
        return f"{self.score}: {self.caption}"

    @property
    def caption(self):
        return pick(self.caption_ms, self.caption_en, self.caption_zh, self.caption_ta)


class FollowUpReason(models.Model):
    """A reason offered after a low score, e.g. 'Tidak senyum'; the agency keeps its own list."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reasons")
    text_ms = models.CharField(_("reason (BM)"), max_length=120)
    text_en = models.CharField(_("reason (EN)"), max_length=120)
    text_zh = models.CharField(_("reason (中文)"), max_length=120, blank=True, default="")
    text_ta = models.CharField(_("reason (தமிழ்)"), max_length=120, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return pick(self.text_ms, self.text_en, self.text_zh, self.text_ta)
