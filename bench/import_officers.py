"""Benchmark: import 10,000 officers from an XLSX file on PostgreSQL (target: validate + commit <= 20 s).

run() starts a child process on the PostgreSQL database erating_bench_import (dropped, created and
migrated each run) with one agency, 20 premises and their counters, writes a 10,000-row XLSX, then
times the two steps the import view runs: validate (read + check every row against the database)
and commit (one transaction: users, their officer targets and counter links by bulk_create, one
audit entry). Invitations are queued to a background sender in production; here their building
and sending over one in-memory connection is timed separately. Baseline in the same run: reading
the file alone plus a bare bulk_create of 10,000 user rows (rolled back).

    .venv/bin/python -m bench bench.import_officers        Env: BENCH_PG (server URL)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "erating_bench_import"
ROWS = 10_000
TARGET_SECONDS = 20


def recreate_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def run(rows=ROWS):
    recreate_database()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="erating.test_settings", DATABASE_URL=f"{PG}/{DB_NAME}",
               REDIS_URL="", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "bench.import_officers", "--child", str(rows)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise RuntimeError("import benchmark child failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["within_budget"] = result["seconds"] <= TARGET_SECONDS
    print(f"import {result['rows']:,} officers (XLSX {result['file_kb']} kB, PostgreSQL): "
          f"validate {result['validate_seconds']:.2f} s + commit {result['commit_seconds']:.2f} s = "
          f"{result['seconds']:.2f} s (target <= {TARGET_SECONDS} s); baseline read + bare insert "
          f"{result['baseline_seconds']:.2f} s; invitations built and sent {result['invitations_seconds']:.2f} s "
          f"(background in production)", flush=True)
    return result


def make_xlsx(rows, premises, counters):
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    for c, name in enumerate(["email", "full_name", "premise_code", "language", "counters"]):
        sheet.write_string(0, c, name)
    for i in range(rows):
        premise = premises[i % len(premises)]
        values = [f"pegawai{i}@bench.gov.my", f"Pegawai Penanda Aras {i}", premise.code, "en" if i % 4 == 0 else "ms",
                  counters[premise.pk].name if i % 2 == 0 else ""]
        for c, value in enumerate(values):
            sheet.write_string(i + 1, c, value)
    book.close()
    return buffer.getvalue()


def child(rows):
    import time

    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django_scopes import scopes_disabled
    from openpyxl import load_workbook

    from erating.base.catalogue import imports
    from erating.base.catalogue import officers as staff
    from erating.base.models import Agency, Ministry, Premise, Target, User
    from erating.base.scoping import agency_scope

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        ministry = Ministry.objects.create(code="bench", name_ms="Kementerian Penanda Aras")
        agency = Agency.objects.create(ministry=ministry, code="bench", name_ms="Jabatan Penanda Aras")
        premises = [Premise.objects.create(agency=agency, code=f"bench-{i:02}", name=f"Pejabat {i:02}", state="SGR")
                    for i in range(20)]
        counters = {p.pk: Target.objects.create(agency=agency, premise=p, kind=Target.COUNTER, name="Kaunter 1")
                    for p in premises}
    data = make_xlsx(rows, premises, counters)

    # Baseline: what any import must pay at least (read the cells, insert bare rows).
    start = time.perf_counter()
    book = load_workbook(__import__("io").BytesIO(data), read_only=True, data_only=True)
    cells = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    with scopes_disabled(), transaction.atomic():
        User.objects.bulk_create([User(email=f"b{i}@x.my", full_name=r[1], role=User.OFFICER, agency=agency,
                                       password="!") for i, r in enumerate(cells)], batch_size=2000)
        transaction.set_rollback(True)
    baseline = time.perf_counter() - start

    with agency_scope(agency.pk):
        start = time.perf_counter()
        preview = imports.validate(agency, "officers", data, "bench.xlsx")
        validated = time.perf_counter()
        assert preview.ok and len(preview.creates) == rows, (preview.file_error, preview.errors[:3])
        created, updated, users = imports.commit(agency, preview)
        committed = time.perf_counter()
        assert created == rows and User.objects.filter(agency=agency).count() == rows
        assert Target.objects.filter(kind=Target.OFFICER).count() == rows
        mail.outbox = []
        staff._send_in_batches(users, staff.INVITE)
        invited = time.perf_counter()
        assert len(mail.outbox) == rows
    print(json.dumps({
        "rows": rows, "file_kb": len(data) // 1024,
        "validate_seconds": round(validated - start, 3), "commit_seconds": round(committed - validated, 3),
        "seconds": round(committed - start, 3), "baseline_seconds": round(baseline, 3),
        "invitations_seconds": round(invited - committed, 3),
    }))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        print(json.dumps(run()))
