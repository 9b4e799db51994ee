"""URL slugs made unique: one rule for every app that names its pages after something."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Set
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify

# Room left after the base (and its qualifier) for a number: "-2", "-3", ...
NUMBER_ROOM = 20


def _candidates(base: str, qualifier: str) -> Iterator[str]:
    """``base``, then ``base-qualifier`` (when given), then that with -2, -3, ... appended."""
    yield base
    stem = f"{base}-{qualifier}" if qualifier else base
    if qualifier:
        yield stem
    for number in itertools.count(2):
        yield f"{stem}-{number}"


def unique_slug(
    text: str,
    taken: QuerySet[Any] | Set[str],
    *,
    fallback: str,
    max_length: int,
    reserved: Set[str] = frozenset(),
    reserved_suffix: str = "1",
    qualifier: str = "",
) -> str:
    """A slug of ``text`` that nothing in ``taken`` has: a queryset of a model with a ``slug``
    field, or the set of slugs given out so far (one query for a whole import).

    The base is ``text`` slugified (``fallback`` when nothing of it is left), cut so that the
    qualifier and a number still fit in ``max_length``; a word in ``reserved`` (a URL of the
    app's own) gets ``-reserved_suffix``. When the base is taken: ``base-qualifier`` if a
    qualifier is given, then a number from 2 up (``base-2``, or ``base-qualifier-2``, ...)."""
    room = NUMBER_ROOM + (len(qualifier) + 1 if qualifier else 0)
    base = slugify(text)[: max_length - room].rstrip("-") or fallback
    if base in reserved:
        base = f"{base}-{reserved_suffix}"
    if isinstance(taken, QuerySet):
        taken = set(taken.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(slug for slug in _candidates(base, qualifier) if slug not in taken)
