"""The meeting program laid out in clock time from the meeting's start."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from schemas.catalog import ProgramVariant


class ScheduledItem(BaseModel):
    start: datetime
    end: datetime
    block: str
    title: str
    minutes: int
    responsible: str
    is_break: bool = False


def schedule(program: ProgramVariant, start: datetime) -> list[ScheduledItem]:
    """Every item and break with its start and end; the last end is start + program length."""
    items: list[ScheduledItem] = []
    clock = start
    for block in program.blocks:
        if block.break_minutes:
            end = clock + timedelta(minutes=block.break_minutes)
            items.append(
                ScheduledItem(
                    start=clock,
                    end=end,
                    block=block.title,
                    title=block.title,
                    minutes=block.break_minutes,
                    responsible="",
                    is_break=True,
                )
            )
            clock = end
            continue
        for item in block.items:
            end = clock + timedelta(minutes=item.minutes)
            items.append(
                ScheduledItem(
                    start=clock,
                    end=end,
                    block=block.title,
                    title=item.title,
                    minutes=item.minutes,
                    responsible=item.responsible,
                )
            )
            clock = end
    return items
