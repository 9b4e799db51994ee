from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project package as an app: its templates tags, the health check and ``seed_demo``."""

    name = "lsa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the portal's system checks
