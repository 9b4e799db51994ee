"""Municipality names as people type them: folded for searching, so that 'den haag' finds
's-Gravenhage and 'sudwest fryslan' finds Súdwest-Fryslân. Pure functions, no ORM (the
migrations use them too)."""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "|"
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents and apostrophes dropped, every run of other characters one space:
    "'s-Gravenhage" -> 's gravenhage', 'Súdwest-Fryslân' -> 'sudwest fryslan'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters = letters.lower().replace("'", "").replace("\u2019", "")
    return _NOT_LETTERS.sub(" ", letters).strip()


def split_other_names(other_names: str) -> list[str]:
    """The other names of a municipality, as stored ('Den Haag|Haag')."""
    return [name.strip() for name in (other_names or "").split(SEPARATOR) if name.strip()]


def municipality_search_names(name: str, other_names: str) -> str:
    """What a search compares with: every name folded, between separators, so that a search
    for a whole name can match on its boundaries ('|s gravenhage|den haag|')."""
    names = [fold(name), *(fold(other) for other in split_other_names(other_names))]
    return SEPARATOR + SEPARATOR.join(name for name in names if name) + SEPARATOR
