"""Benchmark: the figures engine over HTTP (issue 21).

Loads `manage.py demo_data --ratings N` into the database erating_bench_engine (kept between runs
with the same N; BENCH_ENGINE_FRESH=1 reloads), serves the app with the production server
(granian, 2 workers) and draws criteria at random with a printed seed: roles (agency
administrator, supervisor, system administrator), presets and custom ranges up to a year,
premise, target, officer, channel, scores, flagged. For each draw it times, over HTTP:
  - every Analysis request (summary, trend, heatmap, reasons, rankings, comments sections),
  - every aggregate report as CSV rows (summary, by agency, by month, per officer, charter,
    complaint feedback, cross-agency for the system administrator),
and, in the same run, each one's raw GROUP BY over the ratings for the same criteria (what the
reports ran before the engine). Prints p50 / p95 per request kind beside its raw query, and the
machine load. Targets (at 10M, see the issue): Analysis p95 <= 100 ms, report rows <= 1 s, each
>= 10x its raw query (or < 20 ms where the raw query is under 5 ms).

    .venv/bin/python -m bench.engine --ratings 200000      Env: BENCH_PG, BENCH_ENGINE_SEED,
                                                            BENCH_ENGINE_DRAWS (default 40)
Do not run it at 10M on a shared machine.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "erating_bench_engine"
SEED = int(os.environ.get("BENCH_ENGINE_SEED", str(random.randrange(10**6))))
DRAWS = int(os.environ.get("BENCH_ENGINE_DRAWS", "40"))
SECTIONS = ["summary", "trend", "heatmap", "reasons", "rankings", "comments"]
REPORTS = ["summary", "by-agency", "by-month", "officers", "charter", "followup", "cross-agency"]
CSRF = "b" * 32  # a fixed CSRF secret, sent as cookie and header


def env(port=None):
    e = dict(os.environ, DJANGO_SETTINGS_MODULE="erating.settings", DATABASE_URL=f"{PG}/{DB}", DEBUG="0",
             SECRET_KEY="bench-" + "x" * 50, SECURE="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR",
             DB_CONN_MAX_AGE="600", PYTHONPATH=str(ROOT))
    e.pop("ERATING_TESTING", None)
    e.pop("REDIS_URL", None)
    return e


def prepare(ratings):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and os.environ.get("BENCH_ENGINE_FRESH") == "1":
            conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB}")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)
    # The production settings serve hashed static names (error pages included): they need the manifest.
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env(), check=True)
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM base_rating").fetchone()[0]
    if have != ratings:
        if have:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {DB}")
            subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)
        started = time.perf_counter()
        subprocess.run([PY, "manage.py", "demo_data", "--ratings", str(ratings), "-v0"], cwd=ROOT, env=env(),
                       check=True, stdout=subprocess.DEVNULL)
        return {"load_seconds": round(time.perf_counter() - started, 1)}
    return {"load_seconds": None}


def _draw(rng, who, units, today):
    q = {}
    if rng.random() < 0.5:
        q["period"] = rng.choice(["7d", "30d", "month", "last_month", "quarter", "year"])
    else:
        days = rng.randint(1, 365)
        end = today - timedelta(days=rng.randint(0, 30))
        q.update(period="custom", start=(end - timedelta(days=days - 1)).isoformat(), end=end.isoformat())
    if who != "sysadmin":
        roll = rng.random()
        if roll < 0.2 and units["premises"]:
            q["premise"] = rng.choice(units["premises"])
        elif roll < 0.3 and units["targets"]:
            q["premise"], q["target"] = rng.choice(units["targets"])
        elif roll < 0.4 and units["officers"]:
            q["officer"] = rng.choice(units["officers"])
    if rng.random() < 0.3:
        q["channel"] = rng.choice(["qr", "tablet"])
    if rng.random() < 0.2:
        q["score_min"], q["score_max"] = rng.choice([(1, 2), (1, 3), (4, 5)])
    if rng.random() < 0.2:
        q["flagged"] = "1"
    return q


RAW_GROUPS = {
    # request kind: fields of the raw GROUP BY the figures used to come from
    "summary": ["score"], "trend": ["created_at__date"], "heatmap": ["created_at__week_day", "created_at__hour"],
    "reasons": ["score"], "rankings": ["premise_id", "target_id", "officer_id"], "comments": None,
    "r:summary": ["target_id", "premise_id", "score"], "r:by-agency": ["premise_id", "score"],
    "r:by-month": ["premise_id", "created_at__month"], "r:officers": ["officer_id", "score"],
    "r:charter": ["premise_id", "target_id", "score"], "r:followup": ["premise_id", "reasons"],
    "r:cross-agency": ["agency__ministry_id", "agency_id", "score"],
}


def child():
    """In a process with the bench database: sessions, the random draws and the raw timings."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.db.models import Count
    from django.http import QueryDict
    from django.utils import timezone
    from django_scopes import scope, scopes_disabled

    from erating.base.analysis import criteria as cr
    from erating.base.models import Agency, Rating, Target, User
    from erating.base.scoping import dimensions_for

    rng = random.Random(SEED)
    with scopes_disabled():
        agency = Agency.objects.annotate(n=Count("premises")).order_by("-n").first()
        users = {"admin": User.objects.filter(role=User.AGENCY_ADMIN, agency=agency).first(),
                 "supervisor": User.objects.filter(role=User.SUPERVISOR, agency=agency).first(),
                 "sysadmin": User.objects.filter(role=User.SYSTEM_ADMIN).first()}
        users = {k: u for k, u in users.items() if u is not None}
        ratings = Rating.objects.count()
    cookies, units = {}, {}
    for who, user in users.items():
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        cookies[who] = s.session_key
        dims = dimensions_for(user)
        with scope(**dims):
            targets = list(Target.objects.exclude(premise=None).values_list("premise_id", "id")[:200])
            units[who] = {"premises": sorted({p for p, _t in targets}), "targets": targets,
                          "officers": list(Rating.objects.exclude(officer=None).order_by()
                                           .values_list("officer_id", flat=True).distinct()[:50])}
    today = timezone.localdate()
    draws, raw = [], {}
    for _ in range(DRAWS):
        who = rng.choice(sorted(users))
        q = _draw(rng, who, units[who], today)
        user = users[who]
        try:
            with scope(**dimensions_for(user)):
                c = cr.parse(QueryDict(mutable=True) | q, user=user)
        except Exception:  # noqa: BLE001 - a draw outside the user's scope is skipped, as a 404 would be
            continue
        draws.append((who, q))
        with scope(**dimensions_for(user)):
            for kind, group in RAW_GROUPS.items():
                if kind == "r:cross-agency" and who != "sysadmin":
                    continue
                qs = cr.ratings(c).order_by()
                qs = qs.values(*group).annotate(n=Count("id")) if group else qs.exclude(comment="").order_by(
                    "-created_at").values("id", "comment")[:10]
                sql, params = qs.query.sql_with_params()
                t0 = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                raw.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"cookies": cookies, "draws": draws, "raw": raw, "ratings": ratings}))


