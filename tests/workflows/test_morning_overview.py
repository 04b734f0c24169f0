"""The morning overview on Temporal's dev server: the schedule is created idempotently (each
weekday 07:00 Copenhagen time, overlapping runs skipped); triggered, it mails each consultant
one overview listing their tasks and the free ones, with working links, and no one with nothing
to read; triggered again the same day, it mails no one twice."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from temporalio import activity
from temporalio.client import ScheduleOverlapPolicy, WorkflowExecutionStatus

from activities.morning_overview import MorningOverviewActivities
from klyngepakke import bootstrap
from schemas.shared.assignment import TaskAction, TaskAssign
from schemas.shared.business_days import is_business_day
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Actor
from tests import factories
from tests.eventually import eventually
from tests.web.people import body
from tests.workflows.harness import running, save_history
from workflows import names

KAREN = Actor(id="konsulent-1", name="Karen Konsulent")


def _with_overview(settings, source) -> list:  # type: ignore[no-untyped-def]
    """The real activities, the overview reading this test's server through its client."""
    every = bootstrap.activities(settings)
    overview = MorningOverviewActivities(
        bootstrap.delivery(settings),
        bootstrap.staff_directory(settings),
        source,
        bootstrap.catalog(settings),
        settings.public_base_url,
    )
    kept = [
        fn
        for fn in every
        if activity._Definition.must_from_callable(fn).name != "send_morning_overview"
    ]
    return [*kept, overview.send_morning_overview]


@pytest.mark.slow
async def test_the_schedule_mails_each_consultant_once_a_day(dev_env, settings, sink, executor):
    directory = bootstrap.staff_directory(settings)
    directory.seen("konsulent-1", "Karen Konsulent", "karen@example.dk", ["konsulent"])
    directory.seen("konsulent-2", "Anne Andersen", "anne@example.dk", ["konsulent"])
    directory.seen("drift-1", "Dorte Drift", "dorte@example.dk", ["drift"])
    holder: dict[str, object] = {}

    async def tasks(query: str):  # type: ignore[no-untyped-def]
        return await holder["client"].orders.list_orders(  # type: ignore[attr-defined]
            conditions=[query], running=True, limit=500
        )

    async with running(
        dev_env, settings, sink, executor, activities=_with_overview(settings, tasks)
    ) as h:
        holder["client"] = h.client
        karens = await h.start(factories.make_order(await h.now()), order_id=f"mo-{uuid.uuid4()}")
        free = await h.start(factories.make_order(await h.now()), order_id=f"mo-{uuid.uuid4()}")
        await h.placed(karens)
        await h.placed(free)
        await h.client.orders.assign_task(karens, TaskAssign(actor=KAREN, action=TaskAction.CLAIM))

        async def visible() -> bool:
            found = await h.client.orders.list_orders(
                conditions=["CurrentStep = 'consultation'"], running=True
            )
            ours = {o.id: o for o in found}
            return (
                free in ours
                and ours.get(karens) is not None
                and ours[karens].assignees == ["konsulent-1"]
            )

        await eventually("both calls in visibility, Karen's with her id", visible)

        assert await h.client.schedules.apply() == "morgenoversigt"
        assert await h.client.schedules.apply() == "morgenoversigt"  # again: updated, no error
        described = await h.env.client.get_schedule_handle("morgenoversigt").describe()
        (calendar,) = described.schedule.spec.calendars
        assert [r.start for r in calendar.hour] == [7] and [r.start for r in calendar.minute] == [0]
        assert described.schedule.spec.time_zone_name == "Europe/Copenhagen"
        assert described.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
        # Paused by operations in the UI: a worker's start brings the spec up to date and
        # leaves it paused.
        handle = h.env.client.get_schedule_handle("morgenoversigt")
        await handle.pause(note="Ferielukket")
        await h.client.schedules.apply()
        assert (await handle.describe()).schedule.state.paused
        await handle.unpause()

        async def runs_done(count: int) -> bool:
            done = [
                w
                async for w in h.env.client.list_workflows(
                    f"WorkflowType = '{names.MORNING_OVERVIEW}'"
                )
                if w.status == WorkflowExecutionStatus.COMPLETED
                and w.task_queue == h.settings.task_queue
            ]
            return len(done) >= count

        await h.client.schedules.trigger()
        await eventually("the first run", lambda: runs_done(1))
        today = datetime.now(COPENHAGEN).date()
        mails = h.mails("morning_overview")
        if not is_business_day(today):
            assert mails == []  # a weekend or a public holiday: no overview
            return
        assert sorted(str(m["To"]) for m in mails) == [
            "Anne Andersen <anne@example.dk>",
            "Karen Konsulent <karen@example.dk>",
        ]
        karen = body(next(m for m in mails if "karen" in str(m["To"])))
        assert f"/konsulent/ordre/{free}" in karen  # nobody has it
        anne = body(next(m for m in mails if "anne" in str(m["To"])))
        assert f"/konsulent/ordre/{free}" in anne and f"/konsulent/ordre/{karens}" not in anne
        # Nothing failed and no late order waits: operations get no mail.
        assert h.mails("operations_overview") == []

        await h.client.schedules.trigger()
        await eventually("the second run", lambda: runs_done(2))
        assert len(h.mails("morning_overview")) == 2  # the same day: no one mailed twice

        runs = [
            w
            async for w in h.env.client.list_workflows(f"WorkflowType = '{names.MORNING_OVERVIEW}'")
            if w.task_queue == h.settings.task_queue
        ]
        await save_history(h.env, runs[-1].id, "morning_overview")
