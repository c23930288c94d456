from datetime import date

from django.core.management.base import BaseCommand, CommandError

from erating.base.analysis import aggregates
from erating.base.analysis.criteria import today


def period_arguments(parser):
    parser.add_argument("--start", type=date.fromisoformat, help="first day (YYYY-MM-DD, Malaysia time); "
                        "default: 1 January of last year")
    parser.add_argument("--end", type=date.fromisoformat, help="last day (default: today)")
    parser.add_argument("--agency", type=int, help="only this agency id")


def period(opts):
    end = opts["end"] or today()
    start = opts["start"] or date(end.year - 1, 1, 1)
    if end < start:
        raise CommandError("--end is before --start")
    return start, end


class Command(BaseCommand):
    help = "Recompute the analysis aggregates of a period (widened to whole months) from the raw ratings."

    def add_arguments(self, parser):
        period_arguments(parser)

    def handle(self, *args, **opts):
        start, end = period(opts)
        aggregates.rebuild(start, end, agency=opts["agency"])
        self.stdout.write(f"Rebuilt aggregates {start} .. {end}" + (f" for agency {opts['agency']}" if opts["agency"] else ""))
