"""Bar charts drawn on the server as inline SVG: geometry only, no JavaScript, no library.

`bar_chart` turns labelled values into rectangles and axis ticks in a fixed viewBox; the template
draws them (and repeats the numbers in a visually hidden table for screen readers)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 480, 210
LEFT, RIGHT, TOP, BOTTOM = 58, 6, 12, 26


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    label_x: float
    is_current: bool
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    baseline_y: float
    plot_left: float
    plot_right: float
    is_empty: bool


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at least `value`, so axis ticks fall on round numbers."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value:
            return candidate
    return 10 * magnitude


def bar_chart(points: list[tuple[str, int, str]], *, tick_format=str) -> BarChart:
    """points: (label under the bar, value as an int, value as shown). The last bar is the current period."""
    maximum = nice_ceiling(max((value for _, value, _ in points), default=0))
    # As many gridlines as divide the maximum evenly, so every tick is a whole value.
    tick_count = next(count for count in (4, 5, 2, 1) if maximum % count == 0)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    bar_width = slot * 0.62
    bars = []
    # With many bars only every other label fits; the current period's is always shown.
    label_step = 2 if len(points) > 8 else 1
    for index, (label, value, value_text) in enumerate(points):
        height = plot_height * max(value, 0) / maximum
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=label,
                value_text=value_text,
                label_x=round(x + bar_width / 2, 1),
                is_current=index == len(points) - 1,
                show_label=(len(points) - 1 - index) % label_step == 0,
            )
        )
    ticks = [
        Tick(
            y=round(TOP + plot_height - plot_height * step / tick_count, 1),
            text=tick_format(maximum * step // tick_count),
        )
        for step in range(tick_count + 1)
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        baseline_y=TOP + plot_height,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        is_empty=all(value == 0 for _, value, _ in points),
    )
