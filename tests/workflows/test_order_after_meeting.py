"""After the meeting: agreement reminders on their business days and not after done, the
order completing once every agreement is settled, and the follow-up meeting as a child
workflow that is started once, outlives the order, repeats the survey and compares."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from pptx import Presentation
from temporalio.api.enums.v1 import ParentClosePolicy
from temporalio.client import WorkflowExecutionStatus

from catalog import Catalog
from schemas.follow_up.meeting import follow_up_id
from schemas.order.commands import (
    AgreementDoneCommand,
    ConsultationDone,
    MeetingRecord,
    SurveyImport,
)
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import ContactBy
from schemas.shared.business_days import (
    add_business_days,
    at_workday_start,
    is_business_day,
    on_or_before,
)
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import StepRejected
from schemas.survey.answers import SurveyResponse, aggregate
from schemas.survey_round.round import round_id
from tests import factories
from tests.checkers.calendars import calendar_files
from tests.workflows.harness import commands_after_signals, running, save_history
from workflows import search_attributes
from workflows.follow_up_meeting import FollowUpMeeting

TEMPLATE = Catalog().package("attester-i-almen-praksis").survey


def _minute(moment: datetime) -> datetime:
    """Timers fire a few milliseconds after their time."""
    return moment.replace(second=0, microsecond=0)


def _saturday_after(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


async def _to_the_meeting(h, order, order_id: str) -> None:
    await h.client.orders.consultation_done(order_id, ConsultationDone(contact_by=ContactBy.KIAP))
    await h.sleep(timedelta(hours=1))
    await h.client.orders.survey_import(
        order_id, SurveyImport(source="svar.csv", responses=factories.responses(TEMPLATE))
    )
    await h.sleep_until(order.meeting.start)


async def test_reminders_fall_on_business_days_and_stop_when_done(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"agreements-{uuid.uuid4()}")
        await _to_the_meeting(h, order, order_id)
        day = order.meeting.start.date()
        weekend_due = _saturday_after(day + timedelta(days=40))
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=12,
            agreements=[
                Agreement(
                    text="Fast telefontid", owner="Jobcenteret", due=day + timedelta(days=21)
                ),
                Agreement(
                    text="Ny arbejdsgang i hver praksis", owner="Alle praksisser", due=weekend_due
                ),
            ],
        )
        unknown = minutes.model_copy(
            update={"agreements": [Agreement(text="x", owner="Ukendt Person", due=weekend_due)]}
        )
        with pytest.raises(StepRejected, match=r"agreements\[0\]\.owner: ukendt ansvarlig"):
            await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=unknown))
        with pytest.raises(StepRejected, match="Referatet er ikke registreret"):
            await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=1))
        await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))

        # Agreement 1: reminded a week before, then marked done – no reminder on the day.
        first_week_before = at_workday_start(on_or_before(day + timedelta(days=14)))
        await h.sleep_until(first_week_before)
        accepted = await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=1))
        assert "1 af 2 aftaler er stadig åbne" in accepted.message
        with pytest.raises(StepRejected, match="allerede markeret som udført"):
            await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=1))
        with pytest.raises(StepRejected, match="number: referatet har 2 aftaler"):
            await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=3))

        # Agreement 2 is due on a Saturday: reminded on the business day before (the Friday,
        # or the Wednesday when it is Easter); overdue on the next business day.
        monday = add_business_days(weekend_due, 1)
        await h.sleep_until(at_workday_start(monday))
        handle = env.client.get_workflow_handle(order_id)
        described = await handle.describe()
        assert described.typed_search_attributes.get(search_attributes.OVERDUE_AGREEMENTS) == 1
        final = await h.finish(order_id)

    sent = [_minute(e.at) for e in final.events if e.type == "AgreementReminderSent"]
    last_before = on_or_before(weekend_due)
    assert sent == [
        first_week_before,
        at_workday_start(on_or_before(weekend_due - timedelta(days=7))),
        at_workday_start(last_before),
    ]
    between = [last_before + timedelta(days=n) for n in range(1, (weekend_due - last_before).days)]
    assert is_business_day(last_before) and not any(map(is_business_day, between))
    # "Alle praksisser": one message per practice with its doctors on it, the agreement's text
    # in the subject so two agreements' reminders can be told apart.
    reminders = h.mails("agreement_reminder")
    owners = [sorted(a.username for a in m["To"].addresses) for m in reminders]
    assert owners == [["jc"], ["aase", "soren"], ["jens"], ["aase", "soren"], ["jens"]]
    assert "Fast telefontid" in reminders[0]["Subject"]
    assert all("Ny arbejdsgang i hver praksis" in m["Subject"] for m in reminders[1:])
    text = reminders[1].get_body(("plain",)).get_content()
    assert "Kære Søren Ærø og Åse Øberg" in text
    # A group reads as a common noun inside the sentence; a person keeps their name.
    assert "med alle praksisser som ansvarlig" in text
    assert "med Jobcenteret" not in reminders[0].get_body(("plain",)).get_content()
    assert [(a.number, a.state) for a in final.agreements] == [(1, "done"), (2, "overdue")]
    overdue = next(e for e in final.events if e.type == "AgreementOverdue")
    assert _minute(overdue.at) == at_workday_start(monday)
    assert final.status == "completed"
    assert final.events[-1].type == "OrderCompleted"


def _answers(kendskab: str, samarbejde: str) -> SurveyResponse:
    return SurveyResponse(
        answers={
            "kendskab": kendskab,
            "samarbejde": samarbejde,
            "fungerer_godt": "",
            "udfordringer": ["Korte svarfrister"],
        }
    )


async def test_the_follow_up_meeting_runs_once_outlives_the_order_and_compares(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor, cache=False) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"followup-{uuid.uuid4()}")
        await _to_the_meeting(h, order, order_id)
        day = order.meeting.start.date()
        follow_up_at = datetime.combine(day + timedelta(weeks=10), time(16), COPENHAGEN)
        too_soon = Minutes(
            minute_taker="Åse Øberg",
            participants=12,
            follow_up=FollowUpChoices(
                follow_up_meeting=order.meeting.start + timedelta(weeks=2), repeat_survey=True
            ),
        )
        with pytest.raises(StepRejected, match="mindst 6 uger efter"):
            await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=too_soon))
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=12,
            agreements=[
                Agreement(text="Fast telefontid", owner="Jobcenteret", due=day + timedelta(days=21))
            ],
            follow_up=FollowUpChoices(
                follow_up_meeting=follow_up_at, repeat_survey=True, new_extract=True
            ),
        )
        await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))
        await h.sleep(timedelta(hours=1))
        child_id = follow_up_id(order_id)
        assert child_id == f"{order_id}--opfoelgning"
        parent = await env.client.get_workflow_handle(order_id).describe()
        (pending,) = parent.raw_description.pending_children
        assert pending.workflow_id == child_id
        assert pending.parent_close_policy == ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON
        first_run = (await env.client.get_workflow_handle(child_id).describe()).run_id

        # Every workflow task of this test replays the history first (no cache), as after a
        # worker restart: the order still starts its follow-up exactly once.
        await h.client.orders.agreement_done(order_id, AgreementDoneCommand(number=1))
        order_final = await h.finish(order_id)
        assert order_final.status == "completed"
        assert order_final.follow_up_meeting == child_id
        started = [e for e in order_final.events if e.type == "FollowUpMeetingStarted"]
        assert len(started) == 1
        child = env.client.get_workflow_handle(child_id)
        described = await child.describe()
        assert described.run_id == first_run
        # The order has completed; its follow-up runs on.
        assert described.status == WorkflowExecutionStatus.RUNNING
        plan_status = await child.query(FollowUpMeeting.status)
        assert plan_status.agreements[0].state == "done"

        # The second round opens four weeks before; the members answer differently.
        await h.sleep_until(follow_up_at - timedelta(weeks=4) + timedelta(hours=1))
        second = [
            _answers("I nogen grad", "Godt"),
            _answers("I høj grad", "Godt"),
            _answers("I høj grad", "Meget godt"),
        ]
        for member, response in enumerate(second):
            await h.client.surveys.answer(round_id(order_id, 2), member, response)
        accepted, _ = await h.submit_extract(
            child_id, factories.extract_csv(), "nyt.csv", "jobcenter (upload-side)"
        )
        assert accepted.version == 1
        await h.sleep_until(follow_up_at - timedelta(days=6) - timedelta(minutes=1))
        status = await child.query(FollowUpMeeting.status)
        assert status.deck == "opfoelgningsmoede.pptx"
        assert [e.split(": ", 1)[1] for e in status.events] == [
            "Invitation til det opfølgende møde sendt",
            "Spørgeskemaets 2. runde er startet",
            "Nyt datatræk bestilt hos jobcenteret",
            "Nyt datatræk modtaget (version 1)",
            "Spørgeskemaets 2. runde lukket: 3 svar",
            "Sammenligningen er leveret",
        ]
        history = await env.client.get_workflow_handle(order_id).fetch_history()
        progress_signals = [
            e
            for e in history.events
            if e.workflow_execution_signaled_event_attributes.signal_name == "survey_progress"
        ]
        assert progress_signals
        assert commands_after_signals(history, "survey_progress") == []

        # Its own completion at the meeting is left out: here, the time-skipping test server
        # timed out skipping past a child's completion once its parent had closed.
        await save_history(env, child_id, "follow_up_meeting")
        await save_history(env, order_id, "order_with_follow_up")

    deck_path = settings.artifact_dir / order_id / "opfoelgningsmoede.pptx"
    first = aggregate(TEMPLATE, factories.responses(TEMPLATE))
    later = aggregate(TEMPLATE, second)
    by_question = {q.text: q for q in later.questions}
    compared = 0
    for slide in Presentation(str(deck_path)).slides:
        charts_here = [s.chart for s in slide.shapes if s.has_chart]
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        if not charts_here or title not in by_question:
            continue
        chart = charts_here[0]
        categories = list(chart.plots[0].categories)
        values = {series.name: list(series.values) for series in chart.series}
        one = next(q for q in first.questions if q.text == title)
        two = by_question[title]
        assert values["1. runde"] == [
            next(o.share for o in one.options if o.option == c) for c in categories
        ]
        assert values["2. runde"] == [
            next(o.share for o in two.options if o.option == c) for c in categories
        ]
        compared += 1
    assert compared == sum(1 for q in later.questions if q.options)
    mails = {m["X-Klyngepakke-Mail"] for m in h.mails()}
    assert {"follow_up_started", "follow_up_extract_request", "follow_up_deck"} <= mails
    # The follow-up meeting has its own invitation, to the members and the job centre.
    invited = h.mails("follow_up_invitation")
    assert {m["To"].addresses[0].addr_spec for m in invited} == {
        p.email for p in [*order.members, order.municipality.jobcenter_contact]
    }
    (ics,) = calendar_files(invited[0])
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["UID"]) == f"follow-up.{order_id}@klyngepakke.kiap.dk"
    assert event.decoded("DTSTART") == follow_up_at
    assert len(event.get("ATTENDEE")) == len(order.members) + 1
