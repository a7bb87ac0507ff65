"""The period a report covers: a month, quarter, half year, year, the last 12 months, or
custom dates. Parsed from the query string; bad input becomes a field error, never a 500."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from portal.core.enums import LabelledEnum

MAX_DAYS = 3 * 366 + 1  # a custom period of at most three years keeps the page quick


class PeriodKind(LabelledEnum):
    LAST_12 = "last12"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"

    @classmethod
    def _labels(cls):
        return {
            cls.LAST_12: _l("The last 12 months"),
            cls.MONTH: _l("Month"),
            cls.QUARTER: _l("Quarter"),
            cls.HALF: _l("Half year"),
            cls.YEAR: _l("Year"),
            cls.CUSTOM: _l("Custom dates"),
        }


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{format_date(self.start)} – {format_date(self.end)}"

    def months(self) -> list[str]:
        """The 'YYYY-MM' months the period touches, in order."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def containing(kind: PeriodKind, anchor: date) -> Period:
    """The period of the given kind that holds ``anchor`` (for LAST_12: ending with its month)."""
    y, m = anchor.year, anchor.month
    if kind == PeriodKind.MONTH:
        return Period(kind, date(y, m, 1), month_end(y, m))
    if kind == PeriodKind.QUARTER:
        first = (m - 1) // 3 * 3 + 1
        return Period(kind, date(y, first, 1), month_end(y, first + 2))
    if kind == PeriodKind.HALF:
        first = 1 if m <= 6 else 7
        return Period(kind, date(y, first, 1), month_end(y, first + 5))
    if kind == PeriodKind.YEAR:
        return Period(kind, date(y, 1, 1), date(y, 12, 31))
    sy, sm = add_months(y, m, -11)
    return Period(PeriodKind.LAST_12, date(sy, sm, 1), month_end(y, m))


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _parse_month(raw: str) -> date | None:
    found = _MONTH.match(raw)
    if not found:
        return None
    y, m = int(found[1]), int(found[2])
    return date(y, m, 1) if 2000 <= y <= 2100 and 1 <= m <= 12 else None


def _parse_date(raw: str) -> date | None:
    found = _DATE.match(raw)
    if not found:
        return None
    try:
        value = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2100 else None


@dataclass
class PeriodChoice:
    """What the form said, the period it gives, and errors by field name."""

    kind: str
    month: str
    start: str
    end: str
    period: Period
    errors: dict
    # Custom dates chosen and a day not yet typed: nothing wrong, nothing to show yet.
    incomplete: bool = False

    def args(self) -> dict:
        if self.period.kind == PeriodKind.CUSTOM:
            return {"period": self.kind, "start": self.start, "end": self.end}
        return {"period": self.kind, "month": self.month}


def from_args(args, today: date) -> PeriodChoice:
    """Read period, month (YYYY-MM), start and end (YYYY-MM-DD). On an error the field says
    why and the report shows the default period (the last 12 months) meanwhile."""
    errors: dict = {}
    kind_raw = (args.get("period") or PeriodKind.LAST_12.value)[:20]
    month_raw = (args.get("month") or "")[:20].strip()
    start_raw = (args.get("start") or "")[:20].strip()
    end_raw = (args.get("end") or "")[:20].strip()
    default = containing(PeriodKind.LAST_12, today)
    if kind_raw not in set(PeriodKind):
        errors["period"] = _l("Choose a period from the list.")
        return PeriodChoice(PeriodKind.LAST_12.value, month_raw, start_raw, end_raw,
                            default, errors)
    kind = PeriodKind(kind_raw)
    if kind == PeriodKind.CUSTOM:
        # A day not typed yet is not an error: choosing "Custom dates" or leaving the
        # first day for the last must not greet the user with errors.
        start, end = _parse_date(start_raw), _parse_date(end_raw)
        if start_raw and start is None:
            errors["start"] = _l("Enter the first day as a date, like 2026-01-31.")
        if end_raw and end is None:
            errors["end"] = _l("Enter the last day as a date, like 2026-01-31.")
        if start and end and end < start:
            errors["end"] = _l("The last day cannot be before the first day.")
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            errors["end"] = _l("Choose at most three years.")
        if errors or start is None or end is None:
            return PeriodChoice(kind.value, month_raw, start_raw, end_raw, default, errors,
                                incomplete=not errors)
        return PeriodChoice(kind.value, month_raw, start_raw, end_raw,
                            Period(kind, start, end), errors)
    anchor = today
    if month_raw:
        parsed = _parse_month(month_raw)
        if parsed is None:
            errors["month"] = _l("Enter the month as year and month, like 2026-03.")
            return PeriodChoice(kind.value, month_raw, start_raw, end_raw, default, errors)
        anchor = parsed
    return PeriodChoice(kind.value, month_raw or f"{today:%Y-%m}", start_raw, end_raw,
                        containing(kind, anchor), errors)
