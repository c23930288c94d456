"""bench/disk.py: the flush probe's summary is what the benchmark's verdict on the disk rests on."""
from bench import disk


def test_summary_counts_stalls_and_percentiles():
    latencies = [0.0002] * 990 + [0.03] * 5 + [0.06, 0.08, 0.2, 0.3, 1.2]
    figures = disk.summarize(latencies, seconds=10)
    assert figures["flushes"] == 1000
    assert figures["p50_ms"] == 0.2
    assert figures["p99_ms"] == 30.0
    assert figures["max_ms"] == 1200.0
    assert figures["stalls_50ms"] == 5
    assert figures["stalls_50ms_per_30s"] == 15.0


def test_probe_writes_and_cleans_up(tmp_path):
    figures = disk.flush_probe(tmp_path, seconds=0.2)
    assert figures["flushes"] > 0
    assert 0 < figures["p50_ms"] <= figures["max_ms"]
    assert list(tmp_path.iterdir()) == []


def test_no_directory_for_a_remote_server():
    assert disk.data_disk_directory("postgres://postgres@db.example.invalid:5432") is None
