"""Chart geometry for server-rendered SVG. The templates draw it; every chart has a data
table beside it, so nothing is shown only as a picture. Months with too few people to
show are gaps in the charts and "<5" in the tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_decimal

from portal.reports import present
from portal.reports.figures import OutcomeRow

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


@dataclass
class Month:
    key: str  # YYYY-MM
    label: str  # short, for the axis
    long_label: str  # for the table and the bar's title
    row: OutcomeRow


@dataclass
class Chart:
    months: list[Month]
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    goal_y: float | None = None
    goal: int | None = None
    line: str = ""  # the polyline of the share, broken where a month is not shown


def months(keys: list[str], rows: list[OutcomeRow]) -> list[Month]:
    by_key = {r.key: r for r in rows}
    out = []
    for key in keys:
        y, m = int(key[:4]), int(key[5:7])
        first = date(y, m, 1)
        out.append(Month(key, format_date(first, "MMM"), format_date(first, "MMMM y"),
                         by_key.get(key) or OutcomeRow(key=key)))
    return out


def _x_axis(chart: Chart, step: float) -> None:
    every = 1 if len(chart.months) <= 12 else 2
    for i, month in enumerate(chart.months):
        if i % every == 0:
            chart.x_labels.append({"x": LEFT + step * (i + 0.5), "y": HEIGHT - BOTTOM + 16,
                                   "text": month.label})


def people_chart(data: list[Month]) -> Chart:
    """Per month: people who ended a measure, and of them those in work or studies."""
    chart = Chart(months=data)
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(data), 1)
    top = max([m.row.ended for m in data if not present.suppressed(m.row.ended)] + [1])
    scale_top = _nice(top)
    for i in range(5):
        value = scale_top * i / 4
        chart.y_ticks.append({"y": TOP + plot_h - plot_h * value / scale_top,
                              "text": format_decimal(round(value))})
    bar_w = step * 0.36
    for i, month in enumerate(data):
        x = LEFT + step * i + step * 0.12
        for offset, value, kind in ((0, month.row.ended, "ended"),
                                    (bar_w, month.row.at_end.success, "success")):
            if value == 0 or present.suppressed(value) or present.suppressed(month.row.ended):
                continue
            h = plot_h * value / scale_top
            chart.bars.append({"x": x + offset, "y": TOP + plot_h - h, "w": bar_w, "h": h,
                               "kind": kind, "title": f"{month.long_label}: {value}"})
    _x_axis(chart, step)
    return chart


def share_chart(data: list[Month], goal: int) -> Chart:
    """Per month: the share in work or studies at the end, against the goal line."""
    chart = Chart(months=data, goal=goal)
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(len(data), 1)
    for pct in (0, 25, 50, 75, 100):
        chart.y_ticks.append({"y": TOP + plot_h - plot_h * pct / 100, "text": f"{pct} %"})
    chart.goal_y = TOP + plot_h - plot_h * goal / 100
    segments, current = [], []
    for i, month in enumerate(data):
        share = month.row.at_end
        if share.base == 0 or not present.share_shown(share):
            if current:
                segments.append(current)
            current = []
            continue
        x = LEFT + step * (i + 0.5)
        y = TOP + plot_h - plot_h * share.success / share.base
        current.append(f"{x:.1f},{y:.1f}")
        chart.points.append({"x": x, "y": y,
                             "title": f"{month.long_label}: {present.percent(share)}"})
    if current:
        segments.append(current)
    chart.line = " M ".join(" L ".join(seg) for seg in segments)
    _x_axis(chart, step)
    return chart


def _nice(value: int) -> int:
    """A round top for the scale, at or above ``value``."""
    for candidate in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 600, 800, 1000):
        if value <= candidate:
            return candidate
    magnitude = 10 ** (len(str(value)) - 1)
    return ((value + magnitude - 1) // magnitude) * magnitude
