from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The roof: staff's start page, which gathers what waits for staff from every app (each
    app's ``selectors.waiting_for_staff()``). It keeps nothing of its own; nothing imports it
    except ``lsa_portal/urls.py``."""

    name = "staff"
    verbose_name = _("Staff")
