"""Benchmark: the report module on PostgreSQL with BENCH_REPORT_RATINGS ratings (default 1M).

Loads demo data once into the database `erating_bench_reports` (kept between runs; set
BENCH_REPORTS_FRESH=1 to rebuild), then measures, each in its own child process so the peak
memory (ru_maxrss) is that step's own:
  - detailed CSV of every rating (as the system administrator, the year of demo data),
  - the same report as XLSX,
  - PostgreSQL's own `COPY (the same SELECT) TO STDOUT WITH CSV` in the same run (the report's
    SELECT as it is, without the CSV writer's neutralising and date formatting around it),
  - the summary report as PDF (tables by premise and by target), with its page count;
then the memory check at 10 million: CSV, XLSX (split across sheets of at most 1,048,576 rows)
and COPY again (after a warm-up COPY) on the analysis benchmark's database (BENCH_REPORTS_BIG_DB, default
erating_bench_analysis, loaded by bench.analysis with 10M ratings; skipped, and said so, if absent).
Targets: CSV <= 1.5x COPY's time, XLSX of 1M rows <= 60 s, peak RSS <= 256 MB and no higher at
10M than at 1M, summary PDF <= 5 s.

`python -m bench.reports pdf` measures the long PDF on BENCH_REPORTS_PDF_DB (default BENCH_REPORTS_DB;
e.g. erating_bench_engine, 10M ratings): the detailed report of one agency over the run of days
whose ratings come closest to 20,000 (the PDF's row limit, not above), written as the background task
writes it (Typst parts in child processes, joined), its peak RSS the largest sum of the task's and its
children's resident memory (sampled every 50 ms); then the summary PDF for the year ("period": "year",
scores 1-5, in Malay) as the system administrator (the national report) and as the administrator of
the agency with most premises, each written twice in one process (cold, then warm caches). Targets:
listing <= 60 s, <= 512 MB; summary <= 5 s."""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_REPORTS_DB", "erating_bench_reports")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
STEPS = ["csv", "xlsx", "copy", "pdf"]
BIG_DB = os.environ.get("BENCH_REPORTS_BIG_DB", "erating_bench_analysis")
BIG = 10_000_000


def _env(db=DB):
    return dict(os.environ, DJANGO_SETTINGS_MODULE="erating.test_settings", DATABASE_URL=f"{PG}/{db}",
                REDIS_URL="", DB_POOL="")


