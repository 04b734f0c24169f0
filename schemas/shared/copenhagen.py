"""Danish local time: every date-time a person gives without a zone is Copenhagen's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def as_copenhagen(value: object) -> object:
    """Read a date-time; one without a zone is Danish local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("skal være dato og tid, fx 2027-03-03T16:00") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=COPENHAGEN)
        return value.astimezone(COPENHAGEN)
    return value


LocalDateTime = Annotated[datetime, BeforeValidator(as_copenhagen)]
