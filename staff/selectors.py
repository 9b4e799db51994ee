"""What the staff start page reads: what waits for staff, from each app's own
``waiting_for_staff()``, under the app's name. A constant number of queries (two per app at
most), whatever waits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from enterprises import selectors as enterprises
from knowledge import selectors as knowledge
from lsa_portal.waiting import Waiting
from monitor import selectors as monitor
from municipalities import selectors as municipalities
from pioneers import selectors as pioneers

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# In the order of the main navigation.
SOURCES: tuple[tuple[str, _StrOrPromise, Callable[[], list[Waiting]]], ...] = (
    ("enterprises", _("Neighbourhood enterprises"), enterprises.waiting_for_staff),
    ("monitor", _("Monitor"), monitor.waiting_for_staff),
    ("pioneers", _("WijkBV programme"), pioneers.waiting_for_staff),
    ("knowledge", _("Knowledge base"), knowledge.waiting_for_staff),
    ("municipalities", _("Municipalities"), municipalities.waiting_for_staff),
)


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    items: list[Waiting]


@dataclass(frozen=True)
class StartPage:
    areas: list[Area]

    @property
    def tasks(self) -> int:
        """How many things wait for staff to act on (what is only worth knowing left out)."""
        return sum(item.count for area in self.areas for item in area.items if item.task)


def start_page() -> StartPage:
    """Every app's waiting things, each app under its own heading."""
    return StartPage([Area(key, str(title), source()) for key, title, source in SOURCES])
