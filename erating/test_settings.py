"""Test settings: the production settings with fast password hashing and in-memory e-mail."""
import os

os.environ.setdefault("ERATING_TESTING", "1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]
# Tasks run inside the call that enqueues them; tests of the database worker switch to it.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# A second alias of the test database, as a replica would be: the router's tests switch the
# router on (REPLICA_READS, DATABASE_ROUTERS) and inject the lag it measures.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# The per-address limit on public work (unknown QR codes, the application form) would otherwise
# count every test's requests from 127.0.0.1 together; tests of the limit set their own.
PUBLIC_PER_MINUTE = 1_000_000
