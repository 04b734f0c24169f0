"""The cluster's year on the time-skipping server: each reminder to the coordinator on its
day, none once the duty is done, a bad record refused naming the field, and a new year
continued as new with the state carried over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.cluster.commands import (
    AssemblySet,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.input import ClusterInput, cluster_id
from schemas.cluster.state import ClusterState
from schemas.cluster.year import Duty
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Person
from tests import factories
from tests.web.people import body
from tests.workflows.harness import running, save_history
from workflows.cluster import ClusterWorkflow


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(9, 5), COPENHAGEN)


class Cluster:
    """A cluster whose planned clock starts on a day the test chooses (the order's clock,
    at real speed), whatever day the test server's clock starts on."""

    def __init__(self, h, workflow_id: str, planned_start: datetime, real_start: datetime):
        self.h, self.id = h, workflow_id
        self.planned_start, self.real_start = planned_start, real_start
        self.handle = h.env.client.get_workflow_handle(workflow_id)

    async def today(self) -> date:
        now = self.planned_start + (await self.h.now() - self.real_start)
        return now.astimezone(COPENHAGEN).date()

    async def until(self, planned: datetime) -> None:
        await self.h.sleep_until(self.real_start + (planned - self.planned_start))

    async def state(self) -> ClusterState:
        state: ClusterState = await self.handle.query(ClusterWorkflow.state)
        return state


async def _start(h, planned_start: datetime) -> Cluster:
    order = factories.make_order(await h.now())
    inp = ClusterInput(
        cluster=order.cluster,
        coordinator=order.coordinator,
        members=order.members,
        accepted_at=planned_start,
    )
    workflow_id = cluster_id(order.cluster)
    real_start = await h.now()
    await h.env.client.start_workflow(
        ClusterWorkflow.run, inp, id=workflow_id, task_queue=h.settings.task_queue
    )
    h.started.append(workflow_id)
    await h.settle()
    return Cluster(h, workflow_id, planned_start, real_start)


def _subjects(h, about: str) -> list[str]:
    return [str(m["Subject"]) for m in h.mails("cluster_reminder") if about in str(m["Subject"])]


async def test_the_member_list_is_reminded_in_december_until_it_is_confirmed(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 12, 1, 10, 0, tzinfo=COPENHAGEN))
        (started,) = h.mails("cluster_started")
        assert "Tjek og opdatér klyngens medlemsliste" in body(started)
        # No meeting planned in the coming four months: the coordinator is nudged at once.
        assert len(_subjects(h, "næste møde")) == 1
        assert not _subjects(h, "medlemsliste"), "nothing due before 9 December"

        await cluster.until(_morning(date(2027, 12, 9)))  # 15 business days before 1 January
        (first,) = [m for m in h.mails("cluster_reminder") if "medlemsliste" in str(m["Subject"])]
        assert "1. januar 2028" in str(first["Subject"])
        assert "Regionen udbetaler klyngens driftstilskud" in body(first)

        await cluster.handle.execute_update(
            ClusterWorkflow.duty_confirm, DutyConfirm(duty=Duty.MEMBER_LIST, year=2028)
        )
        await cluster.until(_morning(date(2027, 12, 31)))
        assert len(_subjects(h, "medlemsliste")) == 1, "none after the list was confirmed"
        assert "member_list-2028" in (await cluster.state()).confirmed

        await cluster.until(_morning(date(2028, 1, 3)))
        # A new year is a new run of the same workflow, carrying the cluster over.
        history = await cluster.handle.fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        assert started.continued_execution_run_id, "the new year's run continues the old one"
        carried = await cluster.state()
        assert carried.events == [] and "member_list-2028" in carried.confirmed
        assert len(carried.members) == 3 and carried.member_list_version == 1
        assert len(h.mails("cluster_started")) == 1
        page = await cluster.handle.query(ClusterWorkflow.page, await h.now())
        assert page.today == date(2028, 1, 3), "the new run's clock goes on where the old stopped"


