from django.urls import path

from erating.portal import views, views_apply
from erating.portal.pages import LANGS, PAGES, url_name

app_name = "portal"
urlpatterns = [
    path("apply/", views_apply.apply, name="apply"),
    path("apply/sent/", views_apply.apply_done, name="apply_done"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("portal-files/<path:name>", views.portal_file, name="file"),
]
for _page, _paths in PAGES.items():
    for _lang, _path in zip(LANGS, _paths, strict=True):
        urlpatterns.append(path(_path, getattr(views, _page), {"lang": _lang}, name=url_name(_page, _lang)))
