from django.core.management.base import BaseCommand

from erating.base.analysis import themes
from erating.base.management.commands.rebuild_aggregates import period, period_arguments


class Command(BaseCommand):
    help = ("Read the stored comments of a period again with the taxonomy in force (after an upgrade or a "
            "bulk load): their themes and theme counts, a month per transaction.")

    def add_arguments(self, parser):
        period_arguments(parser)

    def handle(self, *args, **opts):
        start, end = period(opts)
        themes.rebuild(start, end, opts["agency"])
        self.stdout.write(f"Themes read again {start} .. {end}" + (f" for agency {opts['agency']}"
                                                                    if opts["agency"] else ""))
