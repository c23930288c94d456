import logging
import time

from django.core.management.base import BaseCommand

from erating.base.analysis import pending

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Count stored ratings into the analysis aggregates (erating/base/analysis/pending.py), "
            "checking every second. Safe to run on several servers: one folds at a time.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="fold what is pending and exit")
        parser.add_argument("--every", type=float, default=1.0, help="seconds between folds (default 1)")

    def handle(self, *args, once=False, every=1.0, **opts):
        if once:
            self.stdout.write(f"Folded {pending.fold_all(wait=True)} ratings")
            return
        while True:
            try:
                pending.fold_all()
            except Exception:  # noqa: BLE001 - a database outage must not end the folder
                logger.exception("Pending ratings could not be folded")
            time.sleep(every)
