"""Production settings pass `check --deploy`; /healthz tells a load balancer whether the database answers."""
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ERATING_", "DATABASE_", "DB_", "DEBUG",
                                                                      "SECURE", "HSTS"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(DJANGO_SETTINGS_MODULE="erating.settings", DEBUG="0",
               SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(64)),
               ALLOWED_HOSTS="erating.example.gov.my", DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    env.update(extra)
    return env


def manage(tmp_path, *args, **extra):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=production_env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=120)


def test_it_passes_check_deploy_with_production_settings(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "DEBUG")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(tmp_path, "check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_flags_a_weak_secret_key(tmp_path):
    # The check is real: a short key is reported, so the clean run above means something.
    result = manage(tmp_path, "check", "--deploy", SECRET_KEY="short")
    assert result.returncode != 0 or "security.W009" in result.stdout + result.stderr


@pytest.mark.django_db
def test_it_reports_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_reports_an_unreachable_database(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "connection refused" not in response.content.decode()  # no internals leak


def test_it_collects_static_files_for_production(tmp_path):
    # The deployment step of the README: the manifest storage refuses a file that references one
    # it cannot find (e.g. a vendored script's source map), and then no page could be rendered.
    target = tmp_path / "static"
    result = manage(tmp_path, "collectstatic", "--noinput", "-v0", STATIC_ROOT=str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (target / "staticfiles.json").read_text()
    assert "vendor/chart.umd.min.js" in manifest and "erating/app.css" in manifest
