from django.urls import path

from .views import reports

urlpatterns = [
    path("reports/", reports.report_index, name="report_index"),
    path("reports/run/", reports.report_run, name="report_run"),
    path("reports/mine/<int:report_file_id>/", reports.report_file, name="report_file"),
    path("reports/mine/<int:report_file_id>/download/", reports.report_file_download, name="report_file_download"),
]
