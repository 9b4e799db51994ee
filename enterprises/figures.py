"""Pure functions on plain numbers: the income mix of an enterprise and medians for the benchmark.

No ORM here, so every rule is easy to test. Money is whole euros (int); shares are ``Decimal``
percentages, never floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# Which income stream counts as which kind of money. Public contracts (social procurement, the
# Right to Challenge) are public money, though not a subsidy: they count as public, not market.
MARKET_STREAMS = ("income_sales", "income_rent", "income_contributions")
PUBLIC_STREAMS = ("income_public_contracts", "income_subsidies")
PRIVATE_STREAMS = ("income_funds", "income_donations", "income_loans")
ALL_STREAMS = MARKET_STREAMS + PUBLIC_STREAMS + PRIVATE_STREAMS

# A social enterprise, by the definition the association uses, earns at least 75 % of its income
# from the market.
SOCIAL_ENTERPRISE_MARKET_SHARE = Decimal(75)

HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


class Group(StrEnum):
    MARKET = "market"
    PUBLIC = "public"
    PRIVATE = "private"


GROUP_STREAMS = {
    Group.MARKET: MARKET_STREAMS,
    Group.PUBLIC: PUBLIC_STREAMS,
    Group.PRIVATE: PRIVATE_STREAMS,
}


def share(part: int, total: int) -> Decimal | None:
    """``part`` as a percentage of ``total`` with one decimal; None when there is no total."""
    if total <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def whole_percentages(parts: Mapping[str, int]) -> dict[str, int]:
    """Whole percentages that add up to exactly 100 (largest remainder), for charts and tables.

    Plain rounding can give 99 or 101 in total (three equal parts: 33 + 33 + 33); the largest
    remainder method hands the missing points to the parts that lost most by rounding down.
    """
    total = sum(parts.values())
    if total <= 0:
        return dict.fromkeys(parts, 0)
    exact = {key: Decimal(value) * HUNDRED / Decimal(total) for key, value in parts.items()}
    floors = {key: int(value) for key, value in exact.items()}
    missing = 100 - sum(floors.values())
    by_remainder = sorted(
        parts, key=lambda key: (exact[key] - floors[key], parts[key]), reverse=True
    )
    for key in by_remainder[:missing]:
        floors[key] += 1
    return floors


@dataclass(frozen=True)
class IncomeMix:
    """The income of one enterprise in one year, by stream and by kind of money."""

    streams: Mapping[str, int]
    expenses: int = 0

    @property
    def total(self) -> int:
        return sum(self.streams.get(stream, 0) for stream in ALL_STREAMS)

    def amount(self, group: Group) -> int:
        return sum(self.streams.get(stream, 0) for stream in GROUP_STREAMS[group])

    @property
    def market_share(self) -> Decimal | None:
        return share(self.amount(Group.MARKET), self.total)

    @property
    def public_share(self) -> Decimal | None:
        return share(self.amount(Group.PUBLIC), self.total)

    @property
    def private_share(self) -> Decimal | None:
        return share(self.amount(Group.PRIVATE), self.total)

    @property
    def meets_social_enterprise_mark(self) -> bool:
        """At least 75 % of the income from the market (exact, before rounding)."""
        total = self.total
        return (
            total > 0 and self.amount(Group.MARKET) * 100 >= SOCIAL_ENTERPRISE_MARKET_SHARE * total
        )

    @property
    def result(self) -> int:
        """Income minus expenses, in euros (negative is a loss)."""
        return self.total - self.expenses

    def group_percentages(self) -> dict[str, int]:
        return whole_percentages({group.value: self.amount(group) for group in Group})

    def stream_percentages(self) -> dict[str, int]:
        return whole_percentages({stream: self.streams.get(stream, 0) for stream in ALL_STREAMS})


def median(values: Iterable[Decimal | int]) -> Decimal | None:
    """The median of the values that are not None; None for no values."""
    ordered = sorted(Decimal(value) for value in values if value is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
