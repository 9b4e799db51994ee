from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Ground floor: neighbourhood enterprises, their members, assets and yearly figures."""

    name = "enterprises"
    verbose_name = _("Neighbourhood enterprises")

    def ready(self) -> None:
        from . import signals

        signals.connect()  # the directory cache follows the models that feed it
