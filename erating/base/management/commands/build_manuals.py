import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from erating.base.portal_content import manuals

DEMO_RATINGS = 3000  # enough for every chart and list to have something to show; quick to build


class Command(BaseCommand):
    help = ("Builds the user manuals' PDFs from docs/manuals/*.md into the static files. With --screens, "
            "first takes fresh screenshots from a throw-away demo served on a free port (Playwright and "
            "Debian's Chromium, as the browser tests use them).")

    def add_arguments(self, parser):
        parser.add_argument("--screens", action="store_true", help="take fresh screenshots first")
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

    def handle(self, *args, **options):
        if options["screens"]:
            self.take_screens(options["chromium"])
        for path in manuals.build():
            self.stdout.write(f"{path.name}")

    def take_screens(self, chromium):
        """The demo runs in subprocesses against its own SQLite file, so this command never touches
        the developer's database; the capture itself also runs in a subprocess on that database."""
        root = Path(settings.BASE_DIR)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, LOCAL_HTTP="1", DEBUG="0", DATABASE_URL=f"sqlite:///{tmp}/manuals.sqlite3",
                       MEDIA_ROOT=f"{tmp}/media", REDIS_URL="", SITE_URL=f"http://127.0.0.1:{port}",
                       DJANGO_ALLOW_ASYNC_UNSAFE="true")

            def manage(*args, **kwargs):
                return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, check=True, **kwargs)

            manage("migrate", "-v0")
            manage("demo_data", "--ratings", str(DEMO_RATINGS), "--premises", "12", stdout=subprocess.DEVNULL)
            server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks",
                                       f"127.0.0.1:{port}"], cwd=root, env=env, start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                self._wait(port)
                manage("shell", "-v0", "-c", "from erating.base.portal_content import screenshots as s; "
                       f"print(len(s.capture('http://127.0.0.1:{port}', chromium={chromium!r})), 'screens')")
            finally:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)

    @staticmethod
    def _wait(port):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        raise CommandError("the demo server did not start")
