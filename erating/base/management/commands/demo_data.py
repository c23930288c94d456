from django.core.management.base import BaseCommand, CommandError

from erating.base.demo.generate import DEMO_PASSWORD, DemoBuilder, demo_exists, logins
from erating.base.models import User
from erating.base.portal_content.demo import build_portal_demo


class Command(BaseCommand):
    help = "Create demo ministries, agencies, premises, targets, staff and a year of ratings."

    def add_arguments(self, parser):
        parser.add_argument("--ratings", type=int, default=100_000, help="number of ratings (default 100000)")
        parser.add_argument("--premises", type=int, default=50, help="number of premises (default 50)")
        parser.add_argument("--days", type=int, default=365, help="period covered, in days (default 365)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when demo data already exists")

    def handle(self, *args, **opts):
        if opts["ratings"] < 0 or opts["premises"] < 1 or opts["days"] < 1:
            raise CommandError("--ratings must be >= 0, --premises and --days >= 1")
        if demo_exists():
            if opts["if_empty"]:
                self.stdout.write("Demo data already present; skipping generation.")
                build_portal_demo()
                self.print_logins()
                return
            raise CommandError("The database already holds agencies; use a fresh database for demo data.")
        DemoBuilder(premises=opts["premises"], ratings=opts["ratings"], seed=opts["seed"], days=opts["days"],
                    stdout=self.stdout).build()
        build_portal_demo()
        self.print_logins()

    def print_logins(self):
        labels = dict(User.ROLE_CHOICES)
        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: %s)" % DEMO_PASSWORD))
        for role, email in logins().items():
            self.stdout.write(f"  {str(labels[role]):<24} {email}")
        self.stdout.write("  Kiosk officer sign-on PIN for petugas@jpn.gov.my: 1234\n")
