from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PioneersConfig(AppConfig):
    """First floor: the WijkBV pioneer programme, built on enterprises."""

    name = "pioneers"
    verbose_name = _("WijkBV programme")

    def ready(self) -> None:
        from . import signals

        signals.connect()  # the programme's cache follows the models that feed it
