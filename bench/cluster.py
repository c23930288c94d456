"""Faults under load: the deployment (bench/cluster_topology.py) brought up from nothing, kiosks
and phones rating at a steady pace through HAProxy, and one fault after another:

    kill -9 one app server, restart it      stop the replica, start it
    restart Redis                           kill -9 an aggregate folder, restart it
    restart PgBouncer

Kiosks send batches of ratings with client-made idempotency keys to POST /api/v1/ratings and keep
every rating in their queue until the server answers "created" or "duplicate" for it, resending
after a network error, a 5xx, 408 or 429 (erating/static/rate/kiosk/kiosk.js). Phones open the QR
page and send its form (key included), and send it again, same key, when it fails. A dashboard
reader (an agency administrator's session) asks for the Analysis page every second.

After each fault the load pauses, queues drain and the folder catches up; then: ratings
acknowledged vs stored (checked key by key on the primary), lost (acknowledged, not stored),
duplicated (a key stored more than once), `check_aggregates` over every rating, the dashboard's
answers (and whether from the replica or the primary), client errors and p99 latency seen during
the fault. Prints the table and tears everything down.

    python -m bench.cluster            (make cluster)
    python -m bench.cluster --up       bring it up and wait (Ctrl-C tears it down)

Environment: CLUSTER_RATE (ratings/s offered, default 40), CLUSTER_PHASE_SECONDS (20),
CLUSTER_PORT_BASE (8800), CLUSTER_PG_PORT (5442, the replica +1), CLUSTER_PGBOUNCER_PORT (6442),
CLUSTER_REDIS_PORT (6390), CLUSTER_KEEP=1 keeps the logs' directory."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import requests

from .cluster_topology import PORTS, ROOT, Cluster, log

RATE = float(os.environ.get("CLUSTER_RATE", "40"))
PHASE_SECONDS = float(os.environ.get("CLUSTER_PHASE_SECONDS", "20"))
KIOSKS = 8
PHONES = 4
BATCH_MAX = 5
TIMEOUT = 15
BASE_URL = f"http://127.0.0.1:{PORTS['haproxy']}"


class Recorder:
    """Every client request: (time, seconds, ok); every key made, acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.made = {}  # key -> agency id
        self.acked = set()
        self.dashboard = []  # (time, status, read_from)

    def request(self, started, ok):
        with self.lock:
            self.requests.append((started, time.monotonic() - started, ok))