async def test_a_payout_is_reminded_before_skats_10th_and_not_after_it_is_reported(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 3, 15, 10, 0, tzinfo=COPENHAGEN))
        handle = cluster.handle
        today = await cluster.today()

        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(
                ClusterWorkflow.payout_record,
                PayoutRecord(paid_on=today + timedelta(days=3), purpose="Honorar til kasserer"),
            )
        assert "paid_on" in str(refused.value.cause) and "fremtiden" in str(refused.value.cause)
        assert (await cluster.state()).payouts == []

        accepted = await handle.execute_update(
            ClusterWorkflow.payout_record,
            PayoutRecord(paid_on=today, purpose="Honorar til kasserer"),
        )
        assert "nr. 1" in accepted.message
        # SKAT's deadline is 10 April 2027 (a Saturday): 5 business days before is 5 April.
        await cluster.until(_morning(date(2027, 4, 2)))
        assert _subjects(h, "SKAT") == []
        await cluster.until(_morning(date(2027, 4, 5)))
        (skat,) = [m for m in h.mails("cluster_reminder") if "SKAT" in str(m["Subject"])]
        assert "10. april 2027" in str(skat["Subject"])
        assert "Honorar til kasserer" in body(skat)

        await handle.execute_update(ClusterWorkflow.payout_reported, PayoutReported(payout=1))
        await cluster.until(_morning(date(2027, 4, 12)))
        assert len(_subjects(h, "SKAT")) == 1, "no reminder on 9 April: it was reported"

        with pytest.raises(WorkflowUpdateFailedError) as unknown:
            await handle.execute_update(ClusterWorkflow.payout_reported, PayoutReported(payout=7))
        assert "nr. 7" in str(unknown.value.cause)
        await save_history(h.env, cluster.id, "cluster")


async def test_a_grant_confirmation_before_it_is_due_is_refused(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 6, 1, 10, 0, tzinfo=COPENHAGEN))
        year = 2029
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await cluster.handle.execute_update(
                ClusterWorkflow.duty_confirm, DutyConfirm(duty=Duty.GRANT, year=year)
            )
        assert "year" in str(refused.value.cause) and "ikke aktuel endnu" in str(
            refused.value.cause
        )
        assert (await cluster.state()).confirmed == set()


async def test_operations_see_a_payout_not_reported_by_its_deadline_as_overdue(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 3, 15, 10, 0, tzinfo=COPENHAGEN))
        await cluster.handle.execute_update(
            ClusterWorkflow.payout_record,
            PayoutRecord(paid_on=date(2027, 3, 15), purpose="Honorar til sekretær"),
        )
        seen = await cluster.handle.query(ClusterWorkflow.overview)
        assert seen.members == 3 and seen.overdue == [] and seen.next_deadline == date(2027, 4, 10)
        await cluster.until(_morning(date(2027, 4, 12)))
        seen = await cluster.handle.query(ClusterWorkflow.overview)
        assert seen.overdue == ["udbetaling nr. 1"]


