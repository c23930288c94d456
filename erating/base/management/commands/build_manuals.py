from django.core.management.base import BaseCommand

from erating.base.portal_content import manuals


class Command(BaseCommand):
    help = "Builds the user manuals' PDFs from docs/manuals/*.md into the static files."

    def handle(self, *args, **options):
        for path in manuals.build():
            self.stdout.write(f"{path.name}")
