"""The deployment on one machine, from Debian's packages: a PostgreSQL 15 primary and a streaming
replica (pg_basebackup -R), PgBouncer in transaction mode in front of the primary, Redis, two
granian app servers (each with its task worker, periodic scheduler and aggregate folder) and
HAProxy in front of them. Every process is started here, in a temporary directory, on its own
ports, and stopped by its own id; nothing else on the machine is touched.

Used by bench/cluster.py (the fault schedule); `python -m bench.cluster --up` only brings it up.
PostgreSQL refuses to run as root, and PgBouncer too: as root they run as the `postgres` user
(runuser), otherwise as the current user."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_BIN = Path(os.environ.get("CLUSTER_PG_BIN", "/usr/lib/postgresql/15/bin"))
BASE = int(os.environ.get("CLUSTER_PORT_BASE", "8800"))
PORTS = {
    "haproxy": BASE, "app1": BASE + 1, "app2": BASE + 2,
    "primary": int(os.environ.get("CLUSTER_PG_PORT", "5442")),
    "replica": int(os.environ.get("CLUSTER_PG_PORT", "5442")) + 1,
    "pgbouncer": int(os.environ.get("CLUSTER_PGBOUNCER_PORT", "6442")),
    "redis": int(os.environ.get("CLUSTER_REDIS_PORT", "6390")),
}
DB = "erating"
THREADS = os.environ.get("CLUSTER_THREADS", "8")
APPS = ("app1", "app2")
SIDECARS = {"worker": ["db_worker", "--no-reload"], "periodic": ["run_periodic"], "folder": ["fold_aggregates"]}


def log(msg):
    print(f"[cluster {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def need(*commands):
    missing = [c for c in commands if not shutil.which(c) and not Path(c).exists()]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)} (make system-deps installs haproxy, pgbouncer, "
                         "redis-server and postgresql-15)")


class Cluster:
    def __init__(self, ports=None, tools=("haproxy", "pgbouncer", "redis-server")):
        need(*tools, str(PG_BIN / "initdb"))
        self.ports = {**PORTS, **(ports or {})}
        self.dir = Path(tempfile.mkdtemp(prefix="erating-cluster-"))
        os.chmod(self.dir, 0o755)
        self.procs = {}  # name -> Popen (each in its own session: stopped by its own group id)
        self.as_postgres = os.geteuid() == 0
        self.primary_url = f"postgres://postgres@127.0.0.1:{self.ports['primary']}/{DB}"

    # --- helpers -------------------------------------------------------------------------------
    def pg_user(self, argv):
        return (["runuser", "-u", "postgres", "--"] + argv) if self.as_postgres else argv

    def own(self, path):
        if self.as_postgres:
            shutil.chown(path, "postgres", "postgres")

    def spawn(self, name, argv, env=None, user_postgres=False):
        with open(self.dir / f"{name}.log", "ab") as out:  # the child keeps its own descriptor
            proc = subprocess.Popen(self.pg_user(argv) if user_postgres else argv, cwd=ROOT,
                                    env=env or os.environ, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.procs[name] = proc
        return proc

    def stop(self, name, sig=signal.SIGTERM, wait=20):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def app_env(self, app=None):
        env = {k: v for k, v in os.environ.items() if k not in ("ERATING_TESTING", "DJANGO_SETTINGS_MODULE")}
        env.update({
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports['pgbouncer']}/{DB}",
            "DB_TRANSACTION_POOLING": "1",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.ports['replica']}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "PROXY_COUNT": "1", "SECRET_KEY": "cluster-" + "k" * 50, "DEBUG": "0", "SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "ERROR",
            # Every simulated phone reaches the balancer from this one address.
            "RATING_IP_PER_MINUTE": "1000000",
            "MEDIA_ROOT": str(self.dir / "media"), "STATIC_ROOT": str(self.dir / "static"),
            "PYTHONPATH": str(ROOT),
        })
        return env

    def wait_http(self, port, path="/healthz", timeout=60):
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
                return
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"nothing answers on port {port}") from None
                time.sleep(0.3)

    def wait_port(self, port, timeout=30):
        import socket

        deadline = time.time() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"nothing listens on port {port}") from None
                time.sleep(0.2)

    def manage(self, *args, env=None, check=True):
        return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or self.direct_env(), check=check,
                              capture_output=True, text=True)

    def direct_env(self):
        """For one-off commands (migrate, demo data): straight to the primary, no pooler."""
        env = self.app_env()
        env["DATABASE_URL"] = self.primary_url
        env.pop("DB_TRANSACTION_POOLING")
        env.pop("DATABASE_REPLICA_URL")
        return env

    # --- PostgreSQL ----------------------------------------------------------------------------
    def pg_dir(self, which):
        return self.dir / "pg" / which

    def pg_start(self, which):
        socket_dir = self.dir / "pg"
        subprocess.run(self.pg_user([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir(which)), "-l",
                                     str(self.dir / f"pg-{which}.log"), "-w", "-t", "60", "start", "-o",
                                     f"-p {self.ports[which]} -k {socket_dir} -c listen_addresses=127.0.0.1"]),
                       check=True, capture_output=True, cwd=self.dir)

    def pg_stop(self, which, mode="fast"):
        subprocess.run(self.pg_user([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir(which)), "-m", mode, "-w",
                                     "stop"]), capture_output=True, cwd=self.dir)

    def start_postgres(self):
        (self.dir / "pg").mkdir()
        self.own(self.dir / "pg")
        for name in ("pg-primary.log", "pg-replica.log"):
            (self.dir / name).touch()
            self.own(self.dir / name)
        log(f"initdb primary (port {self.ports['primary']})")
        subprocess.run(self.pg_user([str(PG_BIN / "initdb"), "-D", str(self.pg_dir("primary")), "-U", "postgres",
                                     "-A", "trust", "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, cwd=self.dir)
        with open(self.pg_dir("primary") / "postgresql.conf", "a") as conf:
            # Durable as production (synchronous_commit stays on): acknowledged must mean stored.
            conf.write("max_connections = 200\nwal_level = replica\nmax_wal_senders = 5\n"
                       "hot_standby = on\nhot_standby_feedback = on\nwal_keep_size = 256MB\n")
        self.pg_start("primary")
        import psycopg

        with psycopg.connect(self.primary_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB}")
        log(f"pg_basebackup -R -> replica (port {self.ports['replica']})")
        subprocess.run(self.pg_user([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
                                     "-U", "postgres", "-D", str(self.pg_dir("replica")), "-R", "-X", "stream",
                                     "-c", "fast"]), check=True, capture_output=True, cwd=self.dir)
        self.pg_start("replica")

    # --- PgBouncer, Redis, HAProxy ---------------------------------------------------------------
    def start_pgbouncer(self):
        ini = self.dir / "pgbouncer.ini"
        if not ini.exists():
            (self.dir / "userlist.txt").write_text('"postgres" ""\n')
            ini.write_text(
                "[databases]\n"
                f"{DB} = host=127.0.0.1 port={self.ports['primary']} dbname={DB}\n"
                "[pgbouncer]\n"
                f"listen_addr = 127.0.0.1\nlisten_port = {self.ports['pgbouncer']}\nunix_socket_dir =\n"
                f"auth_type = trust\nauth_file = {self.dir / 'userlist.txt'}\n"
                "pool_mode = transaction\nmax_client_conn = 1000\ndefault_pool_size = 40\n"
                "server_login_retry = 1\nserver_connect_timeout = 3\nquery_wait_timeout = 20\n"
                "ignore_startup_parameters = extra_float_digits,options\n")
            for name in ("pgbouncer.ini", "userlist.txt"):
                self.own(self.dir / name)
        self.spawn("pgbouncer", ["pgbouncer", str(ini)], user_postgres=self.as_postgres)
        self.wait_port(self.ports["pgbouncer"])

    def start_redis(self):
        self.spawn("redis", ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(self.dir)])
        self.wait_port(self.ports["redis"])

    def start_haproxy(self):
        cfg = self.dir / "haproxy.cfg"
        servers = "".join(f"  server {app} 127.0.0.1:{self.ports[app]} check\n" for app in APPS)
        cfg.write_text(
            "global\n  maxconn 4000\n"
            "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
            "  retries 3\n  option redispatch\n  option forwardfor\n"
            f"frontend web\n  bind 127.0.0.1:{self.ports['haproxy']}\n  default_backend app\n"
            "backend app\n  balance roundrobin\n  option httpchk\n"
            "  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1\n"
            "  http-check expect status 200\n  default-server inter 1s fall 2 rise 2\n" + servers)
        self.spawn("haproxy", ["haproxy", "-f", str(cfg), "-db"])
        self.wait_port(self.ports["haproxy"])

    # --- the application -----------------------------------------------------------------------
    def start_app(self, app):
        """granian on the app's port, as README "Deployment" runs it (one worker each: two servers
        share this machine's two cores)."""
        env = self.app_env(app)
        self.spawn(app, [str(Path(PY).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                         "--port", str(self.ports[app]), "--workers", "1", "--blocking-threads", THREADS,
                         "--backlog", "1024", "--no-ws", "--log-level", "warning", "erating.wsgi:application"], env)

    def start_sidecar(self, app, kind):
        self.spawn(f"{app}-{kind}", [PY, "manage.py", *SIDECARS[kind]], self.app_env(app))

    def up(self, ratings=20000):
        self.start_postgres()
        self.start_redis()
        self.start_pgbouncer()
        log("migrate, demo data")
        self.manage("migrate", "-v0")
        self.manage("demo_data", "--ratings", str(ratings), "--days", "30")
        env = self.app_env()
        if not (ROOT / "erating" / "static" / "vendor").exists():
            log("warning: no built assets (make assets): pages still answer")
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        for app in APPS:
            self.start_app(app)
            for kind in SIDECARS:
                self.start_sidecar(app, kind)
        for app in APPS:
            self.wait_http(self.ports[app])
        self.start_haproxy()
        self.wait_http(self.ports["haproxy"])
        log(f"up: HAProxy http://127.0.0.1:{self.ports['haproxy']} -> {', '.join(str(self.ports[a]) for a in APPS)}; "
            f"PgBouncer {self.ports['pgbouncer']} -> primary {self.ports['primary']}; replica {self.ports['replica']}; "
            f"Redis {self.ports['redis']}; logs in {self.dir}")

    def down(self):
        for name in list(self.procs):
            self.stop(name, wait=10)
        for which in ("replica", "primary"):
            if self.pg_dir(which).exists():
                self.pg_stop(which, mode="immediate" if which == "replica" else "fast")
        if os.environ.get("CLUSTER_KEEP"):
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
