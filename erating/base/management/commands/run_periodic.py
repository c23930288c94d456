import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from erating.base import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Enqueue the periodic tasks (erating/base/periodic.py) when due, checking once a minute. "
            "Safe to run on several servers at once.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit (tests, cron)")
        parser.add_argument("--tick", type=float, default=60.0, help="seconds between checks (default 60)")

    def handle(self, *args, once=False, tick=60.0, **opts):
        periodic.autodiscover()
        if once:
            self.report(periodic.run_due(timezone.now()))
            return
        self.stdout.write(f"Periodic tasks: {', '.join(sorted(periodic.registry)) or 'none registered'}")
        while True:
            try:
                self.report(periodic.run_due(timezone.now()))
            except Exception:  # noqa: BLE001 - a database outage must not end the scheduler
                logger.exception("Periodic tasks could not be checked")
            time.sleep(max(1.0, tick - time.time() % tick))

    def report(self, names):
        for name in names:
            self.stdout.write(f"Enqueued {name}")
