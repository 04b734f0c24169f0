"""The job-centre course on the time-skipping server: each mail on its business day, reminders
only for open tasks, the notes in the follow-up mail, and completion two weeks after with what
was never done listed."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from temporalio.client import WorkflowFailureError

from klyngepakke import bootstrap
from schemas.course.commands import CourseNoteCommand, ParticipantsCommand
from schemas.course.request import CourseInput, CourseRequest, Participant
from schemas.shared.business_days import is_business_day, on_or_after, on_or_before
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError, StepRejected
from tests.workflows.harness import running, save_history
from workflows.course import CourseWorkflow

TEAMS = ["Sygedagpenge"] * 4 + ["Ressourceforløb"] * 5


def course(now: datetime, weeks: float = 6, participants: int = 9) -> CourseRequest:
    day = on_or_before((now + timedelta(weeks=weeks)).date())
    return CourseRequest.model_validate(
        {
            "municipality": "Aalborg Kommune",
            "start": datetime.combine(day, time(13, 0), COPENHAGEN),
            "mode": "fysisk",
            "room": "Mødelokale 2.14",
            "teachers": {
                "jobcenter": {"name": "Hanne Lund", "email": "hanne@example.dk"},
                "praksiskonsulent": {"name": "Peter Vestergaard", "email": "peter@example.dk"},
            },
            "participants": [
                {"email": f"sb{n}@example.dk", "name": f"Sagsbehandler {n}", "team": TEAMS[n % 9]}
                for n in range(participants)
            ],
            "cases": ["case-1"],
        }
    )


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _to(mails) -> list[str]:
    return sorted(m["To"].addresses[0].username for m in mails)


async def test_the_course_runs_its_checklist_and_closes_two_weeks_after(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        courses = bootstrap.klyngepakke_client(h.settings, env.client, env.get_current_time)
        request = course(await h.now())
        course_id = await courses.courses.start(request, course_id=f"course-{uuid.uuid4()}")
        h.started.append(course_id)
        await h.sleep(timedelta(minutes=5))
        status = await courses.courses.status(course_id)
        dues = {t.id: t.due for t in status.tasks}
        assert all(is_business_day(d.date()) and d.hour == 9 for d in dues.values())
        started = h.mails("course_started")[0]
        assert "kursusprogram.docx" in {p.get_filename() for p in started.iter_attachments()}
        assert _to(h.mails("course_started")) == ["hanne", "peter"]

        # Done before its date: no reminder for it. Unknown and automatic tasks are refused.
        await courses.courses.task_done(course_id, "form-og-lokale")
        with pytest.raises(StepRejected, match="task: ukendt opgave"):
            await courses.courses.task_done(course_id, "kaffe")
        with pytest.raises(StepRejected, match="klarer kurset selv"):
            await courses.courses.task_done(course_id, "introduktionsmail")
        with pytest.raises(StepRejected, match="allerede markeret"):
            await courses.courses.task_done(course_id, "form-og-lokale")

        await h.sleep_until(dues["introduktionsmail"])
        assert len(h.mails("course_intro")) == 9
        intro = h.mails("course_intro")[0].get_body().get_content()
        assert "Mødelokale 2.14" in intro and "Attestguiden" in intro
        await h.sleep_until(dues["forberedelse"])
        # Reminders only for open tasks: 'forberedelse' (both teachers), never 'form-og-lokale'.
        reminders = h.mails("course_task_reminder")
        assert [m["Subject"].split(": ", 1)[1] for m in reminders][:1] == [
            "Gennemgå Attestguide, drejebog og præsentation sammen, og drøft budskaberne"
        ]
        assert _to(reminders) == ["hanne", "peter"]
        await courses.courses.task_done(course_id, "forberedelse")

        await h.sleep_until(dues["grupper"])
        (groups_mail,) = [m for m in h.mails("course_groups") if "hanne" in m["To"]]
        text = groups_mail.get_body().get_content()
        assert "Gruppe 1:" in text and "Gruppe 2:" in text and "Gruppe 3:" not in text
        assert len(h.mails("course_task_reminder")) == 4  # 'praktisk', to both teachers

        await h.sleep_until(request.start + timedelta(minutes=30))
        await courses.courses.note(course_id, CourseNoteCommand(text="Prognosen er vigtigst"))
        await courses.courses.note(
            course_id,
            CourseNoteCommand(
                text="Beskriv borgerens situation og hvad attesten skal bruges til",
                good_example=True,
            ),
        )
        with pytest.raises(StepRejected, match="Kurset er begyndt"):
            await courses.courses.participants(
                course_id, ParticipantsCommand(participants=[Participant(email="ny@example.dk")])
            )
        await h.sleep_until(dues["opfoelgningsmail"])
        follow_up = h.mails("course_follow_up")
        assert len(follow_up) == 9
        body = follow_up[0].get_body().get_content()
        assert "- Prognosen er vigtigst" in body
        assert "Gode anmodninger fra kurset" in body and "hvad attesten skal bruges til" in body

        await h.sleep(timedelta(days=9))
        final = await courses.courses.result(course_id)
        await save_history(env, course_id, "course")

    assert final.status == "completed"
    states = {t.id: t.state for t in final.tasks}
    assert states == {
        "form-og-lokale": "done",
        "introduktionsmail": "done",
        "forberedelse": "done",
        "praktisk": "not_done",
        "grupper": "done",
        "opfoelgningsmail": "done",
        "personalemoede": "not_done",
    }
    done_at = {t.id: t.done_at for t in final.tasks}
    for automatic in ("introduktionsmail", "grupper", "opfoelgningsmail"):
        assert _minute(done_at[automatic]) == dues[automatic], automatic
    closing = [m.get_body().get_content() for m in h.mails("course_closing")]
    assert len(closing) == 2
    assert "Praktiske detaljer" in closing[0] and "personale- eller teammøde" in closing[0]
    assert "Gennemgå Attestguide" not in closing[0]
    assert final.groups == [5, 4]


async def test_a_course_less_than_four_weeks_away_is_refused_unless_forced(
    env, settings, sink, executor
):
    async with running(env, settings, sink, executor) as h:
        courses = bootstrap.klyngepakke_client(h.settings, env.client, env.get_current_time)
        soon = course(await h.now(), weeks=2, participants=0)
        with pytest.raises(DomainError, match="tjeklisten begynder 4 uger før"):
            await courses.courses.start(soon, course_id=f"soon-{uuid.uuid4()}")
        handle = await env.client.start_workflow(
            CourseWorkflow.run,
            CourseInput(course=soon),
            id=f"soon-direct-{uuid.uuid4()}",
            task_queue=h.settings.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
        assert "4 uger" in str(failure.value.cause)

        created = await h.now()
        soon = course(created, weeks=2, participants=0)
        course_id = await courses.courses.start(
            soon, course_id=f"forced-{uuid.uuid4()}", force=True
        )
        h.started.append(course_id)
        await h.sleep(timedelta(minutes=5))
        status = await courses.courses.status(course_id)
        # Items whose date has passed fall due at once (the next business day's start when
        # today is closed), never in the past.
        today = created.astimezone(COPENHAGEN).date()
        soonest = (
            created
            if is_business_day(today)
            else datetime.combine(on_or_after(today), time(9), COPENHAGEN)
        )
        first_due = min(t.due for t in status.tasks)
        assert all(t.due >= created for t in status.tasks)
        assert soonest <= first_due < soonest + timedelta(minutes=5)
        # Without participants the intro waits; the job centre's teacher is reminded.
        await h.sleep_until(first_due + timedelta(hours=2))
        (reminder,) = [
            m for m in h.mails("course_task_reminder") if "Introduktionsmail" in m["Subject"]
        ]
        assert reminder["To"].addresses[0].username == "hanne"
        assert "deltagerlisten" in reminder.get_body().get_content().lower()
        accepted = await courses.courses.participants(
            course_id,
            ParticipantsCommand(
                participants=[Participant(email=f"p{n}@example.dk") for n in range(5)]
            ),
        )
        assert "nu" in accepted.message
        await h.sleep(timedelta(hours=1))
        assert len(h.mails("course_intro")) == 5
