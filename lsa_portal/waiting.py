"""What waits for staff, in the one shape in which every app tells the staff start page
(``staff/``): each app's ``selectors.waiting_for_staff()`` returns a list of :class:`Waiting`,
with a constant number of queries. Knows no app."""

from __future__ import annotations

from dataclasses import dataclass

# Where each thing has its own place (a failed PDF of one case), the page links at most this
# many of them; the count says how many there are.
LINK_LIMIT = 10


@dataclass(frozen=True)
class Link:
    """The place of one of them, with a word about it (the error of a failed PDF)."""

    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Waiting:
    """One kind of thing that waits for staff: how many, what, and where to act on it.

    ``text`` says what without the number, in the page's language and in the number's form
    (``ngettext``); the page puts the count before it. ``url`` is where staff act on all of
    them, or None where each has a place of its own: then ``links`` names each (at most
    ``LINK_LIMIT``). ``task`` is False for what is worth knowing but asks nothing of staff; the
    page says "nothing waits for you" when no task has a count. ``note`` is a word beside it
    (why it asks nothing).
    """

    key: str
    count: int
    text: str
    url: str | None = None
    links: tuple[Link, ...] = ()
    task: bool = True
    note: str = ""

    @property
    def unlisted(self) -> int:
        """How many have a place of their own that the links leave out."""
        return self.count - len(self.links) if self.links else 0
