from django.core.management.base import BaseCommand

from knowledge.case_pdf import sweep


class Command(BaseCommand):
    help = "Hand PDF jobs that no worker has (broker was down, worker died) to a worker again."

    def handle(self, *args, **options):
        self.stdout.write(f"{sweep()} PDF jobs handed to a worker again")
