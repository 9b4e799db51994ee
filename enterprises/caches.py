"""How the enterprises' cached pages learn of a change (see lsa_portal/fragment_cache.py).

The directory, the profiles and the benchmark are cached under ``DIRECTORY_FRAGMENTS``; the same
version keys what other apps build on the enterprises' data (a municipality's page, the national
medians, the monitor). ``FEEDS_DIRECTORY`` names every model whose rows those pages show: a save
or delete of one of them bumps the version (signals.py connects exactly these models, no other).
A write that sends no signal (``bulk_create``, ``update()``, the import) calls
``directory_changed()`` itself."""

from __future__ import annotations

from lsa_portal import fragment_cache

from .models import Asset, Enterprise, Municipality, Theme, YearFigures
from .selectors import DIRECTORY_FRAGMENTS

FEEDS_DIRECTORY = (Enterprise, Municipality, Theme, YearFigures, Asset)


def directory_changed() -> None:
    """Every cached fragment built on the enterprises' data is out of date from now on."""
    fragment_cache.bump(DIRECTORY_FRAGMENTS)
