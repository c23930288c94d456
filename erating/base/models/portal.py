"""Public portal content, edited by the system administrator. Not tenant data: no agency, no
scoped manager. Everything is bilingual (BM required, EN optional, falling back to BM) and
nothing appears on the portal until it is published."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erating.base import uploads
from erating.base.models.bilingual import pick
from erating.base.richtext import sanitise


class PortalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class PortalItem(models.Model):
    RICH_FIELDS = ()

    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0,
                                                help_text=_("Lower numbers are shown first."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PortalQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Every path that stores rich text (forms, demo data, shell) goes through the sanitiser.
        for field in self.RICH_FIELDS:
            setattr(self, field, sanitise(getattr(self, field)))
        super().save(*args, **kwargs)


class NewsArticle(PortalItem):
    RICH_FIELDS = ("body_ms", "body_en")

    slug = models.SlugField(_("web address"), max_length=80, unique=True,
                            help_text=_("Lower-case letters, digits and dashes; part of the article's address."))
    date = models.DateField(_("date"), default=timezone.localdate)
    title_ms = models.CharField(_("title (BM)"), max_length=200)
    title_en = models.CharField(_("title (EN)"), max_length=200, blank=True)
    summary_ms = models.CharField(_("summary (BM)"), max_length=300)
    summary_en = models.CharField(_("summary (EN)"), max_length=300, blank=True)
    body_ms = models.TextField(_("text (BM)"))
    body_en = models.TextField(_("text (EN)"), blank=True)
    image = models.ImageField(_("image"), upload_to=uploads.news_image_path, blank=True,
                              validators=[uploads.validate_image])
    image_alt_ms = models.CharField(_("image description (BM)"), max_length=250, blank=True)
    image_alt_en = models.CharField(_("image description (EN)"), max_length=250, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("news article")
        verbose_name_plural = _("news")

    title = property(lambda self: pick(self.title_ms, self.title_en))
    summary = property(lambda self: pick(self.summary_ms, self.summary_en))
    body = property(lambda self: pick(self.body_ms, self.body_en))
    image_alt = property(lambda self: pick(self.image_alt_ms, self.image_alt_en))


class FaqEntry(PortalItem):
    RICH_FIELDS = ("answer_ms", "answer_en")

    question_ms = models.CharField(_("question (BM)"), max_length=250)
    question_en = models.CharField(_("question (EN)"), max_length=250, blank=True)
    answer_ms = models.TextField(_("answer (BM)"))
    answer_en = models.TextField(_("answer (EN)"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("frequently asked questions")

    title = question = property(lambda self: pick(self.question_ms, self.question_en))
    answer = property(lambda self: pick(self.answer_ms, self.answer_en))


class GalleryItem(PortalItem):
    IMAGE, VIDEO = "image", "video"
    KIND_CHOICES = [(IMAGE, _("Image")), (VIDEO, _("Video"))]

    kind = models.CharField(_("kind"), max_length=5, choices=KIND_CHOICES, editable=False, default=IMAGE)
    file = models.FileField(_("file"), upload_to=uploads.gallery_path, validators=[uploads.validate_gallery_file],
                            help_text=_("An image (JPG, PNG, WebP, up to 5 MB) or a video (MP4, WebM, up to 100 MB)."))
    poster = models.ImageField(_("video still"), upload_to=uploads.gallery_path, blank=True,
                               validators=[uploads.validate_image],
                               help_text=_("For a video: the picture shown before it plays."))
    title_ms = models.CharField(_("title (BM)"), max_length=200)
    title_en = models.CharField(_("title (EN)"), max_length=200, blank=True)
    caption_ms = models.CharField(_("caption (BM)"), max_length=300, blank=True)
    caption_en = models.CharField(_("caption (EN)"), max_length=300, blank=True)
    alt_ms = models.TextField(_("text alternative (BM)"), max_length=1000,
                              help_text=_("What the image shows, or what is seen and said in the video."))
    alt_en = models.TextField(_("text alternative (EN)"), max_length=1000, blank=True)

    class Meta:
        ordering = ["position", "-id"]
        verbose_name = _("gallery item")
        verbose_name_plural = _("gallery")

    title = property(lambda self: pick(self.title_ms, self.title_en))
    caption = property(lambda self: pick(self.caption_ms, self.caption_en))
    alt = property(lambda self: pick(self.alt_ms, self.alt_en))

    def save(self, *args, **kwargs):
        self.kind = self.VIDEO if uploads.extension(self.file.name) in uploads.VIDEO_TYPES else self.IMAGE
        super().save(*args, **kwargs)


class Download(PortalItem):
    title_ms = models.CharField(_("title (BM)"), max_length=200)
    title_en = models.CharField(_("title (EN)"), max_length=200, blank=True)
    description_ms = models.CharField(_("description (BM)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (EN)"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=uploads.download_path, validators=[uploads.validate_document],
                            help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, ZIP or an image, up to 20 MB."))

    class Meta:
        ordering = ["position", "-id"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    title = property(lambda self: pick(self.title_ms, self.title_en))
    description = property(lambda self: pick(self.description_ms, self.description_en))


class PolicyPage(PortalItem):
    """The system administrator's own wording of a policy page. Until one is published for a page,
    the portal shows the reviewed default text (templates portal/policies/<page>.<lang>.html)."""

    RICH_FIELDS = ("body_ms", "body_en")
    PAGE_CHOICES = [("privacy", _("Privacy policy")), ("security", _("Security policy")),
                    ("disclaimer", _("Disclaimer")), ("copyright", _("Copyright"))]

    page = models.CharField(_("page"), max_length=20, choices=PAGE_CHOICES, unique=True)
    body_ms = models.TextField(_("text (BM)"))
    body_en = models.TextField(_("text (EN)"), blank=True)

    class Meta:
        ordering = ["page"]
        verbose_name = _("policy page")
        verbose_name_plural = _("policy pages")

    title = property(lambda self: self.get_page_display())
    body = property(lambda self: pick(self.body_ms, self.body_en))


class PortalText(models.Model):
    """The home page's own texts and the contact details: one row (pk 1)."""

    RICH_FIELDS = ("about_ms", "about_en", "join_ms", "join_en")

    tagline_ms = models.CharField(_("tagline (BM)"), max_length=200)
    tagline_en = models.CharField(_("tagline (EN)"), max_length=200, blank=True)
    about_ms = models.TextField(_("what eRating is (BM)"))
    about_en = models.TextField(_("what eRating is (EN)"), blank=True)
    join_ms = models.TextField(_("how an agency joins (BM)"))
    join_en = models.TextField(_("how an agency joins (EN)"), blank=True)
    contact_unit_ms = models.CharField(_("team or unit (BM)"), max_length=200)
    contact_unit_en = models.CharField(_("team or unit (EN)"), max_length=200, blank=True)
    contact_address = models.TextField(_("address"))
    contact_phone = models.CharField(_("telephone"), max_length=120)
    contact_email = models.EmailField(_("e-mail"))
    contact_hours_ms = models.CharField(_("office hours (BM)"), max_length=200, blank=True)
    contact_hours_en = models.CharField(_("office hours (EN)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal texts and contact details")
        verbose_name_plural = _("portal texts and contact details")

    def __str__(self):
        return str(_("portal texts and contact details"))

    def save(self, *args, **kwargs):
        self.pk = 1
        for field in self.RICH_FIELDS:
            setattr(self, field, sanitise(getattr(self, field)))
        super().save(*args, **kwargs)

    tagline = property(lambda self: pick(self.tagline_ms, self.tagline_en))
    about = property(lambda self: pick(self.about_ms, self.about_en))
    join = property(lambda self: pick(self.join_ms, self.join_en))
    contact_unit = property(lambda self: pick(self.contact_unit_ms, self.contact_unit_en))
    contact_hours = property(lambda self: pick(self.contact_hours_ms, self.contact_hours_en))
