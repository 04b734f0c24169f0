"""The meeting program laid out in clock time from the meeting's start."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from schemas.package.model import ProgramVariant
from schemas.package.process import PartnerTexts
from schemas.shared.errors import DomainError


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
        entries = (
            [(block.title, block.break_minutes, "", True)]
            if block.break_minutes
            else [(item.title, item.minutes, item.responsible, False) for item in block.items]
        )
        for title, minutes, responsible, is_break in entries:
            end = clock + timedelta(minutes=minutes)
            items.append(
                ScheduledItem(
                    start=clock,
                    end=end,
                    block=block.title,
                    title=title,
                    minutes=minutes,
                    responsible=responsible,
                    is_break=is_break,
                )
            )
            clock = end
    return items


class ProgramChanges(BaseModel):
    """What the pre-meeting changed: another variant, other durations, extra topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: str | None = Field(default=None, description="Programvariant, fx basal-viden")
    minutes: dict[str, int] = Field(
        default_factory=dict, description="Punktets titel → nye minutter, fx {'Velkomst': 10}"
    )
    added_topics: list[str] = Field(
        default_factory=list, max_length=10, description="Emner, klyngen og jobcenteret vil drøfte"
    )


def adjusted(package_program: ProgramVariant, changes: ProgramChanges | None) -> ProgramVariant:
    """The program after the pre-meeting's changes; unknown item titles are refused."""
    if changes is None or not changes.minutes:
        return package_program
    titles = {item.title for block in package_program.blocks for item in block.items}
    unknown = sorted(set(changes.minutes) - titles)
    if unknown:
        raise DomainError(
            "program.minutes",
            f"ukendt punkt '{unknown[0]}' – brug en titel fra programmet: "
            + "; ".join(sorted(titles)),
        )
    for title, minutes in changes.minutes.items():
        if not 1 <= minutes <= 120:
            raise DomainError(f"program.minutes.{title}", "skal være mellem 1 og 120 minutter")
    blocks = [
        block.model_copy(
            update={
                "items": [
                    item.model_copy(
                        update={"minutes": changes.minutes.get(item.title, item.minutes)}
                    )
                    for item in block.items
                ]
            }
        )
        for block in package_program.blocks
    ]
    total = sum(b.break_minutes + sum(i.minutes for i in b.items) for b in blocks)
    return package_program.model_copy(update={"blocks": blocks, "minutes": total})


def partner_talks(program: ProgramVariant, partner: PartnerTexts | None) -> list[str]:
    """The program's items the partner speaks in, as the guide and its mails name them: each
    with its minutes and the parts of it timed on their own ("Jobcenterets korte oplæg (10
    min.)"), so they say what the program and the deck say, for every program variant."""
    if partner is None:
        return []
    talks = []
    for block in program.blocks:
        for item in block.items:
            if item.responsible.casefold() != partner.definite.casefold():
                continue
            # A part timed on its own, named up to its colon: "Jobcenterets korte oplæg (10 min.)".
            timed = [part.split(":")[0] for part in item.details if "min.)" in part]
            said = f"„{item.title}“ i {item.minutes} minutter"
            if timed:
                said += ", heraf " + " og ".join(part[0].lower() + part[1:] for part in timed)
            talks.append(said)
    return talks
