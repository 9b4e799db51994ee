"""The Celery app, configured from Django's settings (``CELERY_*``), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsa_portal.settings")

app = Celery("lsa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="lsa_portal.ping", ignore_result=False)
def ping() -> str:
    """Answer 'pong': lets an operator (and the integration test) see a worker round-trip
    (the one task whose result is read, see CELERY_TASK_IGNORE_RESULT)."""
    return "pong"
