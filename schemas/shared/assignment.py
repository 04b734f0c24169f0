"""Who at KiAP has a workflow's tasks: one holder per order (or course, or cluster) – the
consultant who takes its call, chases its extract and looks at its failures – claimed, given
to a colleague or let go on the workbench, each an Update carrying the actor.

One holder per workflow rather than per task: the workbench lists each order once, under its
most pressing task, and the tasks of one order are one consultant's conversation with one
coordinator; a task that follows (the extract after the call) stays with the one who has the
order until they let it go.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Actor, Email


class TaskAction(StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    RELEASE = "release"


class TaskAssign(BaseModel):
    """The workbench's command: take the tasks, give them to a colleague, or let them go."""

    model_config = ConfigDict(extra="forbid")

    actor: Actor = Field(description="The staff user who acts")
    action: TaskAction
    to: Actor | None = Field(default=None, description="The colleague (assign)")
    to_email: Email | None = Field(
        default=None, description="Where the colleague is told at once (assign)"
    )
    takeover: bool = Field(
        default=False, description="Confirmed: take over from the colleague who has it"
    )


class TaskHolder(BaseModel):
    model_config = ConfigDict(frozen=True)

    who: Actor
    since: datetime


class TaskAssigned(BaseModel):
    """Who has the workflow's tasks now (None: nobody), and who said so."""

    type: Literal["TaskAssigned"] = "TaskAssigned"
    at: datetime
    action: TaskAction
    by: Actor
    holder: Actor | None
    previous: Actor | None = None


def holder_after(event: TaskAssigned) -> TaskHolder | None:
    return TaskHolder(who=event.holder, since=event.at) if event.holder is not None else None


def refuse_assignment(holder: TaskHolder | None, cmd: TaskAssign, open_tasks: bool) -> str | None:
    """Why the workbench's command cannot be done, in Danish, or None."""
    if not open_tasks:
        return "Forløbet har ingen åbne opgaver – det er afsluttet eller annulleret."
    if cmd.action == TaskAction.RELEASE:
        if holder is None:
            return "Ingen har taget opgaven."
        if holder.who.id != cmd.actor.id and not cmd.takeover:
            return (
                f"{holder.who.name} har opgaven – bekræft, at du slipper den for {holder.who.name}."
            )
        return None
    target = cmd.actor if cmd.action == TaskAction.CLAIM else cmd.to
    if target is None:
        return "Vælg den kollega, der skal have opgaven."
    if holder is not None and holder.who.id == target.id:
        return f"{target.name} har allerede opgaven."
    if holder is not None and holder.who.id != cmd.actor.id and not cmd.takeover:
        return (
            f"{holder.who.name} har opgaven (siden {when(holder.since)}) – bekræft, at du "
            "overtager den."
        )
    return None


def assignment_event(holder: TaskHolder | None, cmd: TaskAssign, at: datetime) -> TaskAssigned:
    new = (
        None
        if cmd.action == TaskAction.RELEASE
        else cmd.actor
        if cmd.action == TaskAction.CLAIM
        else cmd.to
    )
    return TaskAssigned(
        at=at,
        action=cmd.action,
        by=cmd.actor,
        holder=new,
        previous=holder.who if holder is not None else None,
    )


# Who gives a new workflow its holder: the order itself or the settings' rule, not a person.
BY_RULE = Actor(id="regel", name="Bestillingen")


def first_holder(holder: Actor, at: datetime) -> TaskAssigned:
    """The holder a workflow starts with (the order's named consultant, a region's rule)."""
    return TaskAssigned(at=at, action=TaskAction.ASSIGN, by=BY_RULE, holder=holder)


def assignment_text(event: TaskAssigned) -> str:
    """What the events list says: 'Anne tog opgaven', 'Anne gav opgaven videre til Bo'."""
    by = event.by.name
    if event.by == BY_RULE and event.holder is not None:
        return f"Opgaven gik til {event.holder.name} fra start"
    if event.action == TaskAction.CLAIM:
        taken = f" fra {event.previous.name}" if event.previous is not None else ""
        return f"{by} tog opgaven{taken}"
    if event.action == TaskAction.ASSIGN and event.holder is not None:
        return f"{by} gav opgaven videre til {event.holder.name}"
    if event.previous is not None and event.previous.id != event.by.id:
        return f"{by} slap opgaven for {event.previous.name}"
    return f"{by} slap opgaven"


def when(moment: datetime) -> str:
    """'kl. 07.42' today is enough on a workbench; the date otherwise (Danish short form)."""
    local = moment.astimezone(COPENHAGEN)
    return f"{local.day}.{local.month}. kl. {local:%H.%M}"
