"""Working days for service levels: weekdays that are not public holidays.

Swedish holidays include the de facto ones (midsummer eve, Christmas eve, New
Year's eve) when municipal offices are closed; Danish organisations follow
Danish public holidays.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

CATEGORIES = {"SE": ("public", "de_facto"), "DK": ("public",)}


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    country = country if country in CATEGORIES else "SE"
    found = holidays.country_holidays(country, years=year, categories=CATEGORIES[country])
    return frozenset(found)


def is_working_day(day: date, country: str = "SE") -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_working_days(start: date, days: int, country: str = "SE") -> date:
    """The ``days``-th working day after ``start`` (start itself not counted)."""
    current = start
    remaining = max(days, 0)
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, country):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, country: str = "SE") -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, country):
            count += 1
    return count
