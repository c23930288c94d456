"""Ingest benchmark: granian (production settings, WSGI, erating.wsgi) on PostgreSQL, wrk posting
single ratings with random target codes and unique UUIDs at 64 connections, then, against the
same server and database, the baseline (a bare view: parse the same JSON, one raw INSERT).
Then the same API load on the optional ASGI ingest tier (erating.asgi, granian --interface asgi),
against the same database, compared with the same baseline.

    .venv/bin/python -m bench bench.ingest        (or: make bench)

Figures: requests/s, p50, p99 for both; the ratio; lost = acknowledged "created" minus rows
stored; duplicated = rows stored minus distinct keys. Targets: ratio >= 0.6, p99 <= 50 ms,
zero lost, zero duplicated. Env: BENCH_PG (server URL), BENCH_SECONDS (30), BENCH_CONNECTIONS
(64), BENCH_TARGETS (3000), BENCH_WORKERS (2), BENCH_THREADS (8), BENCH_ROUNDS (2),
BENCH_SERVER (granian-wsgi; "gunicorn", if installed, runs the same phases on gunicorn gthread),
BENCH_ASGI_TIER (1; 0 skips the ASGI tier's rounds), BENCH_REDIS (redis://127.0.0.1:6379/15, for
one more ASGI round with REDIS_URL set; skipped if it does not answer), BENCH_DIAGNOSTICS (1; 0 skips the disk
flush probes and the non-durable diagnostic round, README "Where the tail comes from").
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

from bench import disk

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "erating_bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "3000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
SERVER = os.environ.get("BENCH_SERVER", "granian-wsgi")
ASGI_TIER = os.environ.get("BENCH_ASGI_TIER", "1") == "1"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PACE_MS = int(os.environ.get("BENCH_DELAY_MS", "250"))
DIAGNOSTICS = os.environ.get("BENCH_DIAGNOSTICS", "1") == "1"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
PROBE_SECONDS = 10


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


def server_command(port, server=SERVER):
    """The production server command (README, "Deployment"), on the bench port."""
    bin_dir = Path(PY).parent
    if server == "gunicorn":
        return [str(bin_dir / "gunicorn"), "erating.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(WORKERS),
                "-k", "gthread", "--threads", str(THREADS), "--backlog", "2048", "--log-level", "warning"]
    common = [str(bin_dir / "granian"), "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS),
              "--backlog", "2048", "--no-ws", "--log-level", "warning"]
    if server == "granian-wsgi":
        return common + ["--interface", "wsgi", "--blocking-threads", str(THREADS), "erating.wsgi:application"]
    return common + ["--interface", "asgi", "erating.asgi:application"]


def start_server(port, server=SERVER, extra_env=None):
    proc = subprocess.Popen(server_command(port, server), cwd=ROOT, env={**server_env(port), **(extra_env or {})},
                            start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{SERVER} did not start")


def stop_server(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


@contextlib.contextmanager
def serving(port, server=SERVER, extra_env=None):
    proc = start_server(port, server, extra_env)
    try:
        yield
    finally:
        stop_server(proc)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def run_wrk(port, path, token, codes_file, phase, seconds, script="ingest.lua"):
    acked_file = str(Path(codes_file).with_name(f"acked-{phase}.txt"))
    env = {**os.environ, "BENCH_CODES": codes_file, "BENCH_TOKEN": token, "BENCH_PATH": path, "BENCH_PHASE": phase,
           "BENCH_ACKED": acked_file, "BENCH_DELAY_MS": str(PACE_MS)}
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


def phase(name, port, path, token, codes_file, source_filter, seconds=SECONDS, script="ingest.lua"):
    run_wrk(port, path, token, codes_file, next_run_id(), 3)  # warm-up: connections and caches
    before, _, _ = count_rows(source_filter)
    log(f"{name}: {seconds}s at {CONNECTIONS} connections ({script})")
    figures = run_wrk(port, path, token, codes_file, next_run_id(), seconds, script)
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


def probe_disk(when):
    directory = disk.data_disk_directory(PG)
    if not DIAGNOSTICS or directory is None:
        return None
    figures = disk.flush_probe(directory, PROBE_SECONDS)
    log(f"disk flush probe ({when}, {PROBE_SECONDS}s, 8 KB pwrite + fdatasync beside PostgreSQL's data): "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, p99.9 {figures['p999_ms']} ms, "
        f"max {figures['max_ms']} ms, stalls >= 50 ms: {figures['stalls_50ms']}")
    return figures


def set_commit_mode(mode):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if mode is None:
            conn.execute(f"ALTER DATABASE {DB_NAME} RESET synchronous_commit")
        else:
            conn.execute(f"ALTER DATABASE {DB_NAME} SET synchronous_commit = {mode}")


def redis_round(port, token, codes_file):
    """One ASGI round with REDIS_URL set, as on several app servers (README, Deployment): the
    abuse limits' counters then live in Redis. Skipped when BENCH_REDIS does not answer."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        log(f"no Redis at {REDIS}: the round with REDIS_URL is skipped")
        return None
    log(f"the ASGI ingest tier with REDIS_URL={REDIS} (shared limits, as on several app servers)")
    with serving(port, "granian-asgi", {"REDIS_URL": REDIS}):
        return phase("api-asgi-redis", port, "/api/v1/ratings", token, codes_file, SOURCES["api"])


