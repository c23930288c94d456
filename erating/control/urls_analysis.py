from django.urls import path

from erating.control.views import analysis, themes

urlpatterns = [
    path("analysis/", analysis.dashboard, name="analysis"),
    path("analysis/stamp/", analysis.stamp, name="analysis_stamp"),
    # The agency filter's choices for a ministry (system administrators; no tenant data, no criteria).
    path("filters/agencies/", analysis.agency_options, name="filter_agency_choices"),
    path("analysis/themes/<slug:theme_code>/", analysis.theme_comments, name="analysis_theme_comments"),
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/<int:theme_id>/", themes.theme_edit, name="theme_edit"),
] + [path(f"analysis/{part}/", analysis.section, {"part": part}, name=f"analysis_{part}")
     for part in analysis.SECTIONS]
