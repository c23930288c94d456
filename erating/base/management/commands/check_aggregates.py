from django.core.management.base import BaseCommand, CommandError

from erating.base.analysis import aggregate_check, themes
from erating.base.management.commands.rebuild_aggregates import period, period_arguments


class Command(BaseCommand):
    help = "Compare the analysis aggregates of a period with the raw ratings; exit 1 on any difference."

    def add_arguments(self, parser):
        period_arguments(parser)

    def handle(self, *args, **opts):
        start, end = period(opts)
        differences = aggregate_check.check(start, end, agency=opts["agency"])  # folds first
        differences += [(f"Theme {theme}", when, counted, linked)
                        for theme, when, counted, linked in themes.check(start, end, opts["agency"])]
        for table, key, stored, raw in differences[:50]:
            self.stdout.write(f"{table} {key}: stored {stored}, raw {raw}")
        if differences:
            raise CommandError(f"{len(differences)} aggregate rows differ from the raw ratings "
                               f"(manage.py rebuild_aggregates --start {start} --end {end})")
        self.stdout.write(f"Aggregates equal the raw ratings {start} .. {end}")
