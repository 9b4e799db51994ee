from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    """Top floor: everything of one municipality on one page. Reads enterprises, pioneers and
    knowledge; nothing imports it except ``lsa_portal/urls.py`` and the staff start page
    (its ``selectors.waiting_for_staff()``)."""

    name = "municipalities"
    verbose_name = _("Municipalities")

    def ready(self) -> None:
        from . import signals

        signals.connect()  # whether a municipality has a brief, for the cached pages
