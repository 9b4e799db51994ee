"""Server-rendered SVG charts: the same data serves the page and the PDF, readable without
JavaScript, always with a text alternative. Knows no app: callers pass labels and numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Eight colours that stay apart for common colour-vision deficiencies (Okabe-Ito based, darkened
# where white text or a white gap must show). The legend and the table carry the same
# information, so colour is never the only cue.
PALETTE = ("#1d5c47", "#2f8fbf", "#7a4fa0", "#a8420c", "#d9a400", "#5f6b65", "#c2577f", "#0f7d74")


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    percentage: int
    colour: str
    x: float = 0.0
    width: float = 0.0


@dataclass(frozen=True)
class StackedBar:
    """A horizontal bar of 100 units wide, split into segments (zero segments left out)."""

    segments: tuple[Segment, ...]
    total: int
    description: str

    @property
    def is_empty(self) -> bool:
        return self.total <= 0


def stacked_bar(
    parts: Sequence[tuple[str, str, int]], percentages: dict[str, int], description: str
) -> StackedBar:
    """Lay out ``parts`` (key, label, value) with their whole ``percentages`` (summing to 100)."""
    segments, x = [], 0.0
    for index, (key, label, value) in enumerate(parts):
        percentage = percentages.get(key, 0)
        colour = PALETTE[index % len(PALETTE)]
        segment = Segment(key, label, value, percentage, colour, x=x, width=float(percentage))
        segments.append(segment)
        x += percentage
    total = sum(value for _, _, value in parts)
    return StackedBar(segments=tuple(segments), total=total, description=description)
