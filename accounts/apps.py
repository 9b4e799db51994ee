from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from .roles import ensure_roles_after_migrate

        # Permissions only exist after every app has migrated, so the role groups are brought
        # up to date after each migrate rather than in a data migration.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="accounts.ensure_roles")
