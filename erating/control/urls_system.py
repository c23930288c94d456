from django.urls import path

from .views import applications, audit, portal_content, system, view_as

urlpatterns = [
    path("system/ministries/", system.ministry_list, name="ministry_list"),
    path("system/ministries/new/", system.ministry_create, name="ministry_create"),
    path("system/ministries/<int:ministry_id>/", system.ministry_edit, name="ministry_edit"),
    path("system/agencies/", system.agency_list, name="agency_list"),
    path("system/agencies/new/", system.agency_create, name="agency_create"),
    path("system/agencies/<int:agency_id>/", system.agency_edit, name="agency_edit"),
    path("system/agencies/<int:agency_id>/suspend/", system.agency_suspend, name="agency_suspend"),
    path("system/agencies/<int:agency_id>/reactivate/", system.agency_reactivate, name="agency_reactivate"),
    path("system/agencies/<int:agency_id>/view-as/", view_as.view_as_start, name="view_as_start"),
    path("system/view-as/stop/", view_as.view_as_stop, name="view_as_stop"),
    path("system/applications/", applications.application_list, name="application_list"),
    path("system/applications/<int:application_id>/", applications.application_detail, name="application_detail"),
    path("system/applications/<int:application_id>/approve/", applications.application_approve,
         name="application_approve"),
    path("system/applications/<int:application_id>/reject/", applications.application_reject,
         name="application_reject"),
    path("system/portal/", portal_content.portal_index, name="portal_index"),
    path("system/portal/texts/", portal_content.portal_texts, name="portal_texts"),
    path("system/portal/<slug:kind>/", portal_content.portal_list, name="portal_list"),
    path("system/portal/<slug:kind>/new/", portal_content.portal_edit, name="portal_create"),
    path("system/portal/<slug:kind>/<int:item_id>/", portal_content.portal_edit, name="portal_edit"),
    path("system/portal/<slug:kind>/<int:item_id>/preview/", portal_content.portal_preview, name="portal_preview"),
    path("system/portal/<slug:kind>/<int:item_id>/publish/", portal_content.portal_publish, name="portal_publish"),
    path("system/portal/<slug:kind>/<int:item_id>/delete/", portal_content.portal_delete, name="portal_delete"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
