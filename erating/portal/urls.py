from django.urls import path

from . import views, views_apply

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/", views_apply.apply, name="apply"),
    path("apply/sent/", views_apply.apply_done, name="apply_done"),
]
