"""Benchmark: comment themes.

1. Quality: precision, recall and F1 per theme and language of the matcher with the national
   taxonomy on the labelled set (tests/data/themes_<language>.tsv, 100 comments a language);
   macro-F1 per language. Targets: >= 0.8 Malay and English, >= 0.7 Chinese and Tamil.
2. Speed at scale (PostgreSQL): copies the analysis benchmark's database (BENCH_THEMES_SOURCE,
   default erating_bench_analysis: run bench.analysis first) into erating_bench_themes, migrates it,
   reads every comment's themes (`manage.py rebuild_themes`, timed), then serves the app with the
   production server (granian) and times, over HTTP, the Analysis themes section for random criteria
   (printed seed: agency administrator or system administrator, presets and custom ranges up to a
   year, premise, channel, score range) beside the same figures computed by a raw GROUP BY over the
   theme links and ratings in the same run. Target: p95 <= 100 ms.

    .venv/bin/python -m bench bench.themes      Env: BENCH_PG, BENCH_THEMES_SOURCE, BENCH_THEMES_REQUESTS,
                                                BENCH_THEMES_SEED, BENCH_THEMES_REUSE=1 (keep the copy)
"""
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
SOURCE = os.environ.get("BENCH_THEMES_SOURCE", "erating_bench_analysis")
DB = "erating_bench_themes"
REQUESTS = int(os.environ.get("BENCH_THEMES_REQUESTS", "60"))
SEED = int(os.environ.get("BENCH_THEMES_SEED", str(random.randrange(10**6))))
LANGUAGES = ("ms", "en", "zh", "ta")


def quality():
    sys.path.insert(0, str(ROOT))
    from erating.base.themes import quality as q
    from erating.base.themes.matcher import Matcher
    from erating.base.themes.taxonomy import THEMES

    matcher = Matcher([(code, phrases) for code, _, _, phrases in THEMES])
    out = {}
    for lang in LANGUAGES:
        scores = q.evaluate(matcher, lang)
        out[lang] = {"macro_f1": round(scores["macro_f1"], 3),
                     "per_theme": {c: [round(v, 2) for v in vals[:3]] + [vals[3]]
                                   for c, vals in scores["per_theme"].items()}}
        print(f"  {lang}: macro-F1 {scores['macro_f1']:.3f}  " + "  ".join(
            f"{c} P{p:.2f}/R{r:.2f}" for c, (p, r, f, n) in scores["per_theme"].items()), flush=True)
    t0 = time.perf_counter()
    texts = [t for lang in LANGUAGES for t, _ in q.labelled(lang)] * 25
    for text in texts:
        matcher.match(text)
    out["match_us_per_comment"] = round((time.perf_counter() - t0) / len(texts) * 1e6, 1)
    print(f"  matching: {out['match_us_per_comment']} µs per comment", flush=True)
    return out


def env(port=None):
    e = dict(os.environ, DJANGO_SETTINGS_MODULE="erating.settings", DATABASE_URL=f"{PG}/{DB}", DEBUG="0",
             SECRET_KEY="bench-" + "x" * 50, SECURE="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR",
             DB_CONN_MAX_AGE="600", PYTHONPATH=str(ROOT))
    e.pop("ERATING_TESTING", None)
    e.pop("REDIS_URL", None)
    return e


def prepare():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SOURCE]).fetchone():
            return None
        if os.environ.get("BENCH_THEMES_REUSE") and conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            return {"copied": False}
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        for _ in range(30):
            try:
                conn.execute(f"CREATE DATABASE {DB} TEMPLATE {SOURCE}")
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(10)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", "rebuild_themes", "--start", "2000-01-01"], cwd=ROOT, env=env(), check=True)
    return {"copied": True, "rebuild_seconds": round(time.perf_counter() - started, 1)}


