"""Ingest benchmark: gunicorn (production settings) on PostgreSQL, wrk posting single ratings
with random target codes and unique UUIDs at 64 connections, then, against the same server and
database, the baseline (a bare view: parse the same JSON, one raw INSERT).

    .venv/bin/python -m bench bench.ingest        (or: make bench)

Figures: requests/s, p50, p99 for both; the ratio; lost = acknowledged "created" minus rows
stored; duplicated = rows stored minus distinct keys. Targets: ratio >= 0.6, p99 <= 50 ms,
zero lost, zero duplicated. Env: BENCH_PG (server URL), BENCH_SECONDS (30), BENCH_CONNECTIONS
(64), BENCH_TARGETS (3000), BENCH_WORKERS (3), BENCH_THREADS (4).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "erating_bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "3000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))


def log(msg):
    print(f"[ingest] {msg}", flush=True)


def server_env(port):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.ingest_settings", "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "SECURE": "0", "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT),
    })
    env.pop("ERATING_TESTING", None)
    env.pop("REDIS_URL", None)  # one server: the in-process cache is the production default
    return env


def recreate_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_data(out_dir):
    """In a child process with the bench settings: tenants, targets and a device token."""
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from erating.base.models import Agency, Device, Ministry, Premise, Target
    from erating.base.models.devices import hash_token
    from erating.base.models.settings import DEFAULT_CAPTIONS, ScoreCaption

    with scopes_disabled():
        ministry = Ministry.objects.create(code="bench", name_ms="Kementerian Bench")
        agencies = [Agency.objects.create(ministry=ministry, code=f"bench{i}", name_ms=f"Agensi {i}") for i in range(4)]
        targets = []
        for agency in agencies:
            for (score, (ms, en)) in DEFAULT_CAPTIONS.items():
                ScoreCaption.objects.create(agency=agency, score=score, caption_ms=ms, caption_en=en)
            premises = [Premise.objects.create(agency=agency, code=f"p{j}", name=f"Premis {j}", state="SGR")
                        for j in range(10)]
            per_premise = TARGETS // (len(agencies) * len(premises))
            targets += [Target(agency=agency, premise=p, kind=Target.COUNTER, name=f"Kaunter {k}")
                        for p in premises for k in range(per_premise)]
        Target.objects.bulk_create(targets, batch_size=1000)
        agency = agencies[0]
        token = Device.new_token()
        Device.objects.create(agency=agency, premise=agency.premises.first(), name="bench",
                              token_hash=hash_token(token))
        codes = list(Target.objects.filter(agency=agency).values_list("code", flat=True))
    (Path(out_dir) / "codes.txt").write_text("\n".join(codes) + "\n")
    (Path(out_dir) / "token.txt").write_text(token)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port):
    cmd = [str(Path(PY).parent / "gunicorn"), "erating.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--backlog", "2048",
           "--log-level", "warning", "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(port), start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def run_wrk(port, path, token, codes_file, phase, seconds):
    acked_file = str(Path(codes_file).with_name(f"acked-{phase}.txt"))
    env = {**os.environ, "BENCH_CODES": codes_file, "BENCH_TOKEN": token, "BENCH_PATH": path, "BENCH_PHASE": phase,
           "BENCH_ACKED": acked_file}
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "ingest.lua"), f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line[len("BENCH_JSON "):])
    figures["rps"] = round(figures["requests"] / figures["duration_s"], 1)
    figures["acked_keys"] = [k for k in Path(acked_file).read_text().split() if k]
    return figures


def count_rows(source_filter, keys=()):
    """(rows, distinct keys) matching the filter, and how many of `keys` are stored."""
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        stored, unique = conn.execute(
            f"SELECT count(*), count(DISTINCT idempotency_key) FROM base_rating WHERE {source_filter}").fetchone()
        found = conn.execute("SELECT count(*) FROM base_rating WHERE idempotency_key = ANY(%s::uuid[])",
                             [list(keys)]).fetchone()[0] if keys else 0
    return stored, unique, found


def phase(name, port, path, token, codes_file, hexphase, source_filter):
    run_wrk(port, path, token, codes_file, hexphase, 3)  # warm-up: connections and caches
    before, _, _ = count_rows(source_filter)
    log(f"{name}: {SECONDS}s at {CONNECTIONS} connections")
    figures = run_wrk(port, path, token, codes_file, chr(ord(hexphase) + 1), SECONDS)
    time.sleep(1)  # requests still in flight when wrk stopped finish on the server
    keys = figures.pop("acked_keys")
    stored, unique, found = count_rows(source_filter, keys)
    figures["stored"] = stored - before
    # Lost: acknowledged as created but not in the table, checked key by key.
    figures["lost"] = len(set(keys)) - found
    figures["acked_keys_unique"] = len(set(keys)) == len(keys) == figures["created"]
    figures["duplicated"] = stored - unique
    log(f"{name}: {figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"acknowledged {figures['created']}, stored {figures['stored']}, lost {figures['lost']}, "
        f"duplicated {figures['duplicated']}, non-created answers {figures['other']}, socket errors {figures['errors']}")
    return figures


def run():
    ensure_wrk()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log(f"creating database {DB_NAME}")
        recreate_database()
        env = server_env(port)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "-m", "bench.ingest", "setup", tmp], cwd=ROOT, env=env, check=True)
        token = (Path(tmp) / "token.txt").read_text().strip()
        codes_file = str(Path(tmp) / "codes.txt")
        log(f"gunicorn: {WORKERS} workers x {THREADS} threads (gthread), production settings, port {port}")
        server = start_gunicorn(port)
        try:
            api = phase("api", port, "/api/v1/ratings", token, codes_file, "2", "source LIKE 'device:%'")
            base = phase("baseline", port, "/bench/baseline", token, codes_file, "8", "source = 'baseline'")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    ratio = round(api["rps"] / base["rps"], 3) if base["rps"] else None
    result = {
        "api_rps": api["rps"], "api_p50_ms": api["p50_ms"], "api_p99_ms": api["p99_ms"],
        "baseline_rps": base["rps"], "baseline_p50_ms": base["p50_ms"], "baseline_p99_ms": base["p99_ms"],
        "ratio": ratio, "lost": api["lost"], "duplicated": api["duplicated"],
        "baseline_lost": base["lost"], "acknowledged": api["created"], "stored": api["stored"],
        "non_created": api["other"], "connections": CONNECTIONS, "seconds": SECONDS,
        "workers": WORKERS, "threads": THREADS,
        "targets_met": bool(ratio and ratio >= 0.6 and api["p99_ms"] <= 50 and api["lost"] == 0
                            and api["duplicated"] == 0),
    }
    log(f"ratio api/baseline = {ratio}; targets met: {result['targets_met']}")
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup_data(sys.argv[2])
    else:
        print(json.dumps(run()))
