"""Saving, publishing and deleting portal content, each change audited with a field-level diff."""
from django.db import transaction
from django.forms.models import model_to_dict

from erating.base.auditlog.log import diff, log_action
from erating.base.portal_content import figures


def snapshot(obj, fields):
    data = model_to_dict(obj, fields=fields) if obj.pk else {}
    # The audit log stores JSON: files by name, dates as ISO text.
    return {k: (v.name if hasattr(v, "name") else v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in data.items()}


@transaction.atomic
def save(form, *, request, fields):
    instance = form.instance
    creating = instance._state.adding
    before = snapshot(type(instance).objects.get(pk=instance.pk), fields) if not creating else {}
    obj = form.save()
    log_action("portal.create" if creating else "portal.update", request=request, obj=obj,
               changes=diff(before, snapshot(obj, fields)))
    return obj


@transaction.atomic
def set_published(obj, published, *, request):
    if obj.published == published:
        return obj
    obj.published = published
    obj.save(update_fields=["published", "updated_at"])
    log_action("portal.publish" if published else "portal.unpublish", request=request, obj=obj,
               changes={"published": [not published, published]})
    return obj


@transaction.atomic
def delete(obj, *, request, fields):
    log_action("portal.delete", request=request, obj=obj, changes=diff(snapshot(obj, fields), {}))
    for name in ("file", "image", "poster"):
        field = getattr(obj, name, None)
        if field:
            field.delete(save=False)
    obj.delete()


def set_agency_named(agency, named, *, request):
    """The agency's choice to be named (or not) in the public results."""
    if agency.public_results_named == named:
        return agency
    agency.public_results_named = named
    agency.save(update_fields=["public_results_named"])
    log_action("update", request=request, obj=agency,
               changes={"public_results_named": [not named, named]})
    figures.forget()
    return agency
