from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    """Top floor: the association's yearly monitor of the sector. Staff open a reporting round
    for a year, the enterprises report their figures, the monitor of the year is published (and
    fixed when the round closes), and its report goes into the knowledge base. Reads
    enterprises (whose ``measures`` define every figure) and writes into knowledge; nothing
    imports it except ``lsa_portal/urls.py`` and the staff start page (its
    ``selectors.waiting_for_staff()``)."""

    name = "monitor"
    verbose_name = _("Monitor")
