"""The morning overview's workflow, started by the Temporal Schedule `morgenoversigt` each
weekday at 07:00 Copenhagen time (client/schedules.py): on a Danish working day it sends the
overview (activities/morning_overview.py); on a public holiday it says so and sends nothing.
A run started twice the same day (the schedule triggered by hand) mails no one twice: the
outbox's key is the day."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.morning_overview import OverviewRequest, OverviewResult
    from schemas.shared.business_days import holiday_name, is_business_day
    from schemas.shared.copenhagen import COPENHAGEN
    from workflows import names

OVERVIEW_TIMEOUT = timedelta(minutes=10)
OVERVIEW_RETRY = RetryPolicy(initial_interval=timedelta(seconds=10), maximum_attempts=10)


@workflow.defn(name=names.MORNING_OVERVIEW)
class MorningOverviewWorkflow:
    @workflow.run
    async def run(self) -> str:
        day = workflow.now().astimezone(COPENHAGEN).date()
        if not is_business_day(day):
            why = holiday_name(day) or "weekend"
            workflow.set_current_details(f"Ingen morgenoversigt {day.isoformat()}: {why}")
            return f"Ingen oversigt: {why}"
        result: OverviewResult = await workflow.execute_activity(
            "send_morning_overview",
            OverviewRequest(day=day),
            result_type=OverviewResult,
            summary=f"Morgenoversigt {day.isoformat()}",
            start_to_close_timeout=OVERVIEW_TIMEOUT,
            retry_policy=OVERVIEW_RETRY,
        )
        said = (
            f"Morgenoversigt {day.isoformat()}: {result.consultants} konsulenter, "
            f"{result.operations} i drift"
            + (f" ({result.already_sent} var sendt før)" if result.already_sent else "")
        )
        workflow.set_current_details(said)
        return said
