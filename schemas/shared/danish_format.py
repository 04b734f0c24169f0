"""Danish dates and numbers for everything an end user reads (Babel, locale 'da')."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from schemas.shared.copenhagen import COPENHAGEN

LOCALE = "da_DK"
# Load the locale data now: workflows format dates too, and must not read files mid-task.
_ = Locale.parse(LOCALE).days, Locale.parse(LOCALE).months, Locale.parse(LOCALE).number_symbols


def date_long(value: date | datetime) -> str:
    """'onsdag den 3. marts 2027'."""
    if isinstance(value, datetime):
        value = value.astimezone(COPENHAGEN).date()
    return format_date(value, "EEEE 'den' d. MMMM y", locale=LOCALE)


def date_short(value: date | datetime) -> str:
    """'3. mar. 2027'."""
    if isinstance(value, datetime):
        value = value.astimezone(COPENHAGEN).date()
    return format_date(value, "d. MMM y", locale=LOCALE)


def datetime_long(value: datetime) -> str:
    """'onsdag den 3. marts 2027 kl. 16.00' (Danish writes the time with a full stop)."""
    return format_datetime(
        value.astimezone(COPENHAGEN),
        "EEEE 'den' d. MMMM y 'kl.' HH.mm",
        tzinfo=COPENHAGEN,
        locale=LOCALE,
    )


def clock(value: datetime) -> str:
    """'16.00'."""
    return value.astimezone(COPENHAGEN).strftime("%H.%M")


def number(value: float, digits: int = 1) -> str:
    return format_decimal(round(value, digits), locale=LOCALE)


def percent(share: float) -> str:
    return format_percent(share, locale=LOCALE)
