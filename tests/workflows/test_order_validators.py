"""Every human step refuses out-of-order or invalid input, and a refusal leaves no event."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from catalog import Catalog
from schemas.order.commands import (
    Cancel,
    ConsultationDone,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
    SurveyImport,
)
from schemas.order.minutes import Agreement, Minutes
from schemas.order.request import ContactBy
from schemas.shared.errors import StepRejected
from schemas.survey.answers import SurveyResponse
from tests import factories
from tests.workflows.harness import running, save_history


async def test_out_of_order_steps_are_refused_with_a_reason(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"validators-{uuid.uuid4()}")
        await h.placed(order_id)
        template = Catalog().package(order.package).survey
        answers = SurveyImport(source="svar.csv", responses=factories.responses(template))

        with pytest.raises(StepRejected, match="telefonkonsultationen"):
            await h.client.orders.survey_import(order_id, answers)
        with pytest.raises(StepRejected, match="PowerPointen er leveret"):
            await h.client.orders.premeeting_schedule(
                order_id, PremeetingSchedule(at=order.meeting.start - timedelta(days=3))
            )
        with pytest.raises(StepRejected, match="ikke planlagt"):
            await h.client.orders.premeeting_done(order_id, PremeetingDone())
        with pytest.raises(StepRejected, match="ikke begyndt"):
            await h.client.orders.meeting_record(
                order_id, MeetingRecord(minutes=factories.minutes(order.meeting.start.date()))
            )
        events_before = len((await h.status(order_id)).events)

        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.CLUSTER)
        )
        with pytest.raises(StepRejected, match="allerede registreret"):
            await h.client.orders.consultation_done(
                order_id, ConsultationDone(contact_by=ContactBy.KIAP)
            )

        await h.sleep(timedelta(hours=1))
        bad = SurveyImport(
            source="svar.csv",
            responses=[SurveyResponse(answers={"kendskab": "Rigtig meget", "samarbejde": "Godt"})],
        )
        with pytest.raises(StepRejected, match=r"responses\[0\]\.kendskab.*ikke en svarmulighed"):
            await h.client.orders.survey_import(order_id, bad)

        status = await h.status(order_id)
        types = [e.type for e in status.events]
        assert "SurveyResultsImported" not in types
        assert types.count("ConsultationCompleted") == 1
        assert events_before < len(types)
        await h.client.orders.cancel(order_id, Cancel(reason="Testen er slut"))
        await h.finish(order_id)
        await save_history(env, order_id, "order_rejected_updates")


async def test_minutes_need_agreements_due_after_the_meeting(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now(), weeks=8.5)
        order_id = await h.start(order, order_id=f"minutes-{uuid.uuid4()}")
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.sleep_until(order.meeting.start)
        early = Minutes(
            minute_taker="Åse Øberg",
            participants=10,
            agreements=[
                Agreement(text="Ny arbejdsgang", owner="Klyngen", due=order.meeting.start.date())
            ],
        )
        with pytest.raises(StepRejected, match=r"agreements\[0\]\.due"):
            await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=early))
        accepted = await h.client.orders.meeting_record(
            order_id, MeetingRecord(minutes=factories.minutes(order.meeting.start.date()))
        )
        assert "1 aftaler" in accepted.message
        final = await h.finish(order_id)
    assert final.status == "completed"
    # Nobody answered: each member got the link and two reminders, and the deck went without.
    assert len(h.mails("survey_invitation")) == 3
    assert len(h.mails("survey_member_reminder")) == 6
    assert next(s for s in final.steps if s.name == "survey").state == "skipped"
    assert isinstance(order.meeting.start.date(), date)
