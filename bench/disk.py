"""How long the disk under PostgreSQL takes to make 8 KB durable, as PostgreSQL's WAL needs
it for every commit: one writer, pwrite + fdatasync 200 times a second (about the commit rate
of the ingest benchmark; a tight loop would measure the disk under a load of its own making),
on the data directory's disk.

Why it matters for rating ingest: an acknowledged rating is a committed one, so every answer
waits for a WAL flush. When the disk stalls for 50 ms or more, every request in flight waits
that long (all 64 connections, in a closed loop), and from about 14 such stalls in a 30 s run
(64 × 14 ≈ 1 % of ~90 000 requests) no durable ingest can keep p99 under 50 ms.

    .venv/bin/python -m bench.disk [seconds] [directory]
"""
import os
import sys
import tempfile
import time
from urllib.parse import urlparse

BLOCK = b"x" * 8192
FILE_SIZE = 16 << 20  # a WAL segment's size; rewritten in place like a recycled segment
INTERVAL = 0.005


def flush_probe(directory, seconds=10.0, interval=INTERVAL):
    fd, path = tempfile.mkstemp(prefix="erating-flush-probe-", dir=directory)
    try:
        os.write(fd, b"\0" * FILE_SIZE)
        os.fsync(fd)
        latencies, offset, end = [], 0, time.monotonic() + seconds
        next_at = time.monotonic()
        while next_at < end:
            start = time.perf_counter()
            os.pwrite(fd, BLOCK, offset)
            os.fdatasync(fd)
            latencies.append(time.perf_counter() - start)
            offset = (offset + len(BLOCK)) % FILE_SIZE
            # Paced on a fixed schedule: a stall is followed by no burst of catch-up flushes.
            next_at = max(next_at + interval, time.monotonic())
            time.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        os.close(fd)
        os.unlink(path)
    return summarize(latencies, seconds)


def summarize(latencies, seconds):
    ordered = sorted(latencies)
    n = len(ordered)

    def pct(p):
        return round(ordered[min(n - 1, int(n * p))] * 1000, 2)

    stalls = sum(1 for s in ordered if s >= 0.05)
    return {"flushes": n, "p50_ms": pct(0.5), "p99_ms": pct(0.99), "p999_ms": pct(0.999),
            "max_ms": round(ordered[-1] * 1000, 2), "stalls_50ms": stalls,
            "stalls_50ms_per_30s": round(stalls * 30 / seconds, 1)}


def data_disk_directory(pg_url):
    """A writable folder beside PostgreSQL's data directory (same disk, outside the cluster)
    when the server is on this machine, else None."""
    import psycopg

    if urlparse(pg_url).hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
        return None
    try:
        with psycopg.connect(f"{pg_url}/postgres") as conn:
            directory = conn.execute("SHOW data_directory").fetchone()[0]
    except psycopg.Error:  # not a superuser: PostgreSQL does not say
        return None
    parent = os.path.dirname(directory.rstrip("/"))
    return parent if parent and os.access(parent, os.W_OK) else None


if __name__ == "__main__":
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    print(flush_probe(sys.argv[2] if len(sys.argv) > 2 else tempfile.gettempdir(), secs))
