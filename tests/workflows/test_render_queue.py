"""Workflows never wait for renders: every render goes to the render queue, never to the
workflow worker (which could run one), and the order answers while no render worker is up."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.worker import Worker

from klyngepakke import bootstrap
from schemas.order.commands import ConsultationDone
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from tests import factories
from tests.eventually import eventually
from tests.workflows.harness import running
from worker import RENDER_ACTIVITIES, by_queue


def test_the_render_worker_serves_the_renders_and_nothing_else(settings):
    workflow_side, render_side = by_queue(bootstrap.activities(settings))
    names = {getattr(fn, "__name__", "") for fn in workflow_side}
    assert not names & RENDER_ACTIVITIES and "send_mail" in names
    assert {getattr(fn, "__name__", "") for fn in render_side} == RENDER_ACTIVITIES
    # What `klyngepakke render-worker` registers.
    assert {
        getattr(fn, "__name__", "") for fn in bootstrap.render_activities(settings)
    } == RENDER_ACTIVITIES


async def test_an_order_goes_on_answering_while_its_renders_wait_for_a_render_worker(
    env, settings, sink, executor
):
    _, render_side = by_queue(bootstrap.activities(settings))
    # The workflow worker has the render activities (as in production), no render worker runs.
    async with running(env, settings, sink, executor, render_worker=False) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"render-queue-{uuid.uuid4()}")
        await h.placed(order_id)
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        render_queue = bootstrap.render_task_queue(h.settings)
        handle = env.client.get_workflow_handle(order_id)

        async def render_waits_on_the_render_queue() -> bool:
            history = await handle.fetch_history()
            return any(
                e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                and e.activity_task_scheduled_event_attributes.activity_type.name
                == "render_documents"
                and e.activity_task_scheduled_event_attributes.task_queue.name == render_queue
                for e in history.events
            )

        await eventually(
            "the job centre guide's render on the render queue", render_waits_on_the_render_queue
        )
        # No render worker yet: the order still answers, the material is not sent.
        status = await h.status(order_id)
        assert next(s.state for s in status.steps if s.name == Step.CONSULTATION) == "done"
        assert not h.mails("material")

        async with Worker(
            env.client,
            task_queue=render_queue,
            activities=render_side,
            activity_executor=executor,
            max_concurrent_activities=h.settings.render_slots,
        ):

            async def material_sent() -> bool:
                return bool(h.mails("material"))

            await eventually("the material mail once a render worker is up", material_sent)
            await h.settle()
        (material,) = h.mails("material")
        names = [part.get_filename() for part in material.iter_attachments()]
        assert "drejebog-jobcenter.docx" in names
