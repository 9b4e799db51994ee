"""Pure functions on plain numbers: the income mix of an enterprise and medians for the benchmark.

No ORM here, so every rule is easy to test. Money is whole euros (int); shares are ``Decimal``
percentages, never floats.

Turnover is income: what the enterprise earned or received to spend (sales, rent, contributions,
public contracts, subsidies, funds, donations). A loan is financing, not income: it has to be
paid back, so it is never part of the turnover nor of any share of it, and is reported on its
own line. ``enterprises.measures`` computes the sector's figures with the same definitions.
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
PRIVATE_STREAMS = ("income_funds", "income_donations")
# Every stream that is turnover, in the order the form and the charts show them.
ALL_STREAMS = MARKET_STREAMS + PUBLIC_STREAMS + PRIVATE_STREAMS
# Financing: money that comes in but is not income (it is paid back). Shown on its own line.
FINANCING_STREAMS = ("income_loans",)

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
    """The income of one enterprise in one year, by stream and by kind of money. ``total`` is
    the turnover: loans (financing) are left out of it and of every share."""

    streams: Mapping[str, int]
    expenses: int = 0

    @property
    def total(self) -> int:
        return sum(self.streams.get(stream, 0) for stream in ALL_STREAMS)

    @property
    def loans(self) -> int:
        """Loans and social impact finance: financing, not turnover."""
        return sum(self.streams.get(stream, 0) for stream in FINANCING_STREAMS)

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
        """Turnover minus expenses, in euros (negative is a loss); a loan does not make a
        profit."""
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


# --- What looks implausible ------------------------------------------------------------------
# Figures that differ this much from the year before are flagged for staff to check with the
# enterprise (a typing error, or a real change worth knowing about); they are never refused.
STREAM_JUMP_FACTOR = 10  # a stream ten times last year's, or a tenth of it
STREAM_JUMP_FLOOR = 1_000  # ... where the larger of the two is at least this many euros
PEOPLE_JUMP_FACTOR = 3
FTE_JUMP_FLOOR = Decimal(2)  # at least this many FTE more or fewer
VOLUNTEERS_JUMP_FLOOR = 10  # at least this many volunteers more or fewer

FLAG_STREAM = "stream"  # stored as "stream:<field>"
FLAG_FTE = "fte"
FLAG_VOLUNTEERS = "volunteers"
FLAG_NO_EXPENSES = "no-expenses"


def _jumped(now: Decimal | int, before: Decimal | int, factor: int, floor) -> bool:
    """``now`` at least ``factor`` times ``before`` or the other way round, by at least
    ``floor`` (from nothing to ``floor`` or more counts as a jump too)."""
    low, high = sorted((Decimal(now), Decimal(before)))
    return high - low >= floor and high >= low * factor


def implausible(current: Mapping, previous: Mapping | None) -> list[str]:
    """Codes of what looks implausible in one year's figures (a mapping of the year's fields)
    against the year before: a stream ten times (or a tenth of) last year's, paid staff or
    volunteers jumping, income without expenses. An empty list when nothing does."""
    flags = []
    if previous is not None:
        for stream in (*ALL_STREAMS, *FINANCING_STREAMS):
            now, before = current.get(stream, 0) or 0, previous.get(stream, 0) or 0
            if now and before and _jumped(now, before, STREAM_JUMP_FACTOR, STREAM_JUMP_FLOOR):
                flags.append(f"{FLAG_STREAM}:{stream}")
        fte_now = current.get("paid_staff_fte") or 0
        fte_before = previous.get("paid_staff_fte") or 0
        if _jumped(fte_now, fte_before, PEOPLE_JUMP_FACTOR, FTE_JUMP_FLOOR):
            flags.append(FLAG_FTE)
        volunteers_now = current.get("volunteers") or 0
        volunteers_before = previous.get("volunteers") or 0
        if _jumped(volunteers_now, volunteers_before, PEOPLE_JUMP_FACTOR, VOLUNTEERS_JUMP_FLOOR):
            flags.append(FLAG_VOLUNTEERS)
    turnover = sum(current.get(stream, 0) or 0 for stream in ALL_STREAMS)
    if turnover > 0 and not current.get("expenses"):
        flags.append(FLAG_NO_EXPENSES)
    return flags
