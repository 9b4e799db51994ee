"""How the programme's cached pages learn of a change (see lsa_portal/fragment_cache.py).

The staff pages, the pioneer pages and the programme page are cached under
``selectors.FRAGMENTS``. ``FEEDS_PROGRAMME`` names every model whose rows they show: every model
of this app, the enterprises and their members (a pioneer is an enterprise in the programme),
and the users (readings and log entries show who made them). The services call
``programme_changed()`` after they write; signals.py connects exactly these models (and the
experts' areas) for ORM writes outside a service, and listens to the enterprises' bulk import."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model

from enterprises.models import Enterprise, Membership
from lsa_portal import fragment_cache

from .selectors import FRAGMENTS

# Every model of this app: each shows on one of the pages (a new one will too).
PROGRAMME_MODELS = tuple(apps.get_app_config("pioneers").get_models())
FEEDS_PROGRAMME: tuple[type[Model], ...] = (
    *PROGRAMME_MODELS,
    Enterprise,
    Membership,
    get_user_model(),
)


def programme_changed() -> None:
    """Every cached fragment of the staff, pioneer and programme pages is out of date now."""
    fragment_cache.bump(FRAGMENTS)
