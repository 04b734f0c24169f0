"""Danish business days: weekends, public holidays and the days practices customarily close."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from schemas.shared.copenhagen import COPENHAGEN

# 'optional' adds Grundlovsdag, 24 and 31 December and 1 May: not statutory, but
# practices and job centres are closed, so nothing should be due on them.
_CATEGORIES = ("public", "optional")
WORKDAY_START = time(9, 0)


# Computed at import, outside any workflow sandbox: holidays looks up gettext translations
# through the locale module, which the sandbox refuses. Orders never span beyond this range.
_YEARS = range(2020, 2061)
_NAMES: dict[date, str] = dict(
    holidays.country_holidays("DK", years=_YEARS, categories=_CATEGORIES, language="da")
)


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    if year not in _YEARS:
        raise ValueError(
            f"year {year} is outside the planned range {_YEARS.start}-{_YEARS.stop - 1}"
        )
    return frozenset(d for d in _NAMES if d.year == year)


def holiday_name(day: date) -> str | None:
    return _NAMES.get(day)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closed_days(day.year)


def on_or_before(day: date) -> date:
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def on_or_after(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    """Move ``count`` business days forwards (or backwards when negative)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def at_workday_start(day: date) -> datetime:
    return datetime.combine(day, WORKDAY_START, tzinfo=COPENHAGEN)
