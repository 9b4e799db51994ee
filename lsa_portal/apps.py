from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project package as an app: its templates tags, the health check, ``seed_demo``, the
    audit log and the register of personal data (each app's ``privacy.py``)."""

    name = "lsa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # checks: the system checks; aggregates: SQLite's median().
        from . import aggregates, audit, checks, privacy  # noqa: F401

        # Every app's privacy.py registers its personal data and retention rules.
        autodiscover_modules("privacy")
        # The portal's own rule, last: the audit log (which the other rules' runs write to).
        privacy.register_retention("audit-log", audit.retention_text, audit.purge_expired)
