"""An order runs through all ten stages on the time-skipping server, 8+ weeks skipped."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType

from catalog import Catalog
from schemas.order.commands import (
    ConsultationDone,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
    SurveyImport,
)
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.package.program import ProgramChanges
from schemas.shared.errors import StepRejected
from tests import factories
from tests.mail_checks import mail_problems
from tests.workflows.harness import running, save_history


async def test_order_runs_every_stage_and_mails_each_role(env, settings, sink, executor):
    # As in production: the links in mails go to the public address, never localhost.
    settings = settings.model_copy(update={"public_base_url": "https://klynger.kiap.dk"})
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"happy-{uuid.uuid4()}")

        accepted = await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP, notes="Ønsker fokus på LÆ 265")
        )
        assert "registreret" in accepted.message
        await h.sleep(timedelta(hours=1))
        accepted_extract, receipt = await h.submit_extract(
            order_id, factories.extract_csv(), "udtraek.csv", "jobcenter (upload-side)"
        )
        assert accepted_extract.version == 1
        assert "3 rækker" in accepted_extract.message
        assert receipt.missing == [] and receipt.rows_read == 3
        template = Catalog().package(order.package).survey
        await h.client.orders.survey_import(
            order_id, SurveyImport(source="svar.csv", responses=factories.responses(template))
        )

        status = await h.status(order_id)
        artifacts_due = next(s.due for s in status.steps if s.name == Step.ARTIFACTS)
        await h.sleep_until(artifacts_due)
        premeeting_at = artifacts_due + timedelta(days=2)
        await h.client.orders.premeeting_schedule(order_id, PremeetingSchedule(at=premeeting_at))
        await h.sleep_until(premeeting_at)
        with pytest.raises(StepRejected, match=r"program\.minutes: ukendt punkt 'Frokost'"):
            await h.client.orders.premeeting_done(
                order_id, PremeetingDone(program=ProgramChanges(minutes={"Frokost": 30}))
            )
        await h.client.orders.premeeting_done(
            order_id,
            PremeetingDone(
                notes="Jobcenteret vil gerne have mere tid",
                program=ProgramChanges(
                    minutes={"Oplæg fra jobcenteret": 25, "Attestrejsen": 15},
                    added_topics=["Fast telefontid for lægerne"],
                ),
            ),
        )

        await h.sleep_until(order.meeting.start)
        await h.client.orders.meeting_record(
            order_id, MeetingRecord(minutes=factories.minutes(order.meeting.start.date()))
        )
        final = await h.finish(order_id)
        await save_history(env, order_id, "order_happy_path")
        history = await env.client.get_workflow_handle(order_id).fetch_history()

    # Operations' filters change only when an attribute does: no upsert repeats the last one.
    upserts = [
        dict(e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields)
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    ]
    assert upserts and all(a != b for a, b in itertools.pairwise(upserts))

    assert final.status == "completed"
    states = {s.name: s.state for s in final.steps}
    assert set(states.values()) == {"done"}, states
    assert [(u.version, u.rows, u.missing) for u in final.extract] == [(1, 3, 0)]
    assert not final.overdue
    assert final.survey is not None and final.survey.answered == 3
    kinds = [m["X-Klyngepakke-Mail"] for m in h.mails()]
    for kind in (
        "order_confirmation",
        "consultant_task",
        "material",
        "partner_guide",
        "artifacts_delivered",
        "premeeting_scheduled",
        "invitation",
        "practical_checklist",
        "follow_up_summary",
    ):
        assert kind in kinds, kind
    assert "consultation_escalation" not in kinds
    assert "survey_reminder" not in kinds
    assert "extract_reminder" not in kinds
    # Labels by mail were not chosen in the consultation.
    assert "practice_label" not in kinds
    # The members and the job centre, who gives two talks at the meeting.
    assert {m["To"].addresses[0].username for m in h.mails("invitation")} == {
        "soren",
        "aase",
        "jens",
        "jc",
    }
    assert {m["To"].addresses[0].username for m in h.mails("follow_up_summary")} == {
        "soren",
        "aase",
        "jens",
        "jc",
    }
    assert {a.kind for a in final.artifacts} == {
        "partner_guide",
        "extract_template",
        "deck",
        "handouts",
        "practice_sheet",
        "meeting_summary",
    }
    # The summary mail carries the summary and the practice sheet with the agreements.
    (summary,) = [m for m in h.mails("follow_up_summary") if m["To"].addresses[0].username == "jc"]
    attached = {p.get_filename() for p in summary.iter_attachments()}
    assert "opsummering.docx" in attached and any(n.startswith("praksisark") for n in attached)
    # The job centre owned the one agreement: reminded a week before and on the day; never
    # marked done, so it ends overdue and the order completes.
    reminders = h.mails("agreement_reminder")
    assert [m["To"].addresses[0].username for m in reminders] == ["jc", "jc"]
    assert [(a.number, a.state) for a in final.agreements] == [(1, "overdue")]
    # The pre-meeting changed the program: a second deck, beside the first, to both parties.
    decks = sorted((a.version, a.name) for a in final.artifacts if a.kind == "deck")
    assert decks == [(1, "klyngemoede.pptx"), (2, "klyngemoede-v2.pptx")]
    assert [a.version for a in final.artifacts if a.kind == "handouts"] == [1]
    assert [a.version for a in final.artifacts if a.kind == "practice_sheet"] == [1, 2]
    deliveries = h.mails("artifacts_delivered")
    assert [m["To"].addresses[0].username for m in deliveries] == ["mette", "mette", "jc"]
    attached = [p.get_filename() for p in deliveries[-1].iter_attachments()]
    assert "klyngemoede-v2.pptx" in attached
    delivered = [e for e in final.events if e.type == "ArtifactsDelivered"]
    assert len(delivered) == 2
    assert mail_problems(h.mails(), no_localhost=True) == []
    (confirmation,) = h.mails("order_confirmation")
    assert "https://klynger.kiap.dk/k/" in confirmation.get_body(("plain",)).get_content()
