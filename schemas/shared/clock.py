"""The order's clock: planned (domain) time runs faster than real time in demos and tests.

The scale is part of the workflow input, so a replay computes the same planned times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

SECONDS_PER_DAY = 86_400.0


class OrderClock(BaseModel):
    """Maps real (workflow) time to planned time:
    planned = planned_origin + (real - real_origin) * speed."""

    real_origin: datetime
    planned_origin: datetime
    seconds_per_day: float | None = Field(
        default=None, gt=0, description="Real seconds one planned day lasts; None = real time"
    )

    @property
    def speed(self) -> float:
        return 1.0 if self.seconds_per_day is None else SECONDS_PER_DAY / self.seconds_per_day

    def planned(self, real_now: datetime) -> datetime:
        return self.planned_origin + (real_now - self.real_origin) * self.speed

    def real_delay(self, real_now: datetime, planned_target: datetime) -> timedelta:
        """How long to sleep in real time until the planned clock reaches ``planned_target``
        (workflows wait through workflows/waiting.py, which keeps that replay-safe)."""
        remaining = planned_target - self.planned(real_now)
        if remaining <= timedelta(0):
            return timedelta(0)
        # Round up to whole milliseconds so a wake-up never lands just short of the target.
        return timedelta(milliseconds=int(remaining / self.speed / timedelta(milliseconds=1)) + 1)
