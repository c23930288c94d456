"""Benchmark: the Analysis dashboard on PostgreSQL with a year of demo ratings (default 10 million).

run() recreates the database erating_bench_analysis, loads `manage.py demo_data --ratings N`
(timed, aggregates included) and then, in one child process:
  - times every request the dashboard makes (the page, its six sections, the live stamp) through
    Django's full request handling, for the agency administrator of the largest demo agency over
    the last 365 days and for the system administrator's national view: p50 / p95 of REPEAT runs;
  - times, in the same run, the same figures computed by plain GROUP BY queries over the raw
    ratings (the baseline each request is compared with);
  - measures ingest through the one writer (8 threads, 10-row requests) with the aggregates (queue
    and folder) and without, alternating rounds, and the aggregates' lag behind ingest.
Targets: every request p95 <= 100 ms, >= 10x faster than raw, lag <= 5 s, ingest >= 0.8x.

    .venv/bin/python -m bench bench.analysis     Env: BENCH_PG (server URL), BENCH_ANALYSIS_RATINGS."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "erating_bench_analysis"
RATINGS = int(os.environ.get("BENCH_ANALYSIS_RATINGS", 10_000_000))
REPEAT, RAW_REPEAT = 30, 3
PARTS = ["page", "summary", "trend", "heatmap", "reasons", "rankings", "comments", "stamp"]


def recreate_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def run(ratings=RATINGS):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="erating.test_settings", DATABASE_URL=f"{PG}/{DB_NAME}",
               REDIS_URL="", PYTHONPATH=str(ROOT))
    generation = None
    if not os.environ.get("BENCH_ANALYSIS_REUSE"):  # set to time the views again on the loaded database
        recreate_database()
        manage = [sys.executable, "manage.py"]
        subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        subprocess.run(manage + ["demo_data", "--ratings", str(ratings)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        generation = round(time.perf_counter() - started, 1)
    proc = subprocess.run([sys.executable, "-m", "bench.analysis", "--child"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=7200)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise RuntimeError("analysis benchmark child failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(ratings=result["rows"]["ratings"], generation_seconds=generation)
    report(result)
    return result


def report(r):
    print(f"demo_data --ratings {r['ratings']:,}: {r['generation_seconds']} s (aggregates included); "
          f"rows: ratings {r['rows']['ratings']:,}, aggregates {r['rows']['aggregates']:,} "
          f"({r['rows']['by_table']})")
    for view in ("agency", "national"):
        for part in PARTS:
            s = r[view][part]
            print(f"  {view:8} {part:9} p50 {s['p50']:7.1f} ms  p95 {s['p95']:7.1f} ms   raw GROUP BY p50 "
                  f"{s['raw_p50']:8.1f} ms  ({s['speedup']:.0f}x)")
    i = r["ingest"]
    print(f"ingest through the writer: {i['with']:.0f} ratings/s with aggregates, {i['without']:.0f} without "
          f"({i['ratio']:.2f}x); aggregates behind ingest: {r['lag_seconds']:.3f} s")
    print(f"targets met: {r['targets_met']}")


# --- child ------------------------------------------------------------------------------------

def _percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _time(fn, repeat):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t))
    return out


def _prefixed(where):
    for column in ("created_at", "agency_id", "flagged"):
        where = where.replace(column, f"r.{column}")
    return where


def raw_sql(agency, since, until, prev_since, today):
    """Plain GROUP BY over the raw ratings: per part, the statements its figures need."""
    where = "created_at >= %(since)s AND created_at < %(until)s AND NOT flagged"
    if agency:
        where += " AND agency_id = %(agency)s"
    local = "(created_at AT TIME ZONE 'Asia/Kuala_Lumpur')"
    prev = where.replace("%(since)s", "%(prev)s").replace("%(until)s", "%(since)s")
    per = "premise_id" if agency else "agency_id"
    summary = [f"SELECT agency_id, score, count(*), count(*) FILTER (WHERE comment <> '') FROM base_rating "
               f"WHERE {w} GROUP BY agency_id, score" for w in (where, prev)]
    summary.append(f"SELECT channel, count(*) FROM base_rating WHERE {where} GROUP BY channel")
    rankings = [f"SELECT {per}, count(*), count(*) FILTER (WHERE score >= 4), avg(score) FROM base_rating "
                f"WHERE {w} GROUP BY {per}" for w in (where, prev)]
    if agency:
        rankings += [f"SELECT r.target_id, t.kind, count(*), count(*) FILTER (WHERE score >= 4) FROM base_rating r "
                     f"JOIN base_target t ON t.id = r.target_id WHERE {_prefixed(w)} "
                     f"GROUP BY r.target_id, t.kind" for w in (where, prev)]
        rankings += [f"SELECT officer_id, count(*), count(*) FILTER (WHERE score >= 4) FROM base_rating "
                     f"WHERE {w} AND officer_id IS NOT NULL GROUP BY officer_id" for w in (where, prev)]
    parts = {
        "summary": summary,
        "trend": [f"SELECT date_trunc('month', {local}), count(*), count(*) FILTER (WHERE score >= 4) "
                  f"FROM base_rating WHERE {where} GROUP BY 1"],
        "heatmap": [f"SELECT extract(isodow FROM {local}), extract(hour FROM {local}), count(*) FROM base_rating "
                    f"WHERE {where} GROUP BY 1, 2"],
        "reasons": [f"SELECT x.reason, count(*) FROM base_rating, jsonb_array_elements_text(reasons) AS x(reason) "
                    f"WHERE {where} GROUP BY 1"],
        "rankings": rankings,
        "comments": [f"SELECT id, score, comment FROM base_rating WHERE {where} AND comment <> '' "
                     f"ORDER BY created_at DESC LIMIT 10"],
        "stamp": [f"SELECT count(*) FROM base_rating WHERE {where.replace('%(since)s', '%(today)s')}"],
    }
    parts["page"] = [s for name in ("summary", "trend", "heatmap", "reasons", "rankings", "comments", "stamp")
                     for s in parts[name]]
    params = {"since": since, "until": until, "prev": prev_since, "agency": agency, "today": today}
    return parts, params


def child():
    import django

    django.setup()
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django_scopes import scopes_disabled

    from erating.base.analysis import criteria as cr
    from erating.base.models import Agency, Rating, RatingDay, RatingHour, RatingMonth, RatingReasonDay, User

    with scopes_disabled():
        agency = Agency.objects.annotate(n=Count("premises")).order_by("-n").first()
        admin = User.objects.filter(agency=agency, role=User.AGENCY_ADMIN).first()
        sysadmin = User.objects.filter(role=User.SYSTEM_ADMIN).first()
        rows = {"ratings": Rating.objects.count()}
        by_table = {m.__name__: m._base_manager.count() for m in (RatingDay, RatingMonth, RatingHour, RatingReasonDay)}
    rows.update(aggregates=sum(by_table.values()), by_table=by_table)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    end = cr.today()
    start = end - timedelta(days=364)
    query = {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
    since = datetime.combine(start, dtime.min, tzinfo=cr.MYT)
    until = datetime.combine(end + timedelta(days=1), dtime.min, tzinfo=cr.MYT)
    prev = since - timedelta(days=365)
    today = datetime.combine(end, dtime.min, tzinfo=cr.MYT)
    result = {"rows": rows}
    for view, user, agency_id in (("agency", admin, agency.id), ("national", sysadmin, None)):
        client = Client()
        client.force_login(user)
        urls = {"page": "/control/analysis/", "stamp": "/control/analysis/stamp/"}
        urls.update({p: f"/control/analysis/{p}/" for p in PARTS if p not in urls})
        sql, params = raw_sql(agency_id, since, until, prev, today)
        figures = {}
        for part in PARTS:
            def request(url=urls[part], client=client):
                response = client.get(url, query)
                assert response.status_code == 200, (url, response.status_code)
            request()  # warm
            times = _time(request, REPEAT)

            def raw(statements=sql[part], params=params):
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement, params)
                        cursor.fetchall()
            raw()
            raw_times = _time(raw, RAW_REPEAT)
            figures[part] = {"p50": _percentile(times, 50), "p95": _percentile(times, 95),
                             "raw_p50": _percentile(raw_times, 50), "raw_p95": _percentile(raw_times, 95)}
            figures[part]["speedup"] = figures[part]["raw_p50"] / figures[part]["p50"]
            print(view, part, figures[part], file=sys.stderr, flush=True)
        result[view] = figures
    result["ingest"], result["lag_seconds"] = ingest(agency)
    comparable = [f for v in ("agency", "national") for p, f in result[v].items() if p != "comments"]
    result["targets_met"] = bool(
        all(f["p95"] <= 100 for v in ("agency", "national") for f in result[v].values())
        and all(f["speedup"] >= 10 for f in comparable)
        and result["lag_seconds"] <= 5 and result["ingest"]["ratio"] >= 0.8)
    print(json.dumps(result, default=str))


def ingest(agency, threads=8, per_thread=300, batch=10, rounds=2):
    """Ratings/s through rating_writer.insert_new from `threads` threads, with the aggregates (the
    writer queues each rating, a folder thread folds every second as `manage.py fold_aggregates`
    does) and without them (queuing switched off, no folder), alternating; and the lag: how long
    after insert_new returns a rating is in the aggregates."""
    import functools
    import threading
    import uuid

    from django.db import connection
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from erating.base.analysis import pending
    from erating.base.ingest import writer as rating_writer
    from erating.base.models import RatingDay, Target

    with scopes_disabled():
        targets = list(Target.objects.filter(agency=agency).values_list("id", "premise_id")[:200])

    def rows(n, i):
        return [{"agency": agency.id, "premise": targets[(i + k) % len(targets)][1],
                 "target": targets[(i + k) % len(targets)][0], "officer": None, "score": 1 + (i + k) % 5,
                 "channel": "qr", "reasons": [], "comment": "", "contact_consent": False, "contact_name": "",
                 "contact_phone": "", "contact_email": "", "created_at": timezone.now(), "client_time": None,
                 "clock_skew_seconds": None, "idempotency_key": uuid.uuid4(), "device": None, "flagged": False,
                 "source": "bench", "language": "ms"} for k in range(n)]

    def folder(stop):
        try:
            while not stop.wait(1.0):
                pending.fold_all()
        finally:
            connection.close()

    def one_round(fold):
        barrier, stop = threading.Barrier(threads + 1), threading.Event()
        background = threading.Thread(target=folder, args=(stop,)) if fold else None
        if background:
            background.start()

        def work(t):
            try:
                barrier.wait()
                for i in range(per_thread // batch):
                    rating_writer.insert_new(rows(batch, t * 1000 + i))
            finally:
                connection.close()
        pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
        for th in pool:
            th.start()
        barrier.wait()
        started = time.perf_counter()
        for th in pool:
            th.join()
        rate = threads * per_thread / (time.perf_counter() - started)
        if background:
            stop.set()
            background.join()
        return rate

    # Without the aggregates: the writer's statement without its queuing part.
    real = rating_writer._insert_sql
    bare = functools.cache(lambda vendor, count: f"WITH stored AS ({rating_writer.rating_insert(count)}) "
                                                 "SELECT agency_id, idempotency_key FROM stored")
    rates = {"with": [], "without": []}
    for _ in range(rounds):
        rating_writer._insert_sql = bare
        try:
            rates["without"].append(one_round(fold=False))
        finally:
            rating_writer._insert_sql = real
        rates["with"].append(one_round(fold=True))
    pending.fold_all()
    # Lag: from insert_new's return until the rating is counted, with the folder running.
    lags, stop = [], threading.Event()
    background = threading.Thread(target=folder, args=(stop,))
    background.start()
    with scopes_disabled():
        for i in range(10):
            before = _day_total(RatingDay, agency)
            rating_writer.insert_new(rows(1, i))
            t = time.perf_counter()
            while _day_total(RatingDay, agency) == before:
                time.sleep(0.01)
            lags.append(time.perf_counter() - t)
    stop.set()
    background.join()
    with_, without = sum(rates["with"]) / rounds, sum(rates["without"]) / rounds
    return {"with": with_, "without": without, "ratio": with_ / without}, max(lags)


def _day_total(model, agency):
    from django.db.models import F, Sum

    from erating.base.analysis import criteria as cr

    return model._base_manager.filter(agency=agency, day=cr.today()).aggregate(
        n=Sum(F("n1") + F("n2") + F("n3") + F("n4") + F("n5")))["n"] or 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
