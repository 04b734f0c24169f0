"""The project's Temporal Schedules, created idempotently (at the workflow worker's start and
by `klyngepakke schedules apply`): the morning overview each weekday at 07:00 Copenhagen time.
Holidays are the workflow's to skip (Danish business days from the project's own calendar):
a schedule's calendar does not know them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from client.calls import ClientConfig, WorkflowCalls
from schemas.shared.errors import StepRejected
from workflows import names

MORNING_OVERVIEW = "morgenoversigt"
# A morning missed while the cluster was down is sent when it comes back, the same day.
_CATCHUP = timedelta(hours=8)


def morning_overview(task_queue: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            names.MORNING_OVERVIEW, id=MORNING_OVERVIEW, task_queue=task_queue
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    hour=[ScheduleRange(7)],
                    minute=[ScheduleRange(0)],
                    second=[ScheduleRange(0)],
                    day_of_week=[ScheduleRange(1, 5)],
                    comment="Hverdage kl. 07.00 (helligdage springer workflowet over)",
                )
            ],
            time_zone_name="Europe/Copenhagen",
        ),
        # A run still going when the next is due (a worker down all night): skip, not pile up.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=_CATCHUP),
    )


class Schedules:
    def __init__(self, calls: WorkflowCalls, config: ClientConfig) -> None:
        self._calls = calls
        self._config = config

    async def apply(self) -> str:
        """Create the morning overview's schedule, or bring an existing one up to date."""
        wanted = morning_overview(self._config.task_queue)
        client = self._calls.client
        try:
            await client.create_schedule(MORNING_OVERVIEW, wanted)
        except ScheduleAlreadyRunningError:

            def update(current: ScheduleUpdateInput) -> ScheduleUpdate:
                # Its spec and action as this code says; paused or not as operations left it.
                kept = current.description.schedule.state
                return ScheduleUpdate(schedule=dataclasses.replace(wanted, state=kept))

            await client.get_schedule_handle(MORNING_OVERVIEW).update(update)
        return MORNING_OVERVIEW

    async def trigger(self) -> None:
        """Run the morning overview now (drift's button; the same day twice mails no one
        twice)."""
        try:
            await self._calls.client.get_schedule_handle(MORNING_OVERVIEW).trigger(
                overlap=ScheduleOverlapPolicy.ALLOW_ALL
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            raise StepRejected(
                "Morgenoversigtens schedule findes ikke endnu – den oprettes, når workeren "
                "starter, eller med `klyngepakke schedules apply`."
            ) from None
