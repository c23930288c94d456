"""Ingest benchmark: the one rating route against a bare view, on the production server.

granian (WSGI, erating.wsgi, production settings) on PostgreSQL; wrk posts single ratings with
random target codes and unique UUIDs to POST /api/v1/ratings (the django-ninja operation behind
the short /api/ chain, the ingest service, rating_writer.insert_new) and, in the same run, to
the baseline (a bare view under /api/ that parses the same JSON and does one raw INSERT).

    .venv/bin/python -m bench bench.ingest        (or: make bench)

1. Throughput at saturation: CONNECTIONS (64) connections, ROUNDS rounds alternating which side
   goes first, SECONDS each.
2. Latency at a paced load of a quarter of the route's saturated throughput (each connection
   waits between requests so that all of them together offer that rate), the route and then
   the bare view at the same pace.
The aggregate folder (manage.py fold_aggregates) runs beside the server, as deployed; its lag
(the oldest rating still waiting to be counted) is sampled twice a second, and at the end the
aggregates are checked against the raw ratings (manage.py check_aggregates).
Figures: requests/s, p50, p99; the ratio route/baseline; lost = acknowledged "created" keys not
in the table; duplicated = rows stored minus distinct keys; the folder's worst lag. Targets:
ratio >= 0.8, paced p99 <= 50 ms, 0 lost, 0 duplicated, lag <= 5 s, aggregates exact. Env: BENCH_PG (server URL), BENCH_SECONDS (30),
BENCH_CONNECTIONS (64), BENCH_TARGETS (3000), BENCH_WORKERS (2), BENCH_THREADS (8),
BENCH_ROUNDS (2).
"""
import contextlib
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
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
RATIO_TARGET, P99_TARGET_MS, LAG_TARGET_S = 0.8, 50, 5


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


