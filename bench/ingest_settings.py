"""Benchmark settings: exactly the production settings, plus the baseline route (bench/ingest_urls.py).
Production never routes to the baseline: erating.urls does not know it."""
from erating.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ingest_urls"
