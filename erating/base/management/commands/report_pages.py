"""Render the first page of every report's PDF to a PNG (docs/reports/ by default), from the
data in the database, as its agency administrator (the cross-agency report as the system
administrator) sees it: the pictures the README shows. `make report-pages` runs it on a fresh
demo database."""
import os
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import User
from erating.base.reports.registry import REPORTS
from erating.base.reports.run import prepare, write_file
from erating.base.scoping import dimensions_for


class Command(BaseCommand):
    help = "Render page 1 of each report's PDF to PNG (for the README)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/reports", help="folder for the PNG files")
        parser.add_argument("--language", default="ms", choices=["ms", "en"])
        parser.add_argument("--days", type=int, default=30, help="the period: the last N days")
        parser.add_argument("--dpi", type=int, default=70)
        parser.add_argument("--keep-pdf", action="store_true", help="keep the PDFs beside the pictures")

    def handle(self, *args, **opts):
        if not shutil.which("pdftoppm"):
            raise CommandError("pdftoppm is needed (Debian package poppler-utils; make system-deps).")
        with scopes_disabled():
            admin = User.objects.filter(role=User.AGENCY_ADMIN, is_active=True).order_by("pk").first()
            sysadmin = User.objects.filter(role=User.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        if admin is None or sysadmin is None:
            raise CommandError("No agency or system administrator: load data first (manage.py demo_data).")
        os.makedirs(opts["out"], exist_ok=True)
        today = timezone.localdate()
        query = {"period": "custom", "start": (today - timedelta(days=opts["days"])).isoformat(),
                 "end": today.isoformat(), "language": opts["language"]}
        for slug, report in REPORTS.items():
            user = sysadmin if report.sysadmin_only else admin
            req = prepare(user, dimensions_for(user), {**query, "report": slug, "fmt": "pdf"})
            with tempfile.TemporaryDirectory() as tmp:
                pdf = os.path.join(tmp, f"{slug}.pdf")
                started = time.perf_counter()
                write_file(req, pdf)
                took = time.perf_counter() - started
                target = os.path.join(opts["out"], f"{slug}-{opts['language']}")
                subprocess.run(["pdftoppm", "-png", "-r", str(opts["dpi"]), "-f", "1", "-l", "1", "-singlefile",
                                pdf, target], check=True)
                if opts["keep_pdf"]:
                    shutil.copy(pdf, target + ".pdf")
            self.stdout.write(f"{target}.png  ({took:.1f} s)")
