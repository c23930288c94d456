"""Agency administration: premises, targets, staff, bulk import, rating-form settings."""
from django.urls import path

from erating.control.views import form_settings, imports, officers, premises, targets

urlpatterns = [
    path("premises/new/", premises.premise_create, name="premise_create"),
    path("premises/<int:premise_id>/edit/", premises.premise_edit, name="premise_edit"),
    path("premises/<int:premise_id>/active/", premises.premise_toggle, name="premise_toggle"),
    path("targets/", targets.target_list, name="target_list"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:target_id>/", targets.target_detail, name="target_detail"),
    path("targets/<int:target_id>/edit/", targets.target_edit, name="target_edit"),
    path("targets/<int:target_id>/active/", targets.target_toggle, name="target_toggle"),
    path("staff/", officers.officer_list, name="officer_list"),
    path("staff/new/", officers.officer_create, name="officer_create"),
    path("staff/resend-pending/", officers.officer_resend_pending, name="officer_resend_pending"),
    path("staff/<int:user_id>/", officers.officer_detail, name="officer_detail"),
    path("staff/<int:user_id>/edit/", officers.officer_edit, name="officer_edit"),
    path("staff/<int:user_id>/active/", officers.officer_toggle, name="officer_toggle"),
    path("staff/<int:user_id>/invite/", officers.officer_resend, name="officer_resend"),
    path("staff/<int:user_id>/reset/", officers.officer_reset, name="officer_reset"),
    path("staff/<int:user_id>/pin/", officers.officer_pin, name="officer_pin"),
    path("staff/<int:user_id>/counters/", officers.officer_counters, name="officer_counters"),
    path("import/", imports.import_index, name="import_index"),
    path("import/<slug:kind>/", imports.import_upload, name="import_upload"),
    path("import/<slug:kind>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.<slug:fmt>", imports.import_template, name="import_template"),
    path("settings/form/", form_settings.form_settings, name="form_settings"),
    path("settings/form/reasons/", form_settings.form_reasons, name="form_reasons"),
    path("settings/form/logo/", form_settings.form_logo, name="form_logo"),
]
