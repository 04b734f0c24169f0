"""The job centre's extract in a running order: refused out of order or with errors, a
reminder at its due date, a deck without it, and a late extract that makes a new version."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from klyngepakke import bootstrap
from schemas.order.commands import ConsultationDone, MeetingRecord
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.errors import StepRejected
from tests import factories
from tests.workflows.harness import running, save_history


def _due(status, step: Step):
    return next(s.due for s in status.steps if s.name == step)


def _package_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(
            package.read(n).decode("utf-8", "replace")
            for n in package.namelist()
            if n.endswith(".xml")
        )


async def test_late_extract_reminds_then_renders_a_new_version(env, settings, sink, executor):
    async with running(env, settings, sink, executor) as h:
        order = factories.make_order(await h.now())
        order_id = await h.start(order, order_id=f"extract-{uuid.uuid4()}")
        await h.placed(order_id)
        with pytest.raises(StepRejected, match="har ikke fået skabelonen endnu"):
            await h.submit_extract(order_id, factories.extract_csv(), "udtraek.csv", "jobcenter")

        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP, practice_labels_by_mail=True)
        )
        await h.sleep(timedelta(hours=1))
        # The job centre's mail carries the guide, the pre-filled template and the upload link.
        (guide_mail,) = h.mails("partner_guide")
        attachments = {p.get_filename(): p for p in guide_mail.iter_attachments()}
        assert "datatraek-skabelon.xlsx" in attachments
        book = load_workbook(io.BytesIO(attachments["datatraek-skabelon.xlsx"].get_content()))
        prefilled = [row[0] for row in book["Datatræk"].iter_rows(min_row=2, values_only=True)]
        assert prefilled[:2] == ["012345", "067890"]
        assert re.search(r"http://localhost:8000/u/\S+", guide_mail.get_body().get_content())

        # A broken file is refused whole, with rows and fixes, and leaves no trace in the order.
        broken = factories.extract_csv(
            [
                ("012345", "LÆ 265", "-3", "", ""),
                ("999999", "LÆ 265", "4", "", ""),
                ("067890", "LÆ 265", "mange", "", ""),
            ]
        )
        with pytest.raises(StepRejected) as refused:
            await h.submit_extract(order_id, broken, "udtraek.csv", "jobcenter")
        report = refused.value.message
        assert "række 2, Modtagne attester: må ikke være negativ" in report
        assert "række 3, Ydernummer: hører ikke til en praksis i klyngen" in report
        assert "række 4, Modtagne attester: skal være et tal" in report
        assert "999999" not in report
        assert (await h.status(order_id)).extract == []

        # Its due date passes: one reminder, to the job centre and the coordinator.
        status = await h.status(order_id)
        await h.sleep_until(_due(status, Step.PARTNER))
        reminders = h.mails("extract_reminder")
        assert sorted(m["To"].addresses[0].username for m in reminders) == ["jc", "mette"]
        assert "/u/" in reminders[0].get_body().get_content()
        status = await h.status(order_id)
        assert {s.name: s.state for s in status.steps}[Step.PARTNER] == "overdue"

        # The deck is made without it and says so.
        await h.sleep_until(_due(status, Step.ARTIFACTS))
        status = await h.status(order_id)
        (first_deck,) = [a for a in status.artifacts if a.kind == "deck"]
        assert "var ikke modtaget" in _package_text(
            bootstrap.artifact_store(settings).read(first_deck)
        )
        assert h.mails("practice_label") == []

        # The extract arrives late: a new deck version to coordinator and job centre.
        accepted, receipt = await h.submit_extract(
            order_id, factories.extract_csv(), "udtraek.csv", "jobcenter (upload-side)"
        )
        assert "laves igen" in accepted.message
        assert receipt.rows_read == 3
        await h.sleep(timedelta(hours=2))
        status = await h.status(order_id)
        decks = sorted((a.version, a.name) for a in status.artifacts if a.kind == "deck")
        assert decks == [(1, "klyngemoede.pptx"), (2, "klyngemoede-v2.pptx")]
        second = h.mails("artifacts_delivered")[1:]
        assert sorted(m["To"].addresses[0].username for m in second) == ["jc", "mette"]
        assert "datatræk (version 1) er kommet med" in second[0].get_body().get_content()
        assert {s.name: s.state for s in status.steps}[Step.PARTNER] == "done"

        # Each practice is told its own label; doctors in one practice share it.
        labels = {
            m["To"].addresses[0].username: re.search(
                r"Jeres praksis er (Praksis \w+)", m.get_body().get_content()
            ).group(1)
            for m in h.mails("practice_label")
        }
        assert set(labels) == {"soren", "aase", "jens"}
        assert labels["soren"] == labels["aase"] != labels["jens"]
        deck_text = _package_text(
            bootstrap.artifact_store(settings).read(
                next(a for a in status.artifacts if a.name == "klyngemoede-v2.pptx")
            )
        )
        assert labels["soren"] in deck_text and labels["jens"] in deck_text

        # No provider number in any rendered document or in the order's history.
        for artifact in status.artifacts:
            if artifact.kind in ("deck", "handouts", "practice_sheet"):
                data = bootstrap.artifact_store(settings).read(artifact)
                text = _package_text(data) if data[:2] == b"PK" else data.decode("latin-1")
                assert "012345" not in text and "067890" not in text, artifact.name

        # A corrected file replaces it as a new version; the old one is kept.
        corrected = factories.extract_csv([("012345", "LÆ 265", "15", "16", "9")])
        accepted, receipt = await h.submit_extract(
            order_id, corrected, "rettet.csv", "konsulent (CLI)"
        )
        assert accepted.version == 2 and receipt.missing == ["067890"]
        await h.sleep(timedelta(hours=2))
        status = await h.status(order_id)
        assert [(u.version, u.uploaded_by, u.missing) for u in status.extract] == [
            (1, "jobcenter (upload-side)", 0),
            (2, "konsulent (CLI)", 1),
        ]
        uploads = sorted(p.name for p in (settings.upload_dir / order_id).glob("jobcenter-upload*"))
        assert uploads == [
            "jobcenter-upload-v2.csv",
            "jobcenter-upload-v3.csv",
            "jobcenter-upload.csv",
        ]
        third = next(a for a in status.artifacts if a.name == "klyngemoede-v3.pptx")
        assert "Ikke oplyst af jobcenteret" in _package_text(
            bootstrap.artifact_store(settings).read(third)
        )
        assert len(h.mails("practice_label")) == 3  # told once, not per version

        # Three files in quick succession (a correction, and a correction of that) make one
        # new version of the documents and one mail, showing the last file.
        delivered = len(h.mails("artifacts_delivered"))
        for received in ("17", "18", "19"):
            again = factories.extract_csv([("012345", "LÆ 265", received, "16", "9")])
            await h.submit_extract(order_id, again, "rettet.csv", "jobcenter (upload-side)")
        await h.sleep(timedelta(hours=2))
        status = await h.status(order_id)
        decks = sorted(a.version for a in status.artifacts if a.kind == "deck")
        assert decks == [1, 2, 3, 4]
        news = h.mails("artifacts_delivered")[delivered:]
        assert len(news) == 2  # the coordinator and the job centre, once each
        assert "datatræk (version 5) er kommet med" in news[0].get_body().get_content()

        await h.sleep_until(order.meeting.start)
        await h.client.orders.meeting_record(
            order_id, MeetingRecord(minutes=factories.minutes(order.meeting.start.date()))
        )
        with pytest.raises(StepRejected, match="Klyngemødet er holdt"):
            await h.submit_extract(order_id, factories.extract_csv(), "udtraek.csv", "jobcenter")
        final = await h.finish(order_id)
        await save_history(env, order_id, "order_late_extract")

    assert final.status == "completed"
    # History holds the order itself (its input, and the inputs of activities and the survey
    # round that read it); the extract adds no provider number anywhere else.
    history = await env.client.get_workflow_handle(order_id).fetch_history()
    carries_order = (
        "workflow_execution_started_event_attributes",
        "activity_task_scheduled_event_attributes",
        "start_child_workflow_execution_initiated_event_attributes",
    )
    rest = [e for e in history.events if not any(e.HasField(f) for f in carries_order)]
    assert rest and not any("067890" in str(e) or "999999" in str(e) for e in rest)
