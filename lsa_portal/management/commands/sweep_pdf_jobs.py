from django.core.management.base import BaseCommand

from knowledge import case_pdf
from municipalities import brief


class Command(BaseCommand):
    help = (
        "Hand PDF jobs that no worker has (broker was down, worker died) to a worker again: "
        "case descriptions and municipality briefs. For cron, where celery beat does not run."
    )

    def handle(self, *args, **options):
        cases, briefs = case_pdf.sweep(), brief.sweep()
        self.stdout.write(
            f"{cases} case PDF jobs and {briefs} municipality briefs handed to a worker again"
        )
