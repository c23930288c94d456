"""The production URLs plus /api/bench-baseline (under /api/, so it gets the same middleware chain as the API): a bare view that parses the same JSON and does one
raw INSERT, the yardstick the ingest API is compared with."""
import json
import uuid

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from erating.urls import urlpatterns as production

BASELINE_SQL = """
INSERT INTO base_rating (agency_id, premise_id, target_id, score, channel, reasons, comment, contact_consent,
  contact_name, contact_phone, contact_email, created_at, idempotency_key, flagged, source)
SELECT t.agency_id, t.premise_id, t.id, %s, 'tablet', '[]', %s, false, '', '', '', now(), %s, false, 'baseline'
FROM base_target t WHERE t.code = %s
"""


@csrf_exempt
def baseline(request):
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [int(data["score"]), data.get("comment", ""), uuid.UUID(data["id"]),
                                      data["target"]])
        created = cursor.rowcount == 1
    return JsonResponse({"results": [{"id": data["id"], "status": "created" if created else "rejected",
                                      "errors": {}}]})


urlpatterns = [path("api/bench-baseline", baseline)] + production
