"""Server-rendered charts: pure geometry for inline SVG (no JavaScript, nothing for the CSP to allow)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: datetime.date
    value: int
    is_labelled: bool

    @property
    def center_x(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    max_value: int
    gridlines: list[tuple[float, int]]


def daily_bar_chart(
    points: list[tuple[datetime.date, int]], *, width: int = 720, height: int = 200, label_every: int = 5
) -> BarChart:
    """Lay out one bar per day. The scale's top is a "nice" number (1, 2, 5 × 10^n) so the gridlines
    read as round values; a day with no orders has a zero-height bar, not a missing one."""
    plot_top, plot_bottom, left, right = 10, height - 24, 32, 20
    max_value = _nice_ceiling(max((value for _, value in points), default=0))
    slot = (width - left - right) / max(len(points), 1)
    bar_width = max(slot * 0.7, 1)
    plot_height = plot_bottom - plot_top
    bars = []
    for index, (day, value) in enumerate(points):
        bar_height = plot_height * value / max_value
        bars.append(
            Bar(
                x=round(left + index * slot + (slot - bar_width) / 2, 2),
                y=round(plot_bottom - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                day=day,
                value=value,
                is_labelled=(len(points) - 1 - index) % label_every == 0,
            )
        )
    gridlines = [
        (round(plot_bottom - plot_height * step / 4, 2), max_value * step // 4)
        for step in range(5)
        if (max_value * step) % 4 == 0
    ]
    return BarChart(
        width=width,
        height=height,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bars=bars,
        max_value=max_value,
        gridlines=gridlines,
    )


def _nice_ceiling(value: int) -> int:
    if value <= 4:
        return 4
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for factor in (1, 2, 4, 5, 8, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude
