"""How the knowledge base's cached pages learn of a change (see lsa_portal/fragment_cache.py).

Two namespaces: ``SEARCH_FRAGMENTS`` (the search page; its facets list the themes and
audiences) and ``CONTENT_FRAGMENTS`` (pages built on the items elsewhere, e.g. a
municipality's page). ``FEEDS_SEARCH`` and ``FEEDS_CONTENT`` name the models behind each. The
services call ``search_changed()`` / ``content_changed()`` after they write; signals.py connects
exactly these models (and the items' relations) for ORM writes outside a service (the
enterprises' themes, the admin's relations, a data fix in the shell, the cache tests'
factories)."""

from __future__ import annotations

from enterprises.models import Theme
from lsa_portal import fragment_cache

from .models import FAQ, Article, Audience, CaseDescription, FAQCategory, Report, SearchDocument
from .search import SEARCH_FRAGMENTS
from .selectors import CONTENT_FRAGMENTS

FEEDS_SEARCH = (SearchDocument, Theme, Audience)
FEEDS_CONTENT = (Report, FAQ, Article, CaseDescription, FAQCategory, Audience)


def search_changed() -> None:
    """Every cached fragment of the search page is out of date now."""
    fragment_cache.bump(SEARCH_FRAGMENTS)


def content_changed() -> None:
    """Every cached fragment built on the knowledge base's items is out of date now."""
    fragment_cache.bump(CONTENT_FRAGMENTS)
