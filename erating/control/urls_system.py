from django.urls import path

from .views import applications, audit, system, system_admins, view_as

urlpatterns = [
    path("system/ministries/", system.ministry_list, name="ministry_list"),
    path("system/ministries/new/", system.ministry_create, name="ministry_create"),
    path("system/ministries/<int:ministry_id>/", system.ministry_edit, name="ministry_edit"),
    path("system/agencies/", system.agency_list, name="agency_list"),
    path("system/agencies/new/", system_admins.agency_create, name="agency_create"),
    path("system/agencies/<int:agency_id>/admins/", system_admins.agency_admins, name="agency_admins"),
    path("system/agencies/<int:agency_id>/admins/<int:user_id>/remove/", system_admins.agency_admin_remove,
         name="agency_admin_remove"),
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
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
