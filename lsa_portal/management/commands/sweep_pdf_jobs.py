from django.core.management.base import BaseCommand

from knowledge import case_pdf
from monitor import report
from municipalities import brief


class Command(BaseCommand):
    help = (
        "Hand PDF jobs that no worker has (broker was down, worker died) to a worker again: "
        "case descriptions, municipality briefs and monitor reports. For cron, where celery "
        "beat does not run."
    )

    def handle(self, *args, **options):
        cases, briefs, reports = case_pdf.sweep(), brief.sweep(), report.sweep()
        self.stdout.write(
            f"{cases} case PDF jobs, {briefs} municipality briefs and {reports} monitor reports "
            "handed to a worker again"
        )