def child():
    """In a process with the bench database: sessions for two users, random criteria, raw timings."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_scopes import scopes_disabled

    from erating.base.models import Agency, Premise, Rating, RatingTheme, User

    rng = random.Random(SEED)
    with scopes_disabled():
        agency = Agency.objects.annotate(n=django.db.models.Count("premises")).order_by("-n").first()
        admin = User.objects.filter(role=User.AGENCY_ADMIN, agency=agency).first()
        sysadmin = User.objects.filter(role=User.SYSTEM_ADMIN).first()
        premises = list(Premise.objects.filter(agency=agency).values_list("id", flat=True))
        counts = {"ratings": Rating.objects.count(), "commented": Rating.objects.exclude(comment="").count(),
                  "links": RatingTheme.objects.count()}
    cookies = {}
    for who, user in (("admin", admin), ("sysadmin", sysadmin)):
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        cookies[who] = s.session_key
    draws = []
    for _ in range(REQUESTS):
        who = rng.choice(["admin", "admin", "sysadmin"])
        q = {}
        if rng.random() < 0.5:
            q["period"] = rng.choice(["7d", "30d", "month", "last_month", "quarter", "year"])
        else:
            days = rng.randint(1, 365)
            end = django.utils.timezone.localdate() - timedelta(days=rng.randint(0, 30))
            q.update(period="custom", start=(end - timedelta(days=days - 1)).isoformat(),
                     end=end.isoformat())
        if who == "admin" and rng.random() < 0.4:
            q["premise"] = rng.choice(premises)
        if rng.random() < 0.3:
            q["channel"] = rng.choice(["qr", "tablet"])
        if rng.random() < 0.3:
            q["score_max"] = rng.choice([2, 3])
        draws.append((who, q))
    # The raw baseline: the same per-theme counts by GROUP BY over the links and the ratings.
    raw = []
    for who, q in draws[: max(5, REQUESTS // 6)]:
        from erating.base.analysis import criteria as cr
        from erating.base.scoping import dimensions_for

        user = admin if who == "admin" else sysadmin
        with django_scopes.scope(**dimensions_for(user)):
            c = cr.parse(q, user=user)
            ids = cr.ratings(c).exclude(comment="").values("id")
            sql, params = (RatingTheme.objects.filter(rating_id__in=ids).values("theme_id")
                           .annotate(n=django.db.models.Count("id")).query.sql_with_params())
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            raw.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"cookies": cookies, "draws": draws, "raw_ms": raw, "counts": counts}))


import django_scopes  # noqa: E402  (used by child() after django.setup())


def run():
    print(f"themes: quality on the labelled set (seed {SEED})", flush=True)
    result = {"quality": quality(), "seed": SEED}
    prepared = prepare()
    if prepared is None:
        print(f"  speed not measured: no database {SOURCE} (run bench.analysis first)", flush=True)
        return result
    result.update(prepared)
    proc = subprocess.run([PY, "-m", "bench.themes", "--child"], cwd=ROOT, env=env(), capture_output=True,
                          text=True, check=True)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    port = 8950
    server = subprocess.Popen([str(Path(PY).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "2", "--blocking-threads", "4", "--no-ws",
                               "--log-level", "warning", "erating.wsgi:application"], cwd=ROOT, env=env(port))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        times = []
        for i, (who, q) in enumerate(data["draws"]):
            url = f"http://127.0.0.1:{port}/control/analysis/themes/?" + urllib.parse.urlencode(q)
            req = urllib.request.Request(url, headers={"Cookie": f"sessionid={data['cookies'][who]}"})
            t0 = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
                assert resp.status == 200 and b"an-themes-title" in body, (url, resp.status)
            if i >= 3:  # the first requests warm each worker's connection and caches
                times.append((time.perf_counter() - t0) * 1000)
    finally:
        server.terminate()
        server.wait()
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    raw = sorted(data["raw_ms"])
    result.update(counts=data["counts"], section_p50_ms=round(p50, 1), section_p95_ms=round(p95, 1),
                  raw_p50_ms=round(statistics.median(raw), 1), raw_p95_ms=round(raw[int(0.95 * (len(raw) - 1))], 1),
                  requests=len(times), target_met=p95 <= 100, load=os.getloadavg())
    print(f"  {data['counts']['ratings']:,} ratings, {data['counts']['commented']:,} commented, "
          f"{data['counts']['links']:,} theme links; rebuild {prepared.get('rebuild_seconds')} s", flush=True)
    print(f"  themes section over HTTP: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(times)} requests); raw GROUP BY "
          f"p50 {result['raw_p50_ms']} ms, p95 {result['raw_p95_ms']} ms; load {os.getloadavg()}", flush=True)
    return result


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        print(json.dumps(run(), default=str))
