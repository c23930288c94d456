from django.urls import path
from ninja import NinjaAPI

from erating.api import bodies, devices, ratings, reports

api = NinjaAPI(title="eRating API", version="1", urls_namespace="api",
               description="Rating ingest for kiosks and integrations; read-only report data for agencies' own systems.")
api.add_router("/", ratings.router)
api.add_router("/", devices.router)
api.add_router("/", reports.router)
bodies.register(api)

urlpatterns = [path("", api.urls)]