def server_command(port):
    """The production server command (README, "Deployment"), on the bench port."""
    return [str(Path(PY).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(WORKERS), "--blocking-threads", str(THREADS), "--backlog", "2048", "--no-ws",
            "--log-level", "warning", "erating.wsgi:application"]


@contextlib.contextmanager
def folding(port):
    """The aggregate folder beside the server, and a sampler of its lag -> {"max_lag_s": ...}."""
    import threading

    import psycopg

    proc = subprocess.Popen([PY, "manage.py", "fold_aggregates"], cwd=ROOT, env=server_env(port),
                            start_new_session=True)
    lag, stop = {"max_lag_s": 0.0}, threading.Event()

    def sample():
        with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
            while not stop.wait(0.5):
                oldest = conn.execute("SELECT extract(epoch FROM clock_timestamp() - min(r.created_at)) "
                                      "FROM base_pendingrating p JOIN base_rating r ON r.id = p.rating_id").fetchone()[0]
                lag["max_lag_s"] = max(lag["max_lag_s"], float(oldest or 0))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield lag
    finally:
        stop.set()
        sampler.join()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def aggregates_exact(port):
    """Wait for the queue to empty, then compare every aggregate with the raw ratings (the
    baseline's rows, written past the writer, are removed first: they were never to be counted)."""
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        conn.execute(f"DELETE FROM base_rating WHERE {SOURCES['baseline']}")
        for _ in range(60):
            if not conn.execute("SELECT count(*) FROM base_pendingrating").fetchone()[0]:
                break
            time.sleep(0.5)
    check = subprocess.run([PY, "manage.py", "check_aggregates", "--start", "2000-01-01", "--end", "2099-12-31"],
                           cwd=ROOT, env=server_env(port), capture_output=True, text=True)
    return check.returncode == 0


@contextlib.contextmanager
def serving(port):
    proc = subprocess.Popen(server_command(port), cwd=ROOT, env=server_env(port), start_new_session=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("granian did not start") from None
                time.sleep(0.3)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def run_wrk(port, path, token, codes_file, phase, seconds, script="ingest.lua", pace_ms=0):
    acked_file = str(Path(codes_file).with_name(f"acked-{phase}.txt"))
    env = {**os.environ, "BENCH_CODES": codes_file, "BENCH_TOKEN": token, "BENCH_PATH": path, "BENCH_PHASE": phase,
           "BENCH_ACKED": acked_file, "BENCH_DELAY_MS": str(pace_ms)}
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(ROOT / "bench" / script), f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=ROOT).stdout
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


_runs = iter(range(256))


def next_run_id():
    """Two hex digits in every key of one wrk run: no two runs of a benchmark share a key."""
    return f"{next(_runs):02x}"


def phase(name, port, path, token, codes_file, source_filter, seconds=SECONDS, pace_ms=0):
    script = "ingest_paced.lua" if pace_ms else "ingest.lua"
    run_wrk(port, path, token, codes_file, next_run_id(), 3)  # warm-up: connections and caches
    before, _, _ = count_rows(source_filter)
    log(f"{name}: {seconds}s at {CONNECTIONS} connections ({script}{f', {pace_ms} ms apart' if pace_ms else ''})")
    figures = run_wrk(port, path, token, codes_file, next_run_id(), seconds, script, pace_ms)
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


SOURCES = {"api": "source LIKE 'device:%'", "baseline": "source = 'baseline'"}


def combine(runs):
    """Throughput over all rounds; latency percentiles: the worst round (conservative)."""
    requests, duration = sum(r["requests"] for r in runs), sum(r["duration_s"] for r in runs)
    return {"rps": round(requests / duration, 1), "p50_ms": max(r["p50_ms"] for r in runs),
            "p99_ms": max(r["p99_ms"] for r in runs), "lost": sum(r["lost"] for r in runs),
            "created": sum(r["created"] for r in runs), "other": sum(r["other"] for r in runs)}


def pace_for(rps):
    """Milliseconds each connection waits between requests so that all CONNECTIONS together
    offer `rps` requests/s (each request's own latency, a few ms, comes on top)."""
    return max(1, round(CONNECTIONS * 1000 / rps))


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
        log(f"granian WSGI: {WORKERS} workers x {THREADS} threads, production settings, port {port}")
        with serving(port), folding(port) as lag:
            # Rounds alternate which side goes first, so background load on a shared machine
            # does not favour one side; each side runs SECONDS continuously per round.
            api_runs, base_runs = [], []
            for r in range(ROUNDS):
                order = [("api", api_runs), ("baseline", base_runs)]
                for name, runs in (order if r % 2 == 0 else order[::-1]):
                    runs.append(phase(name, port, "/api/v1/ratings" if name == "api" else "/api/bench-baseline", token,
                                      codes_file, SOURCES[name]))
            api, base = combine(api_runs), combine(base_runs)
            offered = api["rps"] / 4
            paced = phase("api-paced", port, "/api/v1/ratings", token, codes_file, SOURCES["api"],
                          pace_ms=pace_for(offered))
            # The bare view at the same pace: the tail that committing alone costs on this disk.
            base_paced = phase("baseline-paced", port, "/api/bench-baseline", token, codes_file,
                               SOURCES["baseline"], pace_ms=pace_for(offered))
            exact = aggregates_exact(port)
    ratio = round(api["rps"] / base["rps"], 3) if base["rps"] else None
    # rows minus distinct keys over every API row of the run: the last phase's count covers all
    duplicated = paced["duplicated"]
    lost = api["lost"] + paced["lost"]
    result = {
        "api_rps": api["rps"], "api_p50_ms": api["p50_ms"], "api_p99_ms": api["p99_ms"],
        "baseline_rps": base["rps"], "baseline_p50_ms": base["p50_ms"], "baseline_p99_ms": base["p99_ms"],
        "ratio": ratio, "paced_offered_rps": round(offered, 1), "paced_rps": paced["rps"],
        "paced_p50_ms": paced["p50_ms"], "paced_p99_ms": paced["p99_ms"],
        "baseline_paced_rps": base_paced["rps"], "baseline_paced_p50_ms": base_paced["p50_ms"],
        "baseline_paced_p99_ms": base_paced["p99_ms"],
        "lost": lost, "duplicated": duplicated, "baseline_lost": base["lost"],
        "fold_max_lag_s": round(lag["max_lag_s"], 2), "aggregates_exact": exact,
        "acknowledged": api["created"] + paced["created"], "non_created": api["other"] + paced["other"],
        "connections": CONNECTIONS, "seconds_per_run": SECONDS, "rounds": ROUNDS, "workers": WORKERS,
        "threads": THREADS, "load_average": os.getloadavg()[0],
    }
    result["targets_met"] = bool(ratio and ratio >= RATIO_TARGET and paced["p99_ms"] <= P99_TARGET_MS
                                 and lost == 0 and duplicated == 0 and lag["max_lag_s"] <= LAG_TARGET_S and exact)
    log(f"ratio {ratio} (target >= {RATIO_TARGET}), paced p99 {paced['p99_ms']} ms (target <= {P99_TARGET_MS}), "
        f"lost {lost}, duplicated {duplicated}, folder lag {result['fold_max_lag_s']} s (target <= {LAG_TARGET_S}), "
        f"aggregates exact: {exact}: targets met: {result['targets_met']}")
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup_data(sys.argv[2])
    else:
        print(json.dumps(run()))