async def test_a_new_coordinator_and_the_outgoing_one_are_reminded_until_both_confirm(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 3, 15, 10, 0, tzinfo=COPENHAGEN))
        new = Person(name="Ole Lund", email="ole@example.dk")
        with pytest.raises(WorkflowUpdateFailedError) as same:
            await cluster.handle.execute_update(
                ClusterWorkflow.coordinator_change,
                CoordinatorChange(new=Person(name="Mette Holm", email="mette@example.dk")),
            )
        assert "new.email" in str(same.value.cause)

        await cluster.handle.execute_update(
            ClusterWorkflow.coordinator_change, CoordinatorChange(new=new)
        )
        await h.settle()
        handover = h.mails("handover")
        assert sorted(m["To"].addresses[0].username for m in handover) == ["mette", "ole"]
        assert "Tegningsret til klyngens konto" in body(handover[0])

        # Five business days later both are reminded; the outgoing one then confirms.
        await cluster.until(_morning(date(2027, 3, 22)))
        first = [m for m in h.mails("cluster_reminder") if "Overdrag" in str(m["Subject"])]
        assert sorted(m["To"].addresses[0].username for m in first) == ["mette", "ole"]
        await cluster.handle.execute_update(
            ClusterWorkflow.handover_confirm, HandoverConfirm(side="outgoing")
        )
        # Ten business days after the change (Easter in between): 1 April.
        await cluster.until(_morning(date(2027, 4, 1)))
        second = [m for m in h.mails("cluster_reminder") if "Overdrag" in str(m["Subject"])]
        assert [m["To"].addresses[0].username for m in second[len(first) :]] == ["ole"]

        await cluster.handle.execute_update(
            ClusterWorkflow.handover_confirm, HandoverConfirm(side="incoming")
        )
        with pytest.raises(WorkflowUpdateFailedError) as none_open:
            await cluster.handle.execute_update(
                ClusterWorkflow.handover_confirm, HandoverConfirm(side="incoming")
            )
        assert "ingen overdragelse" in str(none_open.value.cause)
        await cluster.until(_morning(date(2027, 4, 20)))
        after = [m for m in h.mails("cluster_reminder") if "Overdrag" in str(m["Subject"])]
        assert len(after) == len(second), "no handover reminder once both confirmed"
        # The year's reminders go to the new coordinator now.
        nudges = [m for m in h.mails("cluster_reminder") if "næste møde" in str(m["Subject"])]
        assert nudges[-1]["To"].addresses[0].username == "ole"


async def test_the_grant_is_checked_in_february_and_the_assembly_prepared_weeks_ahead(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        cluster = await _start(h, datetime(2027, 1, 25, 10, 0, tzinfo=COPENHAGEN))
        await cluster.handle.execute_update(
            ClusterWorkflow.assembly_set, AssemblySet(on=date(2027, 4, 15))
        )
        assert _subjects(h, "driftstilskud") == []
        await cluster.until(_morning(date(2027, 2, 2)))  # the business day after 1 February
        assert len(_subjects(h, "driftstilskud")) == 1
        await cluster.handle.execute_update(
            ClusterWorkflow.duty_confirm, DutyConfirm(duty=Duty.GRANT, year=2027, received=False)
        )
        await h.settle()
        (missing,) = h.mails("grant_missing")
        assert "kontakt regionen" in str(missing["Subject"])
        await cluster.until(_morning(date(2027, 3, 17)))
        assert len(_subjects(h, "driftstilskud")) == 1, "no check after the answer"
        assert _subjects(h, "generalforsamlingen") == []
        await cluster.until(_morning(date(2027, 3, 18)))  # four weeks before 15 April
        assert len(_subjects(h, "generalforsamlingen")) == 1
        await cluster.until(_morning(date(2027, 4, 8)))  # one week before
        assert len(_subjects(h, "generalforsamlingen")) == 2


async def test_the_co_coordinators_get_the_years_mails_too(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        co = Person(name="Lene Dahl", email="lene@example.dk")
        inp = ClusterInput(
            cluster=order.cluster.model_copy(update={"name": "Klynge Med To"}),
            coordinator=order.coordinator,
            co_coordinators=[co],
            members=order.members,
            accepted_at=datetime(2027, 12, 1, 10, 0, tzinfo=COPENHAGEN),
        )
        workflow_id = cluster_id(inp.cluster)
        await h.env.client.start_workflow(
            ClusterWorkflow.run, inp, id=workflow_id, task_queue=h.settings.task_queue
        )
        h.started.append(workflow_id)
        await h.settle()
        welcomed = sorted(m["To"].addresses[0].username for m in h.mails("cluster_started"))
        assert welcomed == ["lene", "mette"]
        page = await h.env.client.get_workflow_handle(workflow_id).query(
            ClusterWorkflow.page, await h.now()
        )
        assert [p.name for p in page.co_coordinators] == ["Lene Dahl"]