class Load:
    def __init__(self, setup, rec):
        self.setup, self.rec = setup, rec
        self.stop = threading.Event()
        self.paused = threading.Event()
        self.queues = []
        self.threads = []

    def start(self):
        per_client = RATE / (KIOSKS * (BATCH_MAX + 1) / 2 + PHONES)  # requests/s of each client
        for i in range(KIOSKS):
            queue = []
            self.queues.append(queue)
            self.threads.append(threading.Thread(target=self.kiosk, args=(i, queue, per_client), daemon=True))
        for i in range(PHONES):
            self.threads.append(threading.Thread(target=self.phone, args=(i, per_client), daemon=True))
        self.threads.append(threading.Thread(target=self.reader, daemon=True))
        for t in self.threads:
            t.start()

    def pending(self):
        return sum(len(q) for q in self.queues)

    def kiosk(self, i, queue, per_second):
        session = requests.Session()
        device = self.setup["devices"][i % len(self.setup["devices"])]
        headers = {"Authorization": f"Bearer {device['token']}", "Content-Type": "application/json"}
        rnd = random.Random(i)
        next_at = time.monotonic() + rnd.random() / per_second
        backoff = 0.5
        while not self.stop.is_set():
            now = time.monotonic()
            if self.paused.is_set():
                next_at = max(next_at, now)  # no catching up on the pause afterwards
            elif now >= next_at:
                next_at += 1 / per_second
                for _ in range(rnd.randint(1, BATCH_MAX)):
                    key = str(uuid.uuid4())
                    with self.rec.lock:
                        self.rec.made[key] = device["agency"]
                    queue.append({"id": key, "target": rnd.choice(device["codes"]), "score": rnd.randint(1, 5),
                                  "client_time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())})
            if not queue:
                time.sleep(0.02)
                continue
            batch = queue[:50]
            started = time.monotonic()
            try:
                r = session.post(BASE_URL + "/api/v1/ratings", data=json.dumps({"ratings": batch}), headers=headers,
                                 timeout=TIMEOUT)
                ok = r.status_code == 200
            except requests.RequestException:
                ok, r = False, None
            self.rec.request(started, ok)
            if ok:
                done = {x["id"] for x in r.json()["results"] if x["status"] in ("created", "duplicate")}
                with self.rec.lock:
                    self.rec.acked |= done
                queue[:] = [x for x in queue if x["id"] not in done]
                backoff = 0.5
            else:
                time.sleep(backoff)  # the kiosk keeps its queue and tries again
                backoff = min(backoff * 2, 4)

    def phone(self, i, per_second):
        rnd = random.Random(1000 + i)
        device = self.setup["devices"][i % len(self.setup["devices"])]
        next_at = time.monotonic() + rnd.random() / per_second
        while not self.stop.is_set():
            if self.paused.is_set():
                next_at = max(next_at, time.monotonic())
            if self.paused.is_set() or time.monotonic() < next_at:
                time.sleep(0.02)
                continue
            next_at += 1 / per_second
            code = rnd.choice(device["codes"])
            session = requests.Session()  # a new phone each time
            page, key = None, None
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    if key is None:
                        page = session.get(f"{BASE_URL}/r/{code}", timeout=TIMEOUT)
                        ok = page.status_code == 200
                        self.rec.request(started, ok)
                        if not ok:
                            time.sleep(0.5)
                            continue
                        key = _field(page.text, "id")
                        with self.rec.lock:
                            self.rec.made[key] = device["agency"]
                        started = time.monotonic()
                    r = session.post(f"{BASE_URL}/r/{code}", timeout=TIMEOUT, allow_redirects=False,
                                     data={"csrfmiddlewaretoken": _field(page.text, "csrfmiddlewaretoken"),
                                           "id": key, "score": str(rnd.randint(1, 5))},
                                     headers={"Referer": f"{BASE_URL}/r/{code}"})
                    ok = r.status_code in (302, 303)
                except requests.RequestException:
                    ok = False
                self.rec.request(started, ok)
                if ok:
                    with self.rec.lock:
                        self.rec.acked.add(key)
                    break
                time.sleep(0.5)  # the form came back (or nothing did): send it again, same key

    def reader(self):
        session = requests.Session()
        session.cookies.set("sessionid", self.setup["session"], domain="127.0.0.1")
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                r = session.get(BASE_URL + "/control/analysis/", timeout=TIMEOUT, allow_redirects=False)
                status, source = r.status_code, r.headers.get("X-Read-From", "?")
            except requests.RequestException:
                status, source = 0, "-"
            with self.rec.lock:
                self.rec.dashboard.append((started, status, source))
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))


def _field(html, name):
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


SETUP = r"""
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_scopes import scopes_disabled
from erating.base.models import Agency, Device, Target, User
from erating.base.models.devices import hash_token
with scopes_disabled():
    devices = []
    for agency in Agency.objects.order_by("id")[:4]:
        token = Device.new_token()
        Device.objects.create(agency=agency, premise=agency.premises.first(), name="cluster",
                              token_hash=hash_token(token))
        codes = list(Target.objects.filter(agency=agency, active=True, officer__isnull=True)
                     .values_list("code", flat=True)[:200])
        devices.append({"agency": agency.id, "token": token, "codes": codes})
    admin = User.objects.get(email="admin@jpn.gov.my")
    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(admin.pk), "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    s.create()
print(json.dumps({"devices": devices, "session": s.session_key}))
"""


def setup_clients(cluster):
    out = cluster.manage("shell", "-c", SETUP)
    return json.loads(out.stdout.strip().splitlines()[-1])


def p99(values):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def stored_counts(cluster, keys):
    """-> (stored, duplicated) for these keys, checked on the primary itself."""
    import psycopg

    if not keys:
        return 0, 0
    with psycopg.connect(cluster.primary_url) as conn:
        rows = conn.execute("SELECT idempotency_key::text, count(*) FROM base_rating "
                            "WHERE idempotency_key = ANY(%s::uuid[]) GROUP BY 1", [list(keys)]).fetchall()
    return len(rows), sum(n - 1 for _k, n in rows)


def drain(cluster, load, timeout=60):
    """Pause new ratings, let every queue empty and the folder count everything in."""
    import psycopg

    load.paused.set()
    deadline = time.time() + timeout
    while load.pending() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # a phone's last resend
    with psycopg.connect(cluster.primary_url, autocommit=True) as conn:
        while time.time() < deadline and conn.execute("SELECT count(*) FROM base_pendingrating").fetchone()[0]:
            time.sleep(0.3)


