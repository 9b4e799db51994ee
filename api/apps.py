from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The roof: the open-data API reads from every app below it and nothing reads from it."""

    name = "api"
    verbose_name = _("Open data API")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the case PDFs' cache invalidation
