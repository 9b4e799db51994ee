"""How the municipality pages' own cached part learns of a change (see
lsa_portal/fragment_cache.py and the tuples in selectors.py that name what each fragment reads).

Only whether a municipality has a brief at all is this app's own (``BRIEF_FRAGMENTS``);
``request_brief`` calls ``briefs_changed()`` when it makes a job, signals.py when a job is made
or deleted outside it. The rest of the page follows the other apps' namespaces."""

from __future__ import annotations

from lsa_portal import fragment_cache

from .models import BriefJob
from .selectors import BRIEF_FRAGMENTS

FEEDS_BRIEFS = (BriefJob,)


def briefs_changed() -> None:
    """Every cached municipality page is out of date as to whether it has a brief."""
    fragment_cache.bump(BRIEF_FRAGMENTS)