def _child(*args, timeout=3600, db=DB):
    proc = subprocess.run([sys.executable, "-m", "bench.reports", "--child", *args], cwd=ROOT, env=_env(db),
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise RuntimeError(f"report benchmark step {args} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(ratings=None):
    ratings = int(ratings or os.environ.get("BENCH_REPORT_RATINGS", "1000000"))
    prepared = _child("setup", str(ratings))
    print(f"reports: {prepared['ratings']:,} ratings in {DB} (load {prepared['load_seconds']:.0f} s)", flush=True)
    result = {"ratings": prepared["ratings"]}
    for step in STEPS:
        result[step] = _child(step)
        r = result[step]
        print(f"  {step:5s} {r['seconds']:7.1f} s  peak RSS {r['peak_rss_mb']:5.0f} MB  rows {r.get('rows', '-')}"
              f"{'  pages ' + str(r['pages']) if 'pages' in r else ''}  {r.get('mb', 0):.0f} MB", flush=True)
    result["csv_vs_copy"] = round(result["csv"]["seconds"] / result["copy"]["seconds"], 2)
    result["big"] = _big()
    result["targets"] = {
        "csv_le_1_5x_copy": result["csv_vs_copy"] <= 1.5,
        "xlsx_le_60s": result["xlsx"]["seconds"] <= 60,
        "rss_le_256mb": max(result[s]["peak_rss_mb"] for s in ("csv", "xlsx")) <= 256,
        "pdf_le_5s": result["pdf"]["seconds"] <= 5,
    }
    if result["big"]:
        # "No higher at 10M than at 1M": within 10 % (allocator noise), and under the ceiling.
        result["targets"]["rss_flat_at_10m"] = all(
            result["big"][s]["peak_rss_mb"] <= max(256, result[s]["peak_rss_mb"] * 1.1) for s in ("csv", "xlsx"))
    print(f"  CSV / COPY = {result['csv_vs_copy']}x; targets: {result['targets']}", flush=True)
    return result


def run_pdf():
    """The long PDF against its same-run baselines (see the module's docstring)."""
    import datetime

    db = os.environ.get("BENCH_REPORTS_PDF_DB", DB)
    print(f"reports PDF on {db} ({datetime.datetime.now():%Y-%m-%d %H:%M}, load {_load()})", flush=True)
    result = {"db": db}
    for step in ("pdf-listing", "pdf-summary", "pdf-summary-agency"):
        result[step] = r = _child(step, db=db, timeout=7200)
        print(f"  {step:18s} {r['seconds']:7.1f} s{' (warm ' + str(r['warm_seconds']) + ' s)' if 'warm_seconds' in r else ''}"
              f"  peak RSS {r['peak_rss_mb']:5.0f} MB  rows {r['rows']:,}  pages {r['pages']}  load {r['load']}", flush=True)
    listing = result["pdf-listing"]
    result["targets"] = {"pdf_20000_le_60s": listing["seconds"] <= 60, "pdf_rss_le_512mb": listing["peak_rss_mb"] <= 512,
                         "summary_pdf_le_5s": max(result[s]["seconds"] for s in ("pdf-summary", "pdf-summary-agency")) <= 5}
    print(f"  targets: {result['targets']}", flush=True)
    return result


def _load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


class _TreeRss:
    """The largest sum of this process's and its children's resident memory, sampled (the long
    PDF is laid out in child processes: the task's own peak would leave them out)."""

    def __init__(self):
        import threading

        self.peak, self.done = 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _run(self):
        me, page = os.getpid(), os.sysconf("SC_PAGE_SIZE")
        while not self.done.wait(0.05):
            total = 0
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                try:
                    with open(f"/proc/{name}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(name) == me or int(fields[1]) == me:  # fields[1]: the parent's pid
                    total += int(fields[21]) * page  # rss in pages
            self.peak = max(self.peak, total)


def _listing_request():
    """The detailed PDF closest to 20,000 rows (the PDF's row limit, not above): of all agencies,
    the run of consecutive days whose ratings come nearest."""
    from django.db import connection

    from erating.base.reports.pdf_out import PDF_MAX_ROWS

    with connection.cursor() as cursor:
        cursor.execute("SELECT agency_id, (created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date, count(*) "
                       "FROM base_rating GROUP BY 1, 2 ORDER BY 1, 2")
        days = {}
        for agency, day, count in cursor.fetchall():
            days.setdefault(agency, []).append((day, count))
    best = (0, None, None, None)
    for agency, counts in days.items():
        total, first = 0, 0
        for last in range(len(counts)):  # the widest window ending at `last` within the limit
            total += counts[last][1]
            while total > PDF_MAX_ROWS:
                total -= counts[first][1]
                first += 1
            if total > best[0]:
                best = (total, agency, counts[first][0], counts[last][0])
    _rows, agency, start, end = best
    return _request("detailed", "pdf", start=start.isoformat(), end=end.isoformat(), agency=str(agency))


def _summary_request(agency):
    """The summary PDF for the year, as the system administrator or (agency) as the administrator
    of the agency with most premises."""
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from erating.base.models import Agency, User
    from erating.base.reports.run import prepare
    from erating.base.scoping import dimensions_for

    with scopes_disabled():
        if agency:
            most = Agency.objects.annotate(n=Count("premises")).order_by("-n", "pk").first()
            user = User.objects.filter(role=User.AGENCY_ADMIN, agency=most).order_by("pk").first()
        else:
            user = User.objects.filter(role=User.SYSTEM_ADMIN).order_by("pk").first()
    return prepare(user, dimensions_for(user), {"report": "summary", "fmt": "pdf", "language": "ms",
                                                "period": "year", "score_min": "1", "score_max": "5"})


def _pdf_step(step, path, req):
    """-> (rows, pages): the long listing as the background task writes it."""
    from pypdf import PdfReader

    from erating.base.reports.run import estimate_rows, write_file

    rows = estimate_rows(req)
    write_file(req, path)
    return rows, len(PdfReader(path).pages)


def _big():
    """The memory check at 10M ratings, on the analysis benchmark's database if it holds them."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BIG_DB]).fetchone()
    if not exists:
        print(f"  10M memory check not run: no database {BIG_DB} (run bench.analysis first)", flush=True)
        return None
    with psycopg.connect(f"{PG}/{BIG_DB}") as conn:
        ratings = conn.execute("SELECT count(*) FROM base_rating").fetchone()[0]
    if ratings < BIG:
        print(f"  10M memory check not run: {BIG_DB} holds {ratings:,} ratings", flush=True)
        return None
    big = {"ratings": ratings}
    # A first COPY, not counted, reads the 10M rows into the page cache: whichever step ran first
    # would otherwise pay the disk reads for the others.
    _child("copy", db=BIG_DB, timeout=7200)
    for step in ("csv", "xlsx", "copy"):
        big[step] = r = _child(step, db=BIG_DB, timeout=7200)
        print(f"  {ratings:,}: {step:5s} {r['seconds']:7.1f} s  peak RSS {r['peak_rss_mb']:5.0f} MB  rows "
              f"{r.get('rows', '-')}", flush=True)
    big["csv_vs_copy"] = round(big["csv"]["seconds"] / big["copy"]["seconds"], 2)
    return big


def _peak_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(count):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and os.environ.get("BENCH_REPORTS_FRESH") == "1":
            conn.execute(f'DROP DATABASE "{DB}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from erating.base.models import Rating

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with scopes_disabled():
        if Rating.objects.count() < count:
            with open(os.devnull, "w") as quiet:
                call_command("demo_data", ratings=count, verbosity=0, stdout=quiet)
        total = Rating.objects.count()
    return {"ratings": total, "load_seconds": time.perf_counter() - started}


def _request(report, fmt, **data):
    from erating.base.models import User
    from erating.base.reports.run import prepare
    from erating.base.scoping import dimensions_for

    admin = User.objects.filter(role=User.SYSTEM_ADMIN).first()
    # split: beyond 1,048,576 rows an XLSX continues on further sheets (the 10M check).
    return prepare(admin, dimensions_for(admin), {"report": report, "fmt": fmt, "period": "custom",
                                                  "start": _first_day(), "end": _last_day(), "flagged": "1",
                                                  "language": "ms", "split": "1", **data})


def _first_day():
    from django.utils import timezone

    return (timezone.localdate().replace(year=timezone.localdate().year - 1)).isoformat()


def _last_day():
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _measure(step):
    import django

    django.setup()
    from django.db import connection

    from erating.base.reports.run import csv_stream, write_file

    with tempfile.NamedTemporaryFile(delete=False, suffix="." + step) as out:
        pass
    if step.startswith("pdf-summary"):
        from pypdf import PdfReader

        from erating.base.reports.run import write_file

        try:
            times = []
            for _n in range(2):  # cold, then warm
                req = _summary_request(step == "pdf-summary-agency")
                started = time.perf_counter()
                with _TreeRss() as tree:
                    write_file(req, out.name)
                times.append(round(time.perf_counter() - started, 2))
            return {"seconds": times[0], "warm_seconds": times[1], "rows": 0, "pages": len(PdfReader(out.name).pages),
                    "peak_rss_mb": round(max(tree.peak / 2**20, _peak_mb()), 1), "load": _load(),
                    "mb": os.path.getsize(out.name) / 1e6}
        finally:
            os.remove(out.name)
    if step.startswith("pdf-"):
        try:
            req = _listing_request()  # the agency and days chosen before the clock starts
            started = time.perf_counter()
            with _TreeRss() as tree:
                rows, pages = _pdf_step(step, out.name, req)
            return {"seconds": round(time.perf_counter() - started, 2), "rows": rows, "pages": pages,
                    "peak_rss_mb": round(max(tree.peak / 2**20, _peak_mb()), 1), "load": _load(),
                    "mb": os.path.getsize(out.name) / 1e6}
        finally:
            os.remove(out.name)
    started = time.perf_counter()
    try:
        if step == "csv":
            req = _request("detailed", "csv")
            with open(out.name, "wb") as f:
                f.writelines(csv_stream(req))
        elif step == "xlsx":
            req = _request("detailed", "xlsx")
            write_file(req, out.name)
        elif step == "copy":
            req = _request("detailed", "csv")
            sql = _detailed_sql(req)
            with connection.cursor() as cursor, open(out.name, "wb") as f, \
                    cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
                f.writelines(copy)
        elif step == "pdf":
            req = _request("summary", "pdf")
            write_file(req, out.name)
        seconds = time.perf_counter() - started
        result = {"seconds": round(seconds, 2), "peak_rss_mb": round(_peak_mb(), 1),
                  "mb": os.path.getsize(out.name) / 1e6}
        if step in ("csv", "copy"):
            with open(out.name, "rb") as f:
                result["rows"] = sum(1 for _ in f) - 1  # header; quoted newlines in comments would add lines
        if step == "pdf":
            from pypdf import PdfReader

            result["pages"] = len(PdfReader(out.name).pages)
        if step == "xlsx":
            result["rows"] = _xlsx_rows(out.name)
        return result
    finally:
        os.remove(out.name)


def _detailed_sql(req):
    """The detailed report's own SELECT (names, captions and reasons joined in), parameters
    inlined for COPY."""
    from django.db import connection
    from psycopg import ClientCursor

    from erating.base.reports.criteria import ratings
    from erating.base.reports.detail import detailed_query
    from erating.base.reports.run import bound

    with bound(req.ctx):
        qs = detailed_query(req.ctx, ratings(req.ctx.criteria).order_by("created_at", "id"))
        sql, params = qs.query.sql_with_params()
    connection.ensure_connection()
    return ClientCursor(connection.connection).mogrify(sql, params)


def _xlsx_rows(path):
    """Data rows of every sheet, counted in the compressed stream (no workbook loaded)."""
    import zipfile

    rows = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                with z.open(name) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                        tail = chunk[-8:]
                rows -= 1  # the header
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        step = sys.argv[2]
        if step == "setup":
            print(json.dumps(_setup(int(sys.argv[3]))))
        else:
            print(json.dumps(_measure(step)))
    elif sys.argv[1:2] == ["pdf"]:
        print(json.dumps(run_pdf()))
    else:
        print(json.dumps(run(*(sys.argv[1:2]))))