def _get(url, cookie, data=None):
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF,
               "Referer": "http://127.0.0.1/"}
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers)
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as resp:
        resp.read()
        assert resp.status == 200, (url, resp.status)
    return (time.perf_counter() - t0) * 1000


def _p(values, q):
    values = sorted(values)
    return values[int(q * (len(values) - 1))] if values else None


def run(ratings=200_000):
    print(f"engine: seed {SEED}, {ratings:,} ratings in {DB}", flush=True)
    result = {"seed": SEED, **prepare(ratings)}
    proc = subprocess.run([PY, "-m", "bench.engine", "--child"], cwd=ROOT, env=env(), capture_output=True,
                          text=True, check=True)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    port = 8960
    server = subprocess.Popen([str(Path(PY).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "2", "--blocking-threads", "4", "--no-ws",
                               "--log-level", "warning", "erating.wsgi:application"], cwd=ROOT, env=env(port))
    times = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        base = f"http://127.0.0.1:{port}/control"
        for i, (who, q) in enumerate(data["draws"]):
            cookie = data["cookies"][who]
            for part in SECTIONS:
                ms = _get(f"{base}/analysis/{part}/?" + urllib.parse.urlencode(q), cookie)
                if i >= 2:  # the first draws warm each worker's connection and caches
                    times.setdefault(part, []).append(ms)
            for report in REPORTS:
                if report == "cross-agency" and who != "sysadmin":
                    continue
                form = {**q, "report": report, "fmt": "csv", "language": "ms", "csrfmiddlewaretoken": CSRF}
                form.setdefault("score_min", 1)
                form.setdefault("score_max", 5)
                ms = _get(f"{base}/reports/run/", cookie, form)
                if i >= 2:
                    times.setdefault(f"r:{report}", []).append(ms)
    finally:
        server.terminate()
        server.wait()
    rows = {}
    for kind, values in times.items():
        raw = data["raw"].get(kind, [])
        p50, p95 = statistics.median(values), _p(values, 0.95)
        raw50 = statistics.median(raw) if raw else None
        rows[kind] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "raw_p50_ms": raw50 and round(raw50, 1),
                      "raw_p95_ms": raw and round(_p(raw, 0.95), 1), "speedup_p50": raw50 and round(raw50 / p50, 1),
                      "n": len(values)}
        print(f"  {kind:16s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   raw GROUP BY p50 "
              f"{raw50 or 0:7.1f} ms  ({rows[kind]['speedup_p50']}x)", flush=True)
    result.update(ratings=data["ratings"], requests=rows, load=os.getloadavg())
    print(f"  load {os.getloadavg()}", flush=True)
    return result


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        parser = argparse.ArgumentParser()
        parser.add_argument("--ratings", type=int, default=200_000)
        print(json.dumps(run(parser.parse_args().ratings), default=str))
