"""Changing the taxonomy: the system administrator's national themes and an agency's own phrases,
validated once here for the back office (and any other caller), audited, and re-applied to the
stored comments in the background (a ThemeRebuild row carries the progress).

    parse_phrases(text) -> [phrase]        one per line; raises ValidationError with a clear message
    save_national(theme, data, request)    name_ms, name_en, active, phrases {language: [..]}
    save_agency(agency, theme, phrases, request)
    latest_job(agency)                     the newest re-application (national for None)
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from erating.base.analysis import themes
from erating.base.analysis.aggregates import MYT
from erating.base.auditlog.log import log_action
from erating.base.models import AgencyThemePhrases, Rating, ThemeRebuild
from erating.base.themes.taxonomy import LANGUAGES

MAX_PHRASES = 200
MAX_LENGTH = 60


def parse_phrases(text):
    """One phrase a line, blank lines ignored, duplicates dropped in order."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    phrases = list(dict.fromkeys(line for line in lines if line))
    if len(phrases) > MAX_PHRASES:
        raise ValidationError(_("At most %(n)s phrases per language.") % {"n": MAX_PHRASES})
    for phrase in phrases:
        if len(phrase) > MAX_LENGTH:
            raise ValidationError(_("A phrase may have at most %(n)s characters: %(phrase)s")
                                  % {"n": MAX_LENGTH, "phrase": phrase[:MAX_LENGTH] + "…"})
        if phrase == "=" or not phrase.lstrip("="):
            raise ValidationError(_("“=” must be followed by the word to compare as written."))
    return phrases


def save_national(theme, data, request):
    before = {"name_ms": theme.name_ms, "name_en": theme.name_en, "active": theme.active, "phrases": theme.phrases}
    for field in ("name_ms", "name_en", "active"):
        setattr(theme, field, data[field])
    theme.phrases = {lang: data["phrases"].get(lang, []) for lang in LANGUAGES}
    after = {"name_ms": theme.name_ms, "name_en": theme.name_en, "active": theme.active, "phrases": theme.phrases}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return None
    with transaction.atomic():
        theme.save()
        log_action("theme.update", request=request, obj=theme, changes=changes)
        return _start(None, request.user)


def save_agency(agency, theme, phrases, request):
    own, _created = AgencyThemePhrases.objects.get_or_create(agency=agency, theme=theme)
    new = {lang: phrases.get(lang, []) for lang in LANGUAGES}
    if own.phrases == new:
        return None
    with transaction.atomic():
        changes = {"phrases": [own.phrases, new]}
        own.phrases = new
        own.save()
        log_action("theme.phrases", request=request, agency=agency, obj=own, changes=changes)
        return _start(agency, request.user)


def _start(agency, user):
    job = ThemeRebuild.objects.create(agency=agency, requested_by=user)
    job_id = job.pk
    transaction.on_commit(lambda: reapply.enqueue(job_id))
    return job


def latest_job(agency):
    with scopes_disabled():
        return ThemeRebuild.objects.filter(agency=agency).first()


@task
def reapply(job_id):
    """Re-apply the taxonomy to every stored comment of the job's agency (or of all agencies)."""
    with scopes_disabled():
        job = ThemeRebuild.objects.get(pk=job_id)
        ratings = Rating._base_manager.exclude(comment="")
        if job.agency_id:
            ratings = ratings.filter(agency_id=job.agency_id)
        first = ratings.order_by("created_at").values_list("created_at", flat=True).first()
        last = ratings.order_by("-created_at").values_list("created_at", flat=True).first()
        if first is None:
            start = end = date.today()
        else:
            start, end = first.astimezone(MYT).date(), last.astimezone(MYT).date()
        try:
            themes.rebuild(start, end, job.agency_id, job)
        except Exception as exc:
            job.error = str(exc)[:500]
            job.save(update_fields=["error"])
            raise
