from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Ground floor: neighbourhood enterprises, their members, assets and yearly figures."""

    name = "enterprises"
    verbose_name = _("Neighbourhood enterprises")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the directory cache invalidation
