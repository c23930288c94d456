from django.urls import path

from erating.control.views import alerts, followup, followup_settings, wedid

urlpatterns = [
    path("followup/", followup.inbox, name="followup_inbox"),
    path("followup/ratings/<int:rating_id>/open/", followup.case_open, name="case_open"),
    path("followup/cases/<int:case_id>/", followup.case_detail, name="case_detail"),
    path("followup/cases/<int:case_id>/status/", followup.case_status, name="case_status"),
    path("followup/cases/<int:case_id>/assign/", followup.case_assign, name="case_assign"),
    path("followup/cases/<int:case_id>/note/", followup.case_note, name="case_note"),
    path("followup/cases/<int:case_id>/reply/", followup.case_reply, name="case_reply"),
    path("followup/cases/<int:case_id>/call/", followup.case_call, name="case_call"),
    path("followup/we-did/", wedid.we_did_list, name="we_did_list"),
    path("followup/we-did/<int:line_id>/", wedid.we_did_review, name="we_did_review"),
    path("followup/settings/", followup_settings.followup_settings, name="followup_settings"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/comment/", alerts.alert_comment, name="alert_comment"),
]
