"""Audit log browsing ("Log Pengguna") and its CSV export, within the viewer's scope: the
AuditEntry manager is scoped by agency, so an agency administrator only ever gets their own."""
import csv
import json
from datetime import datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from erating.base.auditlog import ACTIONS, OBJECT_TYPES, describe_entries
from erating.base.auditlog.log import log_action
from erating.base.models import Agency, AuditEntry
from erating.control.permissions import MANAGERS, role_required


def _sorted_choices(labels):
    return sorted(((code, str(label)) for code, label in labels.items()), key=lambda c: c[1].lower())


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("User (e-mail)"), required=False, max_length=254)
    # Choices are the codes stored, labelled in the page language (built per form: lazy labels sort
    # by the language active when the page is drawn).
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All"))] + _sorted_choices(ACTIONS)
        self.fields["object_type"].choices = [("", _("All"))] + _sorted_choices(OBJECT_TYPES)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return data


def filtered_entries(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("agency")
    if form.is_valid():
        data, tz = form.cleaned_data, timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tz))
        if data["date_to"]:
            entries = entries.filter(created_at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, tz))
        if data["user"]:
            entries = entries.filter(user_label__icontains=data["user"].strip())
        if data["action"]:
            entries = entries.filter(action=data["action"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
    elif form.is_bound:
        entries = entries.none()
    return form, entries


@role_required(*MANAGERS)
def audit_list(request):
    form, entries = filtered_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "control/audit/list.html", {
        "form": form, "page": page, "rows": describe_entries(page.object_list, request.user),
        "query": query.urlencode(), "nav": "audit"})


class _Echo:
    def write(self, value):
        return value


def _rows(entries, viewer):
    # The machine-readable columns first (scripts rely on their order), then the readable ones
    # in the language of the page the export was asked from.
    yield ["time", "agency", "user", "action", "object_type", "object_id", "object", "changes", "ip",
           str(_("Action")), str(_("Object type")), str(_("Changes"))]
    chunk = []
    for e in entries.iterator(chunk_size=500):
        chunk.append(e)
        if len(chunk) == 500:
            yield from _chunk_rows(chunk, viewer)
            chunk = []
    yield from _chunk_rows(chunk, viewer)


def _streamed(request, entries):
    # The rows are produced after the view returns, outside the request's scope and language:
    # re-enter both, or the name look-ups fail and the labels fall back to the default language.
    dimensions, language = dict(request.scope), translation.get_language()

    def rows():
        with scope(**dimensions), translation.override(language):
            yield from _rows(entries, request.user)

    return rows()


def _chunk_rows(chunk, viewer):
    for row in describe_entries(chunk, viewer):
        e = row.entry
        yield [timezone.localtime(e.created_at).isoformat(timespec="seconds"), e.agency.code if e.agency else "",
               e.user_label, e.action, e.object_type, e.object_id, e.object_label,
               _json(e.changes), e.ip or "", row.action_label, row.type_label, row.changes_text]


def _json(value):
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True) if value else ""


def _safe(cell):
    # Spreadsheet formula injection: a cell starting with = + - @ is neutralised.
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@role_required(*MANAGERS)
def audit_export(request):
    form, entries = filtered_entries(request)
    filters = {k: v for k, v in request.GET.items() if v and k != "page"}
    log_action("export", request=request, agency=_own_agency(request),
               changes={"format": [None, "audit csv"], "filters": [None, filters]})
    writer = csv.writer(_Echo())
    rows = (writer.writerow([_safe(c) for c in row]) for row in _streamed(request, entries))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="log-pengguna.csv"'
    return response


def _own_agency(request):
    # The export is recorded against the agency whose log was read (so that agency sees it too).
    agency_id = request.scope.get("agency")
    return Agency.objects.filter(pk=agency_id).first() if agency_id else None