def diagnostic_round(port, token, codes_file):
    """The ASGI tier once more with synchronous_commit off: commits stop waiting for the disk
    (a crash could then lose the last ~0.6 s of acknowledged ratings, so eRating never runs
    like this). What is left of p99 is the software's and the CPU's; the difference from the
    durable rounds is the disk's."""
    log("diagnostic, not a deployment: the ASGI tier with synchronous_commit = off")
    set_commit_mode("off")
    try:
        with serving(port, "granian-asgi"):
            return phase("api-asgi-nodurable", port, "/api/v1/ratings", token, codes_file, SOURCES["api"])
    finally:
        set_commit_mode(None)


def run():
    ensure_wrk()
    port = free_port()
    disk_before = probe_disk("before")
    with tempfile.TemporaryDirectory() as tmp:
        log(f"creating database {DB_NAME}")
        recreate_database()
        env = server_env(port)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "-m", "bench.ingest", "setup", tmp], cwd=ROOT, env=env, check=True)
        token = (Path(tmp) / "token.txt").read_text().strip()
        codes_file = str(Path(tmp) / "codes.txt")
        log(f"{SERVER}: {WORKERS} workers x {THREADS} threads, production settings, port {port}")
        with serving(port):
            # Rounds alternate which side goes first, so background load on a shared machine
            # does not favour one side; each side runs SECONDS continuously per round.
            api_runs, base_runs = [], []
            for r in range(ROUNDS):
                order = [("api", api_runs), ("baseline", base_runs)]
                for name, runs in (order if r % 2 == 0 else order[::-1]):
                    runs.append(phase(name, port, "/api/v1/ratings" if name == "api" else "/api/bench-baseline", token,
                                      codes_file, SOURCES[name]))
            paced = phase("api-paced", port, "/api/v1/ratings", token, codes_file, SOURCES["api"],
                          seconds=max(10, SECONDS // 2), script="ingest_paced.lua")
        asgi_runs, redis_run = [], None
        if ASGI_TIER:
            log(f"the ASGI ingest tier (erating.asgi): {WORKERS} workers, same database")
            with serving(port, "granian-asgi"):
                for _ in range(ROUNDS):
                    asgi_runs.append(phase("api-asgi", port, "/api/v1/ratings", token, codes_file, SOURCES["api"]))
            redis_run = redis_round(port, token, codes_file)
        diagnostic = diagnostic_round(port, token, codes_file) if DIAGNOSTICS and ASGI_TIER else None
    disk_after = probe_disk("after")
    api, base = combine(api_runs), combine(base_runs)
    tier = combine(asgi_runs) if asgi_runs else None
    # rows minus distinct keys over every API row so far: the last phase's count covers all
    duplicated = (diagnostic or redis_run or (asgi_runs or [paced])[-1])["duplicated"]

    def verdict(side):
        ratio = round(side["rps"] / base["rps"], 3) if base["rps"] else None
        return ratio, bool(ratio and ratio >= 0.6 and side["p99_ms"] <= 50 and side["lost"] == 0 and duplicated == 0)

    ratio, wsgi_met = verdict(api)
    result = {
        "api_rps": api["rps"], "api_p50_ms": api["p50_ms"], "api_p99_ms": api["p99_ms"],
        "baseline_rps": base["rps"], "baseline_p50_ms": base["p50_ms"], "baseline_p99_ms": base["p99_ms"],
        "ratio": ratio, "wsgi_targets_met": wsgi_met,
        "lost": sum(side["lost"] for side in (api, paced, tier, redis_run, diagnostic) if side),
        "duplicated": duplicated, "baseline_lost": base["lost"],
        "acknowledged": sum(side["created"] for side in (api, paced, tier, redis_run) if side),
        "non_created": sum(side["other"] for side in (api, paced, tier, redis_run) if side),
        "connections": CONNECTIONS, "seconds_per_run": SECONDS,
        "rounds": ROUNDS, "server": SERVER, "workers": WORKERS, "threads": THREADS,
        "paced_rps": paced["rps"], "paced_p50_ms": paced["p50_ms"], "paced_p99_ms": paced["p99_ms"],
        "load_average": os.getloadavg()[0],
    }
    if tier:
        tier_ratio, tier_met = verdict(tier)
        result.update({"asgi_tier_rps": tier["rps"], "asgi_tier_p50_ms": tier["p50_ms"],
                       "asgi_tier_p99_ms": tier["p99_ms"], "asgi_tier_lost": tier["lost"],
                       "asgi_tier_ratio": tier_ratio, "asgi_tier_targets_met": tier_met})
    if redis_run:
        result.update({"asgi_tier_redis_rps": redis_run["rps"], "asgi_tier_redis_p50_ms": redis_run["p50_ms"],
                       "asgi_tier_redis_p99_ms": redis_run["p99_ms"], "asgi_tier_redis_lost": redis_run["lost"]})
    if diagnostic:
        result.update({"nodurable_asgi_rps": diagnostic["rps"], "nodurable_asgi_p50_ms": diagnostic["p50_ms"],
                       "nodurable_asgi_p99_ms": diagnostic["p99_ms"], "nodurable_asgi_lost": diagnostic["lost"]})
    for when, figures in (("before", disk_before), ("after", disk_after)):
        if figures:
            result.update({f"disk_{when}_{key}": value for key, value in figures.items()
                           if key in ("p99_ms", "p999_ms", "max_ms", "stalls_50ms_per_30s")})
    # The deployment (README) sends POST /api/v1/ratings to the ASGI ingest tier; the WSGI
    # route's verdict is reported beside it.
    result["targets_met"] = result.get("asgi_tier_targets_met", wsgi_met)
    log(f"WSGI route: ratio {ratio}, targets met: {wsgi_met}; ASGI ingest tier: ratio "
        f"{result.get('asgi_tier_ratio')}, targets met: {result.get('asgi_tier_targets_met')}")
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup_data(sys.argv[2])
    else:
        print(json.dumps(run()))
