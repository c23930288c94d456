"""The replica lag measurement against a real streaming replica: a PostgreSQL 15 primary and a
replica made with `pg_basebackup -R` (bench/cluster_topology.py), in a temporary directory on
free ports. The replica answers "0 s behind" while it streams and has replayed everything,
a positive lag while replay is held back, and "not streaming" (None: the router then reads
the primary) once its primary is gone. Runs with the PostgreSQL suite when the server binaries
are installed (make cluster-deps); a few seconds."""
import socket
import time

import pytest
from django.db import connection

from erating.base import dbrouter

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pair():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL streaming replication")
    from bench import cluster_topology

    if not (cluster_topology.PG_BIN / "pg_basebackup").exists():
        pytest.skip(f"no PostgreSQL server binaries in {cluster_topology.PG_BIN}")
    primary = free_port()
    cluster = cluster_topology.Cluster(ports={"primary": primary, "replica": free_port()}, tools=())
    try:
        cluster.start_postgres()
        yield cluster
    finally:
        cluster.down()


def lag_of(cluster):
    import psycopg

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{cluster.ports['replica']}/erating",
                         autocommit=True) as conn:
        return dbrouter.measure(conn.cursor())


def test_a_streaming_replica_is_measured_fresh_then_behind_then_not_streaming(pair):
    import psycopg

    with psycopg.connect(pair.primary_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
    deadline = time.time() + 20
    while lag_of(pair) != 0.0 and time.time() < deadline:
        time.sleep(0.2)
    assert lag_of(pair) == 0.0
    replica = f"postgres://postgres@127.0.0.1:{pair.ports['replica']}/erating"
    with psycopg.connect(replica, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        # A pause is only requested: records arriving before it takes hold are still replayed.
        deadline = time.time() + 20
        while (conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused"
               and time.time() < deadline):
            time.sleep(0.1)
        with psycopg.connect(pair.primary_url, autocommit=True) as writer:
            writer.execute("INSERT INTO t VALUES (2)")
        time.sleep(1.5)
        deadline = time.time() + 20
        while (lag_of(pair) or 0) < 1 and time.time() < deadline:
            time.sleep(0.2)
        assert lag_of(pair) >= 1  # received, not replayed: behind by the time since the last replay
        conn.execute("SELECT pg_wal_replay_resume()")
    pair.pg_stop("primary")
    deadline = time.time() + 20
    while lag_of(pair) is not None and time.time() < deadline:
        time.sleep(0.2)
    assert lag_of(pair) is None