def aggregates_exact(cluster):
    check = cluster.manage("check_aggregates", "--start", "2000-01-01", "--end", "2099-12-31", check=False)
    return check.returncode == 0


def faults(cluster):
    """(name, action) pairs: each action breaks something and repairs it, during the load."""

    def kill_app():
        cluster.stop("app1", signal.SIGKILL)
        time.sleep(5)
        cluster.start_app("app1")

    def replica_down():
        cluster.pg_stop("replica")
        time.sleep(8)
        cluster.pg_start("replica")

    def restart_redis():
        cluster.stop("redis")
        time.sleep(2)
        cluster.start_redis()

    def kill_folder():
        cluster.stop("app1-folder", signal.SIGKILL)
        time.sleep(5)
        cluster.start_sidecar("app1", "folder")

    def restart_pgbouncer():
        cluster.stop("pgbouncer", signal.SIGTERM)  # immediate shutdown: server connections cut
        time.sleep(2)
        cluster.start_pgbouncer()

    return [("none (baseline)", lambda: None), ("kill -9 app server 1, restart", kill_app),
            ("stop replica, start", replica_down), ("restart Redis", restart_redis),
            ("kill -9 aggregate folder 1, restart", kill_folder), ("restart PgBouncer", restart_pgbouncer)]


def run_schedule(cluster, setup):
    rec = Recorder()
    load = Load(setup, rec)
    load.start()
    rows = []
    try:
        for name, action in faults(cluster):
            log(f"phase: {name}")
            with rec.lock:
                keys_before = set(rec.made)
            load.paused.clear()
            t0 = time.monotonic()
            time.sleep(3)
            action()
            repaired = time.monotonic()
            time.sleep(max(0.0, PHASE_SECONDS - (time.monotonic() - t0)))
            t1 = time.monotonic()
            drain(cluster, load)
            with rec.lock:
                keys = set(rec.made) - keys_before
                acked = keys & rec.acked
                window = [r for r in rec.requests if t0 <= r[0] < t1]
                board = [d for d in rec.dashboard if t0 <= d[0] < t1]
            stored, duplicated = stored_counts(cluster, keys)
            lost = len(acked) - stored_counts(cluster, acked)[0]
            rows.append({
                "fault": name, "acknowledged": len(acked), "stored": stored, "lost": lost,
                "duplicated": duplicated, "unacknowledged": len(keys) - len(acked),
                "requests": len(window), "client_errors": sum(1 for r in window if not r[2]),
                "p99_ms": round(p99([r[1] for r in window]) * 1000),
                # Errors that started more than 3 s after the repair: is the system whole again?
                "errors_after_repair": sum(1 for r in window if not r[2] and r[0] > repaired + 3),
                "dashboard": f"{sum(1 for d in board if d[1] == 200)}/{len(board)}",
                "from_replica": sum(1 for d in board if d[2] == "replica"),
                "aggregates_exact": aggregates_exact(cluster),
            })
            log(json.dumps(rows[-1]))
    finally:
        load.stop.set()
    return rows


def table(rows):
    head = ["fault", "acknowledged", "stored", "lost", "duplicated", "client errors (after repair +3 s)",
            "requests", "p99 ms", "dashboard 200", "from replica", "aggregates"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join(str(x) for x in [
            r["fault"], r["acknowledged"], r["stored"], r["lost"], r["duplicated"],
            f'{r["client_errors"]} ({r["errors_after_repair"]})',
            r["requests"], r["p99_ms"], r["dashboard"], r["from_replica"],
            "exact" if r["aggregates_exact"] else "DIFFER"]) + " |")
    return "\n".join(lines)


def main(argv):
    cluster = Cluster()
    try:
        cluster.up()
        if "--up" in argv:
            log("Ctrl-C tears it down")
            while True:
                time.sleep(3600)
        setup = setup_clients(cluster)
        load_line = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        rows = run_schedule(cluster, setup)
        print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; offered {RATE:g} ratings/s "
              f"({KIOSKS} kiosks, {PHONES} phones), {PHASE_SECONDS:g} s per phase; uptime at start: {load_line}\n")
        print(table(rows))
        ok = all(r["lost"] == 0 and r["duplicated"] == 0 and r["aggregates_exact"]
                 and r["acknowledged"] == r["stored"] for r in rows)
        print(json.dumps({"cluster": rows, "all_ok": ok}))
        return 0 if ok else 1
    except KeyboardInterrupt:
        return 130
    finally:
        log("tearing down")
        cluster.down()


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main(sys.argv[1:]))
