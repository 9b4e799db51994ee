from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Top floor: reports, FAQs, articles and case descriptions; may read both other apps."""

    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from . import signals

        signals.connect()
