"""System administrator: the public portal's news, FAQ, gallery, downloads, policy pages and texts. Thin views
over erating.base.portal_content.editing; preview renders the public template itself."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erating.base.models import Download, FaqEntry, GalleryItem, NewsArticle, PolicyPage, PortalText
from erating.base.portal_content import editing
from erating.base.portal_content.site import portal_text
from erating.control import forms_portal
from erating.control.views.system import system_admin_view

KINDS = {
    "news": (NewsArticle, forms_portal.NewsForm, gettext_lazy("News"), "portal/article.html"),
    "faq": (FaqEntry, forms_portal.FaqForm, gettext_lazy("Frequently asked questions"), "portal/faq.html"),
    "gallery": (GalleryItem, forms_portal.GalleryForm, gettext_lazy("Gallery"), "portal/gallery.html"),
    "downloads": (Download, forms_portal.DownloadForm, gettext_lazy("Downloads"), "portal/downloads.html"),
    "policies": (PolicyPage, forms_portal.PolicyForm, gettext_lazy("Policy pages"), "portal/policy.html"),
}


def _kind(kind):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@system_admin_view
def portal_index(request):
    sections = [{"kind": k, "label": label, "total": model.objects.count(),
                 "published": model.objects.published().count()}
                for k, (model, _form, label, _t) in KINDS.items()]
    return render(request, "control/portal/index.html", {"sections": sections, "nav": "portal"})


@system_admin_view
def portal_list(request, kind):
    model, _form, label, _t = _kind(kind)
    return render(request, "control/portal/list.html", {
        "kind": kind, "label": label, "items": model.objects.all(), "nav": "portal"})


@system_admin_view
def portal_edit(request, kind, item_id=None):
    model, form_class, label, _t = _kind(kind)
    instance = get_object_or_404(model, pk=item_id) if item_id else model()
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = editing.save(form, request=request, fields=form_class.Meta.fields)
        messages.success(request, _("Saved. It is not on the portal until it is published.") if not obj.published
                         else _("Saved; the change is on the portal."))
        return redirect("control:portal_edit", kind=kind, item_id=obj.pk)
    return render(request, "control/portal/form.html", {
        "kind": kind, "label": label, "form": form, "object": instance, "nav": "portal"})


@system_admin_view
@require_POST
def portal_publish(request, kind, item_id):
    model, _form, _label, _t = _kind(kind)
    obj = get_object_or_404(model, pk=item_id)
    publish = request.POST.get("published") == "1"
    editing.set_published(obj, publish, request=request)
    messages.success(request, _("Published.") if publish else _("Taken off the portal."))
    return redirect("control:portal_edit", kind=kind, item_id=obj.pk)


@system_admin_view
@require_POST
def portal_delete(request, kind, item_id):
    model, form_class, _label, _t = _kind(kind)
    editing.delete(get_object_or_404(model, pk=item_id), request=request, fields=form_class.Meta.fields)
    messages.success(request, _("Deleted."))
    return redirect("control:portal_list", kind=kind)


@system_admin_view
def portal_preview(request, kind, item_id):
    """The public page as it will look, published or not, in the language asked for."""
    model, _form, _label, template = _kind(kind)
    obj = get_object_or_404(model, pk=item_id)
    lang = "en" if request.GET.get("lang") == "en" else "ms"
    context = {"preview": True, "article": obj, "entries": [obj], "items": [obj], "downloads": [obj],
               "manuals": [], "policy": obj}
    with translation.override(lang):
        request.portal_alternates = {}
        response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex"
    return response


@system_admin_view
def portal_texts(request):
    instance = PortalText.objects.filter(pk=1).first() or portal_text()
    form = forms_portal.PortalTextForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        editing.save(form, request=request, fields=forms_portal.PortalTextForm.Meta.fields)
        messages.success(request, _("Saved; the change is on the portal."))
        return redirect("control:portal_texts")
    return render(request, "control/portal/texts.html", {"form": form, "nav": "portal"})
