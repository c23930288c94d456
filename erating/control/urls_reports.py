from django.urls import path

from erating.control.views import api_tokens, report_schedules, reports

urlpatterns = [
    path("reports/", reports.report_index, name="report_index"),
    path("reports/run/", reports.report_run, name="report_run"),
    path("reports/mine/<int:report_file_id>/", reports.report_file, name="report_file"),
    path("reports/mine/<int:report_file_id>/download/", reports.report_file_download, name="report_file_download"),

    path("reports/schedules/", report_schedules.schedule_list, name="schedule_list"),
    path("reports/schedules/new/", report_schedules.schedule_edit, name="schedule_create"),
    path("reports/schedules/<int:schedule_id>/", report_schedules.schedule_edit, name="schedule_edit"),
    path("reports/schedules/<int:schedule_id>/toggle/", report_schedules.schedule_toggle, name="schedule_toggle"),
    path("reports/schedules/<int:schedule_id>/delete/", report_schedules.schedule_delete, name="schedule_delete"),
    path("reports/schedules/<int:schedule_id>/send-now/", report_schedules.schedule_send_now,
         name="schedule_send_now"),
    path("reports/shared/<str:token>/", report_schedules.report_shared, name="report_shared"),

    path("reports/api-tokens/", api_tokens.token_list, name="token_list"),
    path("reports/api-tokens/<int:token_id>/revoke/", api_tokens.token_revoke, name="token_revoke"),
    path("reports/settings/", api_tokens.report_settings, name="report_settings"),
]
