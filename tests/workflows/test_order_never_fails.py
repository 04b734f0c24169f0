"""An accepted order never fails by accident: it plans from the moment it was accepted, a
signal to a child that has finished is dropped, a child that fails or a render that keeps
failing is reported and the order goes on (a render waits for an operator's retry)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from temporalio import activity
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.exceptions import ApplicationError

from activities.rendering import RenderRequest, RenderResult
from catalog import Catalog
from klyngepakke import bootstrap
from schemas.follow_up.meeting import follow_up_id
from schemas.order.commands import (
    AgreementDoneCommand,
    ConsultationDone,
    MeetingRecord,
    Reschedule,
    RetryRender,
    SurveyImport,
)
from schemas.order.documents import DocumentFacts, DocumentSource, package_ref
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.errors import Failure
from schemas.survey_round.round import round_id
from tests import factories
from tests.workflows.harness import running

TEMPLATE = Catalog().package("attester-i-almen-praksis").survey


def _state(status, step: Step) -> str:
    return next(s.state for s in status.steps if s.name == step)


def _events(status) -> list[str]:
    return [e.type for e in status.events]


async def test_an_order_whose_workers_were_down_past_its_call_slot_calls_at_once(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        now = await h.now()
        # The client accepted the order a week ago, the call two business days after that;
        # its first workflow task runs only now, as after a long deploy or an outage.
        accepted = now - timedelta(weeks=1)
        order = factories.make_order(accepted)
        assert order.call_at < now

        async def back_then() -> datetime:
            return accepted

        late_client = bootstrap.klyngepakke_client(h.settings, env.client, back_then)
        order_id = await late_client.orders.start(order, order_id=f"late-call-{uuid.uuid4()}")
        h.started.append(order_id)
        status = await h.placed(order_id)

        assert status.status == "active"
        (task,) = h.mails("consultant_task")
        assert "Ring hurtigst muligt" in task.get_body().get_content()
        # The escalation day has passed too: the consultant is reminded at once.
        assert len(h.mails("consultation_escalation")) == 1
        assert _state(status, Step.CONSULTATION) == "overdue"
        planned = next(s.due for s in status.steps if s.name == Step.ORDER)
        assert planned == accepted

        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        assert len(h.mails("material")) == 1


async def _to_the_agreements(h, order_id: str, order, minutes: Minutes) -> None:
    await h.client.orders.consultation_done(order_id, ConsultationDone(contact_by=ContactBy.KIAP))
    await h.sleep(timedelta(hours=1))
    await h.client.orders.survey_import(
        order_id, SurveyImport(source="svar.csv", responses=factories.responses(TEMPLATE))
    )
    await h.sleep_until(order.meeting.start)
    await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))
    await h.sleep(timedelta(hours=1))


async def test_news_for_a_follow_up_meeting_that_has_ended_is_dropped(
    env, settings, sink, executor
):
    # No sticky cache: the time-skipping server keeps a stopped worker's sticky tasks.
    async with running(env, settings, sink, executor, cache=False) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"ended-child-{uuid.uuid4()}")
        day = order.meeting.start.date()
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=10,
            agreements=[
                Agreement(
                    text="Fast telefontid", owner="Jobcenteret", due=day + timedelta(days=80)
                ),
                Agreement(text="Ny arbejdsgang", owner="Klyngen", due=day + timedelta(days=90)),
            ],
            follow_up=FollowUpChoices(follow_up_meeting=order.meeting.start + timedelta(weeks=7)),
        )
        await _to_the_agreements(h, order_id, order, minutes)
        child = follow_up_id(order_id)
        # The follow-up meeting ends while the order cannot hear of it yet; the agreement is
        # marked done in that same moment, so the order tells a child that is gone.
        async with h.worker_down():
            await env.client.get_workflow_handle(child).terminate("the meeting was called off")
            done = asyncio.create_task(
                h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=1))
            )
            await asyncio.sleep(0)
        accepted = await done
        assert "markeret som udført" in accepted.message
        await h.settle()
        status = await h.status(order_id)
        assert status.status == "active"
        assert "ChildSignalDropped" in _events(status)
        await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=2))
        final = await h.finish(order_id)
    assert final.status == "completed"


async def test_a_follow_up_meeting_that_fails_is_reported_and_the_order_goes_on(
    env, settings, sink, executor
):
    real = {getattr(a, "__name__", ""): a for a in bootstrap.activities(settings)}

    @activity.defn(name="load_package")
    def package_gone_for_the_follow_up(package_id: str):  # type: ignore[no-untyped-def]
        if activity.info().workflow_id.endswith("--opfoelgning"):
            raise ApplicationError("the package was removed", non_retryable=True)
        return real["load_package"](package_id)

    activities = [a for name, a in real.items() if name != "load_package"]
    async with running(
        env, settings, sink, executor, [package_gone_for_the_follow_up, *activities]
    ) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"failed-child-{uuid.uuid4()}")
        day = order.meeting.start.date()
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=10,
            agreements=[
                Agreement(text="Fast telefontid", owner="Jobcenteret", due=day + timedelta(days=30))
            ],
            follow_up=FollowUpChoices(follow_up_meeting=order.meeting.start + timedelta(weeks=7)),
        )
        await _to_the_agreements(h, order_id, order, minutes)
        status = await h.status(order_id)
        assert status.status == "active"
        (problem,) = status.problems
        assert problem.text.startswith("Det opfølgende klyngemøde stoppede med en fejl")
        assert "the package was removed" in problem.text
        (told,) = h.mails("child_failed")
        assert told["To"].addresses[0].username == "konsulent"
        # The agreements are still followed: the owner is reminded, the order completes.
        final = await h.finish(order_id)
    assert final.status == "completed"
    assert h.mails("agreement_reminder")


async def test_a_reschedule_while_the_survey_round_has_just_ended_goes_through(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor, cache=False) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"ended-round-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        async with h.worker_down():
            await env.client.get_workflow_handle(round_id(order_id, 1)).terminate("gone")
            moved = asyncio.create_task(
                h.client.orders.reschedule(
                    order_id, Reschedule(meeting=order.meeting.start + timedelta(weeks=1))
                )
            )
            await asyncio.sleep(0)
        assert "flyttet" in (await moved).message
        await h.settle()
        status = await h.status(order_id)
        assert status.status == "active"
        assert "ChildSignalDropped" in _events(status)
        assert len(h.mails("rescheduled")) >= 1
        # The time-skipping server tells a parent neither that its child was terminated nor
        # that a cancel request to it failed, so the order's wait for its round ends here;
        # what follows a round's end is shown with a failing round below.


async def test_a_survey_round_that_fails_is_reported_and_the_order_goes_on(
    env, settings, sink, executor
):
    @activity.defn(name="aggregate_answers")
    async def broken_aggregate(request: object) -> None:
        raise ApplicationError("the answers cannot be counted", non_retryable=True)

    activities = [
        a
        for a in bootstrap.activities(settings)
        if getattr(a, "__name__", "") != "aggregate_answers"
    ]
    async with running(env, settings, sink, executor, [broken_aggregate, *activities]) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"failed-round-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        await h.client.surveys.close(order_id)
        await h.settle()
        status = await h.status(order_id)
        assert status.status == "active"
        (problem,) = status.problems
        assert problem.kind == "child_failed"
        assert "Spørgeskemarunden" in problem.text and "cannot be counted" in problem.text
        assert _state(status, Step.SURVEY) == "overdue"
        (told,) = h.mails("child_failed")
        assert "Spørgeskemarunden" in told.get_body().get_content()
        # Operations see it above the history in the Temporal UI.
        metadata = await env.client.get_workflow_handle(order_id).query(
            "__temporal_workflow_metadata", result_type=WorkflowMetadata
        )
        assert "⚠ Spørgeskemarunden stoppede med en fejl" in metadata.current_details


async def test_a_render_that_keeps_failing_waits_for_an_operator_instead_of_failing(
    env, settings, sink, executor
):
    real = {getattr(a, "__name__", ""): a for a in bootstrap.activities(settings)}
    broken = {"deck": True}

    @activity.defn(name="render_documents")
    def flaky_render(request: RenderRequest) -> RenderResult:
        if "deck" in request.kinds and broken["deck"]:
            raise ApplicationError("the chart template is missing", non_retryable=True)
        return real["render_documents"](request)

    activities = [a for name, a in real.items() if name != "render_documents"]
    async with running(env, settings, sink, executor, [flaky_render, *activities]) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"render-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        status = await h.status(order_id)
        artifacts_due = next(s.due for s in status.steps if s.name == Step.ARTIFACTS)
        await h.sleep_until(artifacts_due)

        status = await h.status(order_id)
        assert status.status == "active"
        assert [p.kind for p in status.problems] == ["render_failed"]
        assert "chart template is missing" in status.problems[0].text
        (told,) = h.mails("render_failed")
        text = told.get_body(("plain",)).get_content()
        assert "Lav dokumenterne igen" in text and f"/konsulent/ordre/{order_id}" in text
        assert not h.mails("artifacts_delivered")

        broken["deck"] = False
        accepted = await h.client.orders.retry_render(order_id, RetryRender(by="drift"))
        assert "igen" in accepted.message
        await h.settle()
        status = await h.status(order_id)
        assert status.problems == []
        assert _state(status, Step.ARTIFACTS) == "done"
        assert len(h.mails("artifacts_delivered")) == 1


async def test_a_render_whose_worker_has_another_package_version_sends_the_package_itself(
    env, settings, sink, executor
):
    """A deploy changed the package while the order ran: the render worker refuses the
    reference, and the order renders again with the package it was made with, in the input."""
    real = {getattr(a, "__name__", ""): a for a in bootstrap.activities(settings)}
    seen: list[RenderRequest] = []

    @activity.defn(name="render_documents")
    def render_after_deploy(request: RenderRequest) -> RenderResult:
        seen.append(request)
        if request.package is not None:  # this worker's catalog has a newer text
            raise ApplicationError(
                "changed", type=Failure.PACKAGE_CHANGED.value, non_retryable=True
            )
        return real["render_documents"](request)

    activities = [a for name, a in real.items() if name != "render_documents"]
    async with running(env, settings, sink, executor, [render_after_deploy, *activities]) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"deploy-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep(timedelta(hours=1))
        assert h.mails("material"), "the material mail, with the guide rendered from the package"
        by_reference, inline = seen[0], seen[1]
        assert isinstance(by_reference.source, DocumentFacts)
        assert not isinstance(by_reference.source, DocumentSource)
        assert by_reference.package == package_ref(Catalog().package(order.package))
        assert isinstance(inline.source, DocumentSource) and inline.package is None
        status = await h.status(order_id)
        assert status.status == "active" and status.problems == []
