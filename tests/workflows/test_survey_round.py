"""The survey round on the time-skipping server: personal links out, reminders only to the
silent, closed on its date or as soon as everyone answered; questions frozen once sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from catalog import Catalog
from schemas.order.commands import Cancel, ConsultationDone
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.danish_format import date_long
from schemas.shared.errors import StepRejected
from schemas.survey_round.round import round_id, round_plan
from tests import factories
from tests.workflows.harness import running, save_history

TEMPLATE = Catalog().package("attester-i-almen-praksis").survey


def recipients(mails: list) -> list[str]:
    return sorted(m["To"].addresses[0].username for m in mails)


async def started_round(h, weeks: float = 9):
    order = factories.make_order(await h.now(), weeks=weeks)
    order_id = await h.start(order, order_id=f"round-{uuid.uuid4()}")
    await h.client.orders.consultation_done(order_id, ConsultationDone(contact_by=ContactBy.KIAP))
    await h.sleep(timedelta(hours=1))
    status = await h.status(order_id)
    material = next(s.done_at for s in status.steps if s.name == Step.MATERIAL)
    from schemas.order.timeline import plan as plan_timeline

    timeline = plan_timeline(order, status.steps[0].due, allow_late=False)
    return order, order_id, round_plan(timeline, material)


async def test_reminders_go_only_to_members_who_have_not_answered(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        _, order_id, plan = await started_round(h)
        edited = TEMPLATE.model_copy(update={"questions": TEMPLATE.questions[:2]})
        accepted = await h.client.surveys.edit(order_id, edited)
        assert "2 spørgsmål" in accepted.message

        await h.sleep_until(plan.dispatch_at)
        assert recipients(h.mails("survey_invitation")) == ["aase", "jens", "soren"]
        with pytest.raises(StepRejected, match="kan ikke længere ændres"):
            await h.client.surveys.edit(order_id, TEMPLATE)
        rid = round_id(order_id, 1)
        answer = factories.responses(TEMPLATE)[0]
        answer = answer.model_copy(
            update={
                "answers": {
                    k: v for k, v in answer.answers.items() if k in ("kendskab", "samarbejde")
                }
            }
        )
        await h.client.surveys.answer(rid, 0, answer)

        await h.sleep_until(plan.reminders[0])
        assert recipients(h.mails("survey_member_reminder")) == ["aase", "jens"]
        await h.client.surveys.answer(rid, 1, answer)
        await h.sleep_until(plan.reminders[1])
        assert recipients(h.mails("survey_member_reminder")) == ["aase", "jens", "jens"]

        await h.sleep_until(plan.close_at)
        progress = await h.client.surveys.progress(order_id)
        assert (progress.invited, progress.answered, progress.reminded, progress.closed) == (
            3,
            2,
            2,
            True,
        )
        status = await h.status(order_id)
        assert status.survey is not None and status.survey.answered == 2
        assert next(s.state for s in status.steps if s.name == Step.SURVEY) == "done"
        with pytest.raises(StepRejected, match="lukket") as refused:
            await h.client.surveys.answer(rid, 2, answer)
        assert refused.value.closed  # the form shows its "closed" page (410) by this
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)
        await save_history(env, rid, "survey_round_reminders")


async def test_the_round_closes_as_soon_as_everyone_answered(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        _, order_id, plan = await started_round(h)
        await h.client.surveys.dispatch(order_id)
        await h.sleep(timedelta(minutes=5))
        assert len(h.mails("survey_invitation")) == 3
        rid = round_id(order_id, 1)
        for member, response in enumerate(factories.responses(TEMPLATE)):
            await h.client.surveys.answer(rid, member, response)
        await h.sleep(timedelta(minutes=5))
        progress = await h.client.surveys.progress(order_id)
        assert progress.closed and progress.answered == 3
        assert not h.mails("survey_member_reminder")
        status = await h.status(order_id)
        assert status.survey is not None and status.survey.response_rate == 1.0
        assert await h.now() < plan.close_at
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)


async def test_the_coordinator_can_close_early(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        _, order_id, _ = await started_round(h)
        await h.client.surveys.dispatch(order_id)
        await h.sleep(timedelta(minutes=5))
        await h.client.surveys.answer(round_id(order_id, 1), 2, factories.responses(TEMPLATE)[2])
        await h.client.surveys.close(order_id)
        with pytest.raises(StepRejected, match="allerede lukket"):
            await h.client.surveys.close(order_id)
        await h.sleep(timedelta(minutes=5))
        status = await h.status(order_id)
        assert status.survey is not None and status.survey.closed and status.survey.answered == 1
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)


async def test_a_moved_meeting_moves_the_rounds_close(env, settings, sink, executor):
    from schemas.order.commands import Reschedule

    async with running(env, settings, sink, executor) as h:
        order, order_id, plan = await started_round(h)
        moved_to = order.meeting.start + timedelta(weeks=2)
        await h.client.orders.reschedule(order_id, Reschedule(meeting=moved_to))
        await h.sleep_until(plan.close_at + timedelta(days=1))
        progress = await h.client.surveys.progress(order_id)
        assert progress.dispatched and not progress.closed
        status = await h.status(order_id)
        new_close = next(s.due for s in status.steps if s.name == Step.SURVEY)
        assert new_close > plan.close_at
        # The reminders sent after the move state the new close and the new meeting date.
        await h.sleep_until(new_close - timedelta(hours=1))
        reminder = h.mails("survey_member_reminder")[-1].get_body(("plain",)).get_content()
        assert date_long(new_close) in reminder and date_long(plan.close_at) not in reminder
        assert date_long(moved_to) in reminder
        assert date_long(order.meeting.start) not in reminder
        await h.sleep_until(new_close)
        assert (await h.client.surveys.progress(order_id)).closed
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)


async def _events(env, workflow_id: str):  # type: ignore[no-untyped-def]
    return (await env.client.get_workflow_handle(workflow_id).fetch_history()).events


async def _progress_signals(env, order_id: str) -> int:  # type: ignore[no-untyped-def]
    return sum(
        1
        for e in await _events(env, order_id)
        if e.HasField("workflow_execution_signaled_event_attributes")
        and e.workflow_execution_signaled_event_attributes.signal_name == "survey_progress"
    )


async def test_a_repeated_answer_adds_nothing_and_a_changed_one_tells_the_order_nothing(
    env, settings, sink, executor
):
    """Histories stay small: the same answer sent twice (a double click) is saved once, and
    the order hears from its round only when the counts it shows change."""
    async with running(env, settings, sink, executor) as h:
        _, order_id, _ = await started_round(h)
        await h.client.surveys.dispatch(order_id)
        await h.sleep(timedelta(minutes=5))
        rid = round_id(order_id, 1)
        first, second, _ = factories.responses(TEMPLATE)
        await h.client.surveys.answer(rid, 0, first)
        signals = await _progress_signals(env, order_id)
        events = len(await _events(env, rid))

        again = await h.client.surveys.answer(rid, 0, first)
        assert "det samme som før" in again.message  # the member is told it is saved
        assert len(await _events(env, rid)) == events

        await h.client.surveys.answer(rid, 0, second)  # changed: saved, the count is the same
        assert len(await _events(env, rid)) > events
        assert await _progress_signals(env, order_id) == signals
        await h.client.surveys.answer(rid, 1, second)  # a new answer: the order is told
        await h.sleep(timedelta(minutes=1))
        assert await _progress_signals(env, order_id) == signals + 1
        status = await h.status(order_id)
        assert status.survey is not None and status.survey.answered == 2
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)
