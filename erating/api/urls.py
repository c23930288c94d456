from django.urls import path
from ninja import NinjaAPI

from . import bodies, devices, ratings

api = NinjaAPI(title="eRating API", version="1", urls_namespace="api",
               description="Rating ingest for kiosks and integrations.")
api.add_router("/", ratings.router)
api.add_router("/", devices.router)
bodies.register(api)

urlpatterns = [path("", api.urls)]
