"""A second package, shipped only as a folder (tests/fixtures/catalog/rationel-antibiotika:
its own 3-question survey, its own 150-minute program, no job centre, no extract, no
pre-meeting), runs end to end on the time-skipping server with no code of its own."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from klyngepakke import bootstrap
from schemas.order.commands import ConsultationDone, MeetingRecord, PremeetingSchedule, SurveyImport
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.shared.errors import StepRejected
from schemas.survey.answers import SurveyResponse
from tests import factories
from tests.document_text import document_text, mail_text
from tests.mail_checks import mail_problems
from tests.web.people import link, web_for
from tests.workflows.harness import running

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"
# Words of the first package's topic and partner; none may reach a person of the second.
OLD_TOPIC = re.compile(r"attest|jobcent|LÆ[ -]\d|formøde|datatræk", re.IGNORECASE)


async def test_a_package_without_partner_runs_end_to_end_without_the_old_topic(
    env, settings, sink, executor
):
    settings = settings.model_copy(update={"catalog_dir": FIXTURES})
    async with running(env, settings, sink, executor) as h, web_for(h) as web:
        order = factories.make_order(
            await h.now(), package="rationel-antibiotika", municipality=None
        )
        order_id = await h.start(order, order_id=f"antibiotika-{uuid.uuid4()}")
        placed = await h.placed(order_id)
        assert [s.name for s in placed.steps] == [
            s for s in Step if s not in (Step.PARTNER, Step.PREMEETING)
        ]

        accepted = await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.CLUSTER)
        )
        assert accepted.message == (
            "Telefonkonsultationen er registreret. Materialemailen sendes nu."
        )
        await h.sleep(timedelta(hours=1))
        # The coordinator's page from the material mail: the package's steps, no pre-meeting.
        page = link(h.mails("material")[0], "/k/").removesuffix("/spoergeskema")
        overview = await web.get(page)
        assert overview.status_code == 200, overview.text
        assert "Spørgeskema" in overview.text and f'href="{page}/formoede"' not in overview.text
        assert not OLD_TOPIC.search(overview.text), OLD_TOPIC.search(overview.text)
        typed = await web.get(f"{page}/formoede")
        assert typed.status_code == 404 and "intet formøde" in typed.text
        await h.client.orders.survey_import(
            order_id,
            SurveyImport(
                source="svar.csv",
                responses=[
                    SurveyResponse(
                        answers={"sikkerhed": "Sikker", "crp": "Ofte", "udfordringer": "Tid"}
                    ),
                    SurveyResponse(
                        answers={"sikkerhed": "Usikker", "crp": "Altid", "udfordringer": ""}
                    ),
                ],
            ),
        )
        status = await h.status(order_id)
        artifacts_due = next(s.due for s in status.steps if s.name == Step.ARTIFACTS)
        await h.sleep_until(artifacts_due)
        # The package has no pre-meeting: the step is refused by what the package says.
        with pytest.raises(StepRejected, match="intet formøde"):
            await h.client.orders.premeeting_schedule(
                order_id, PremeetingSchedule(at=artifacts_due + timedelta(days=2))
            )

        await h.sleep_until(order.meeting.start)
        day = order.meeting.start.date()
        # No partner to own an agreement: the old package's owner is unknown here.
        with pytest.raises(StepRejected, match="ukendt ansvarlig"):
            await h.client.orders.meeting_record(
                order_id, MeetingRecord(minutes=factories.minutes(day))
            )
        minutes = Minutes(
            minute_taker="Åse Øberg",
            participants=9,
            agreements=[
                Agreement(
                    text="CRP ved alle voksne med hoste over en uge",
                    owner="Alle praksisser",
                    due=day + timedelta(days=30),
                )
            ],
            follow_up=FollowUpChoices(contact_person="Mette Holm"),
        )
        await h.client.orders.meeting_record(order_id, MeetingRecord(minutes=minutes))
        final = await h.finish(order_id)

    assert final.status == "completed"
    assert {s.state for s in final.steps} == {"done"}, final.steps
    assert final.survey is not None and final.survey.answered == 2
    assert {a.kind for a in final.artifacts} == {
        "deck",
        "handouts",
        "practice_sheet",
        "meeting_summary",
    }
    kinds = {m["X-Klyngepakke-Mail"] for m in h.mails()}
    assert {"material", "artifacts_delivered", "invitation", "follow_up_summary"} <= kinds
    assert not kinds & {"partner_guide", "premeeting_scheduled", "extract_reminder"}
    # Invited: the members, and nobody in a partner's role.
    member_addresses = {m.email for m in order.members}
    invited = {m["To"].addresses[0].addr_spec for m in h.mails("invitation")}
    assert invited == member_addresses
    assert mail_problems(h.mails()) == []

    leaks = [
        (m["X-Klyngepakke-Mail"], found.group(0))
        for m in h.mails()
        if (found := OLD_TOPIC.search(mail_text(m)))
    ]
    assert leaks == []
    store = bootstrap.artifact_store(settings)
    for artifact in final.artifacts:
        text = document_text(store.read(artifact))
        assert not OLD_TOPIC.search(text), (artifact.kind, OLD_TOPIC.search(text))
    deck = next(a for a in final.artifacts if a.kind == "deck")
    assert "Rationel antibiotikabehandling i almen praksis" in document_text(store.read(deck))
