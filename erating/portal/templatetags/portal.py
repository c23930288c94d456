from django import template
from django.urls import reverse

from erating.portal.pages import page_url

register = template.Library()


@register.filter
def file_url(field):
    """Portal uploads are served by our own view (videos included: no third-party players)."""
    return reverse("portal:file", kwargs={"name": field.name}) if field else ""


@register.simple_tag(takes_context=True)
def purl(context, page, **kwargs):
    """The address of a portal page in the language being rendered."""
    from django.utils.translation import get_language

    return page_url(page, "en" if (get_language() or "ms").startswith("en") else "ms", **kwargs)


@register.filter
def file_ext(name):
    return (name or "").rsplit(".", 1)[-1].upper()[:4]


@register.filter
def pct(value):
    """A percentage with one decimal in the page's language (91.5 / 91,5), rounded half up."""
    from erating.base.numbers import text

    return text(value, 1)


@register.filter
def bilingual(row, field="name"):
    from erating.base.models.bilingual import pick

    return pick(row.get(f"{field}_ms"), row.get(f"{field}_en"))


@register.simple_tag(takes_context=True)
def page_updated(context):
    """The "last updated" date of the portal page being rendered (None on pages outside the portal's list)."""
    from erating.base.portal_content.site import last_updated

    request = context.get("request")
    page = getattr(request, "portal_page", None)
    if page is None or context.get("preview"):
        return None
    return last_updated(page, article=context.get("article") if page == "article" else None,
                        premise=context.get("premise") if page == "premise_results" else None)
