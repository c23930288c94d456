from django.contrib.auth import views as django_auth_views
from django.urls import path

from erating.control import (
    urls_admin,
    urls_analysis,
    urls_devices,
    urls_followup,
    urls_posters,
    urls_reports,
    urls_system,
)
from erating.control.views import auth, home, premises

app_name = "control"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", django_auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("premises/", premises.premise_list, name="premise_list"),
    path("premises/<int:premise_id>/", premises.premise_detail, name="premise_detail"),
]
# Each area keeps its own url module so features grow without touching this file.
urlpatterns += urls_admin.urlpatterns + urls_posters.urlpatterns + urls_system.urlpatterns + urls_devices.urlpatterns
urlpatterns += urls_followup.urlpatterns
urlpatterns += urls_analysis.urlpatterns
urlpatterns += urls_reports.urlpatterns
