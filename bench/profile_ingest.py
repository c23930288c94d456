"""The rating route's own cost per request, single-threaded, against the bare view in the same run.

    python -m bench.profile_ingest [requests per round]     (default 500)

No HTTP server: each request goes through the production WSGI handler of `/api/` (erating/wsgi.py,
the short middleware chain) built from a RequestFactory environ, on PostgreSQL (database
`erating_bench_profile` on BENCH_PG, recreated). Six rounds alternate the route
(`POST /api/v1/ratings`) and the bare view (`/api/bench-baseline`, bench/ingest_urls.py); then
cProfile over one more round of the route, sorted by own time. Prints ms per request per round,
the medians and their ratio (bare / route: ≥ 0.8 is the target of bench.ingest)."""
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "erating_bench_profile"


def child(n):
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.client import RequestFactory
    from django_scopes import scopes_disabled

    from erating.base.models import Agency, Device, Ministry, Premise, Target
    from erating.base.models.devices import hash_token
    from erating.base.models.settings import DEFAULT_CAPTIONS, ScoreCaption

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        agency = Agency.objects.create(ministry=Ministry.objects.create(code="prof", name_ms="K"), code="prof0",
                                       name_ms="A")
        for score, (ms, en) in DEFAULT_CAPTIONS.items():
            ScoreCaption.objects.create(agency=agency, score=score, caption_ms=ms, caption_en=en)
        premise = Premise.objects.create(agency=agency, code="p0", name="P", state="SGR")
        Target.objects.bulk_create([Target(agency=agency, premise=premise, kind=Target.COUNTER, name=f"K{k}")
                                    for k in range(100)])
        token = Device.new_token()
        Device.objects.create(agency=agency, premise=premise, name="prof", token_hash=hash_token(token))
        codes = list(Target.objects.filter(agency=agency).values_list("code", flat=True))

    from erating.wsgi import api

    factory = RequestFactory()

    def call(path):
        body = json.dumps({"id": str(uuid.uuid4()), "target": random.choice(codes), "score": random.randint(1, 5),
                           "comment": "ok", "client_time": "2026-12-05T10:00:00+08:00"})
        environ = factory.post(path, data=body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}").environ
        status = []
        b"".join(api(environ, lambda s, _h: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")

    def timed(path):
        started = time.perf_counter()
        for _ in range(n):
            call(path)
        return (time.perf_counter() - started) / n * 1000

    for path in ("/api/v1/ratings", "/api/bench-baseline"):
        for _ in range(200):  # warm: connections, caches, prepared statements
            call(path)
    route, bare = [], []
    for _ in range(6):
        route.append(timed("/api/v1/ratings"))
        bare.append(timed("/api/bench-baseline"))
    print("route ms/request", [round(x, 3) for x in route])
    print("bare  ms/request", [round(x, 3) for x in bare])
    print(f"median route {statistics.median(route):.3f} ms, bare {statistics.median(bare):.3f} ms, "
          f"ratio (bare/route) {statistics.median(bare) / statistics.median(route):.2f}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        call("/api/v1/ratings")
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
    print(out.getvalue())


def run(n=500):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    env = {k: v for k, v in os.environ.items() if k not in ("ERATING_TESTING", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "bench.ingest_settings", "DATABASE_URL": f"{PG}/{DB_NAME}",
                "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "SECURE": "0", "ALLOWED_HOSTS": "testserver",
                "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)})
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    try:
        subprocess.run([sys.executable, "-W", "ignore", "-m", "bench.profile_ingest", "--child", str(n)], cwd=ROOT,
                       env=env, check=True)
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
