"""`make run` shows the product as its users see it: DEBUG stays off (LOCAL_HTTP relaxes only
what plain http on this machine needs), so an unknown or forbidden URL gets eRating's own
404/403 page, never Django's debug page listing every URL pattern; static files still load."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def local_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ERATING_", "DATABASE_", "DEBUG",
                                                                      "SECRET_KEY", "ALLOWED_HOSTS", "SECURE"))}
    env.update(DJANGO_SETTINGS_MODULE="erating.settings", LOCAL_HTTP="1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"))
    env.update(extra)
    return env


def run_target():
    text = (ROOT / "Makefile").read_text()
    return text[text.index("\nrun:"):text.index("\ntest:")]


def test_it_runs_make_run_without_debug():
    recipe = run_target()
    assert "DEBUG=1" not in recipe and "LOCAL_HTTP=1" in recipe
    assert "runserver" in recipe


def test_it_refuses_local_http_for_a_public_host(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "check"], check=False, cwd=ROOT, capture_output=True, text=True,
                            env=local_env(tmp_path, ALLOWED_HOSTS="erating.example.gov.my"), timeout=120)
    assert result.returncode != 0 and "LOCAL_HTTP is for this machine only" in result.stderr


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def local_server(tmp_path):
    env = local_env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_it_serves_its_own_error_pages_and_static_files_over_plain_http(local_server):
    status, body = get(local_server + "/no/such/page/")
    assert status == 404
    with translation.override("ms"):
        heading = translation.gettext("Page not found")
    assert heading != "Page not found" and heading in body and 'class="topbar"' in body  # eRating's page, in BM
    assert "URLconf" not in body and "Using the URLconf" not in body and "DEBUG = True" not in body
    status, body = get(local_server + "/r/zzzzzzzzzz")
    assert status == 404 and "URLconf" not in body
    status, css = get(local_server + "/static/erating/app.css")
    assert status == 200 and ".container" in css
    status, body = get(local_server + "/control/login/")
    assert status == 200 and re.search(r'<link rel="stylesheet" href="/static/erating/app\.css"', body)


def test_it_moves_make_run_to_another_port():
    """`make run PORT=8001`: the server listens there, the address printed and SITE_URL (QR codes,
    e-mails) name that port; without PORT it stays 8000."""
    def dry_run(*args):
        return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True,
                              timeout=60).stdout
    moved = dry_run("PORT=8001")
    assert "runserver 127.0.0.1:8001" in moved and "eRating is at http://127.0.0.1:8001" in moved
    assert "http://127.0.0.1:8001}" in moved and "127.0.0.1:8000" not in moved
    default = dry_run()
    assert "runserver 127.0.0.1:8000" in default and "eRating is at http://127.0.0.1:8000" in default
