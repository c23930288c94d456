"""What a customer sees when rating one target: names, smileys with the agency's captions,
follow-up reasons and the form switches. Shared by the QR page and the tablet kiosk so both
always show the same form.

    form_for(target, language="ms") -> dict  (plain data, JSON-serialisable)
    forms_for(target) -> {language: form} for every language a citizen may choose (the kiosk's)
"""
from django.utils import translation
from django.utils.translation import gettext as _

from erating.base.models import FollowUpReason, ScoreCaption, Target
from erating.base.models.bilingual import CITIZEN_LANGUAGES, citizen_language, django_code, pick
from erating.base.models.settings import DEFAULT_CAPTIONS, DEFAULT_CAPTIONS_ZH_TA, THREE_SMILEY_SCORES
from erating.base.scoping import agency_scope

COMMENT_MAX_LENGTH = 1000
FIVE_SMILEY_SCORES = (5, 4, 3, 2, 1)


def scores_for(form_size):
    """The stored scores a form offers, best first: a 3-smiley form stores 5, 3 and 1."""
    return THREE_SMILEY_SCORES if form_size == 3 else FIVE_SMILEY_SCORES


def target_label(target):
    """An officer is shown by name only (never the e-mail or id)."""
    if target.kind == Target.OFFICER and target.officer_id:
        return target.officer.full_name or target.display_name
    return target.display_name


def captions_for(agency_id, scores):
    """{score: caption} in the active language; an agency without its own caption for a score
    falls back to the national default so a form is never blank."""
    with agency_scope(agency_id):
        own = {c.score: c for c in ScoreCaption.objects.filter(agency_id=agency_id)}
    result = {}
    for score in scores:
        if score in own:
            result[score] = own[score].caption
        else:
            ms, en = DEFAULT_CAPTIONS[score]
            result[score] = pick(ms, en, *DEFAULT_CAPTIONS_ZH_TA[score])
    return result


def reasons_for(agency_id):
    with agency_scope(agency_id):
        return [{"id": r.id, "text": r.text}
                for r in FollowUpReason.objects.filter(agency_id=agency_id, active=True)]


def form_for(target, language=None):
    """The whole form for one target in `language` (one of CITIZEN_LANGUAGES or a Django code such as
    "zh-hans"; default: the active language)."""
    language = citizen_language(language if language else translation.get_language())
    agency, premise = target.agency, target.premise
    with translation.override(django_code(language)):
        scores = scores_for(agency.form_size)
        captions = captions_for(agency.id, scores)
        # In Chinese or Tamil the national text in that language reads better than the agency's BM one.
        own = (pick(agency.thank_you_ms, agency.thank_you_en) if language in ("ms", "en")
               else getattr(agency, f"thank_you_{language}"))
        thank_you = own or _("Thank you for your feedback. It helps us serve you better.")
        return {
            "language": language,
            "agency": {"id": agency.id, "name": agency.name, "logo": agency.logo.url if agency.logo else ""},
            "premise": {"id": premise.id, "name": premise.name},
            "target": {"id": target.id, "code": target.code, "kind": target.kind, "name": target_label(target),
                       "kind_label": str(target.get_kind_display())},
            "form_size": agency.form_size,
            "smileys": [{"score": s, "caption": captions[s], "face": face_for(s)} for s in scores],
            "reasons": reasons_for(agency.id),
            "reasons_max_score": agency.reasons_max_score,
            "comment_enabled": agency.comment_enabled,
            "comment_max_length": COMMENT_MAX_LENGTH,
            "contact_enabled": agency.contact_enabled,
            "thank_you": thank_you,
        }


def forms_for(target):
    return {lang: form_for(target, lang) for lang in CITIZEN_LANGUAGES}


# The mouth of each face as an SVG path on a 0..48 box: a smile for 5 down to a frown for 1.
MOUTHS = {
    5: "M14 28 Q24 40 34 28",
    4: "M15 30 Q24 36 33 30",
    3: "M15 32 L33 32",
    2: "M15 35 Q24 29 33 35",
    1: "M14 37 Q24 26 34 37",
}
COLOURS = {5: "#1a7f37", 4: "#4d8f1f", 3: "#9a6700", 2: "#bc4c00", 1: "#cf222e"}


def face_for(score):
    """Drawing data for a smiley; the kiosk and the QR page draw the same faces."""
    return {"mouth": MOUTHS[score], "colour": COLOURS[score]}
