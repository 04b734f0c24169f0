"""Late orders, escalation of a missed consultation, rescheduling and cancelling."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio.client import WorkflowFailureError

from schemas.order.commands import Cancel, ConsultationDone, OrderInput, Reschedule
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.business_days import add_business_days
from schemas.shared.errors import DomainError, StepRejected
from tests import factories
from tests.workflows.harness import running, save_history
from workflows import search_attributes
from workflows.order import OrderWorkflow


async def test_late_order_is_refused_unless_an_operator_allows_it(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now(), weeks=6)
        with pytest.raises(DomainError, match="der mangler 2 uger"):
            await h.start(order, order_id=f"late-{uuid.uuid4()}")
        # Started behind the client's back, the workflow refuses it just the same.
        handle = await env.client.start_workflow(
            OrderWorkflow.run,
            OrderInput(order=order, consultant=order.consultant),
            id=f"late-direct-{uuid.uuid4()}",
            task_queue=h.settings.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        assert "8 uger" in str(failure.value.cause)

        # Waiting on a failed result lets the test server's clock run on: plan from its now.
        order = factories.make_order(await h.now(), weeks=6)
        order_id = await h.start(order, order_id=f"late-ok-{uuid.uuid4()}", allow_late=True)
        status = await h.placed(order_id)
        assert status.late
        dues = [s.due for s in status.steps if s.name not in (Step.ORDER, Step.FOLLOW_UP)]
        assert all(d is not None and d <= order.meeting.start for d in dues)
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        assert (await h.finish(order_id)).status == "cancelled"


async def test_missed_consultation_is_escalated_and_flagged(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"escalate-{uuid.uuid4()}")
        escalation_day = add_business_days(order.call_at.date(), 1)
        await h.sleep_until(
            order.call_at.replace(
                day=escalation_day.day, month=escalation_day.month, year=escalation_day.year
            )
        )
        status = await h.status(order_id)
        consultation = next(s for s in status.steps if s.name == Step.CONSULTATION)
        assert consultation.state == "overdue"
        assert status.overdue
        assert len(h.mails("consultation_escalation")) == 1
        assert h.mails("consultation_escalation")[0]["To"].addresses[0].username == "konsulent"
        described = await env.client.get_workflow_handle(order_id).describe()
        assert described.typed_search_attributes.get(search_attributes.OVERDUE) is True
        assert (
            described.typed_search_attributes.get(search_attributes.CURRENT_STEP) == "consultation"
        )

        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        status = await h.status(order_id)
        assert next(s for s in status.steps if s.name == Step.CONSULTATION).state == "done"
        assert len(h.mails("material")) == 1
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)
        await save_history(env, order_id, "order_escalated")


async def test_reschedule_replans_and_tells_those_already_told(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"move-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        before = await h.status(order_id)
        with pytest.raises(StepRejected, match="mindst 2 uger"):
            await h.client.orders.reschedule(
                order_id, Reschedule(meeting=await h.now() + timedelta(days=5))
            )
        later = order.meeting.start + timedelta(weeks=2)
        await h.client.orders.reschedule(order_id, Reschedule(meeting=later))
        after = await h.status(order_id)
        assert after.meeting == later
        due = {s.name: s.due for s in after.steps}
        old = {s.name: s.due for s in before.steps}
        assert due[Step.ARTIFACTS] > old[Step.ARTIFACTS]
        moved = h.mails("rescheduled")
        assert {m["To"].addresses[0].username for m in moved} == {"mette", "konsulent", "jc"}
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)
        await save_history(env, order_id, "order_rescheduled")


async def test_cancel_tells_everyone_told_and_ends_the_order(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"cancel-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.CLUSTER)
        )
        await h.sleep(timedelta(hours=1))
        await h.client.orders.cancel(order_id, Cancel(reason="Mødet er aflyst af klyngen"))
        final = await h.finish(order_id)
        with pytest.raises(StepRejected):
            await h.client.orders.cancel(order_id, Cancel(reason="igen"))
    assert final.status == "cancelled"
    cancelled = h.mails("cancelled")
    # The cluster contacts the job centre itself, so KiAP never mailed it: it is not told.
    assert {m["To"].addresses[0].username for m in cancelled} == {"mette", "konsulent"}
    assert "Mødet er aflyst af klyngen" in cancelled[0].get_body().get_content()
    assert not h.mails("invitation")
    await save_history(env, order_id, "order_cancelled")
