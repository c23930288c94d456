from django.urls import path

from erating.control.views import posters, qr

urlpatterns = [
    path("targets/<int:target_id>/qr/", qr.target_qr, name="target_qr"),
    path("targets/<int:target_id>/qr.png", qr.target_qr_png, name="target_qr_png"),
    path("targets/<int:target_id>/qr.svg", qr.target_qr_svg, name="target_qr_svg"),
    path("targets/<int:target_id>/qr/regenerate/", qr.target_regenerate_code, name="target_regenerate_code"),
    path("targets/<int:target_id>/poster.pdf", posters.target_poster, name="target_poster"),
    path("premises/<int:premise_id>/posters.pdf", posters.premise_posters, name="premise_posters"),
    path("premises/<int:premise_id>/results-poster.pdf", posters.premise_results_poster, name="premise_results_poster"),
    path("results-posters.pdf", posters.agency_results_posters, name="agency_results_posters"),
    path("agencies/<int:agency_id>/results-posters.pdf", posters.agency_results_posters, name="agency_results_posters"),
    path("posters.pdf", posters.agency_posters, name="agency_posters"),
    path("agencies/<int:agency_id>/posters.pdf", posters.agency_posters, name="agency_posters"),
]
