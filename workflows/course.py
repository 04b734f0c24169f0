"""CourseWorkflow: the job-centre course (Jobcenterpakke) as a checklist against its date.

The seed's checklist items are tasks with due dates. The workflow does the automatic ones
itself (the intro mail to the participants, the groups for the teachers, the follow-up mail
with the teachers' notes), reminds the responsible teacher of an open task on its due date,
and completes two weeks after the course, listing what was never done instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.catalog_lookup import CatalogActivities
    from activities.course_mail import (
        CourseMailActivities,
        CourseMailContext,
        CourseMailRequest,
    )
    from activities.rendering import CourseProgramRequest, RenderActivities
    from schemas.course.commands import CourseNote, CourseNoteCommand, ParticipantsCommand, TaskDone
    from schemas.course.definition import CourseDefinition
    from schemas.course.events import (
        Closing,
        ClosingSent,
        CourseEvent,
        FollowUpSent,
        GroupsMade,
        GroupsSent,
        IntroSent,
        MailNotDelivered,
        NoteTaken,
        ParticipantsSet,
        Planned,
        ProgramRendered,
        Reminded,
        Started,
        TaskMarkedDone,
    )
    from schemas.course.plan import (
        FOLLOW_UP,
        GROUPS,
        INTRO,
        PlannedTask,
        plan_tasks,
        program_rows,
        split_groups,
    )
    from schemas.course.refusals import refuse_note, refuse_participants, refuse_task_done
    from schemas.course.request import CourseInput, check_request
    from schemas.course.state import CourseState, apply, says, status_of
    from schemas.course.status import CourseStatus
    from schemas.order.commands import StepAccepted
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.assignment import (
        TaskAssign,
        assignment_event,
        assignment_text,
        refuse_assignment,
    )
    from schemas.shared.business_days import at_workday_start, on_or_after
    from schemas.shared.clock import OrderClock
    from schemas.shared.danish_format import date_long, datetime_long
    from schemas.shared.errors import DomainError, Failure
    from schemas.shared.event_log import EventLog
    from schemas.shared.people import Person
    from workflows import activity_options, names, search_attributes
    from workflows.kernel import RUN_SCOPED_MAIL, Kernel
    from workflows.refusals import invalid, refuse
    from workflows.render_queue import render_queue
    from workflows.waiting import REPLAY_SAFE

Teacher = Literal["jobcenter", "praksiskonsulent", "begge"]


_refuse = refuse


@workflow.defn(name=names.COURSE)
class CourseWorkflow:
    @workflow.init
    def __init__(self, inp: CourseInput) -> None:
        self._inp = inp
        self._clock = OrderClock(
            real_origin=workflow.now(),
            planned_origin=workflow.now(),
            seconds_per_day=inp.seconds_per_day,
        )
        # The course's state is only the fold of its events (schemas/course/state.py).
        self._log: EventLog[CourseState, CourseEvent] = EventLog(
            apply, CourseState(participants=list(inp.course.participants))
        )
        self._kernel = Kernel(self._clock)

    @workflow.run
    async def run(self, inp: CourseInput) -> CourseStatus:
        self._kernel.patched(REPLAY_SAFE)
        self._kernel.patched(RUN_SCOPED_MAIL)
        created = self._now()
        definition = await self._kernel.look_up(
            CatalogActivities.load_course, inp.course.course, summary="Hent kurset fra kataloget"
        )
        try:
            check_request(inp.course, definition)
            # Planned from when the client accepted the course, not from this first task.
            accepted = inp.accepted_at or self._now()
            tasks = plan_tasks(
                definition,
                inp.course.start,
                accepted,
                force=inp.force,
                on_business_days=workflow.patched("course-tasks-on-business-days"),
            )
        except DomainError as exc:
            raise invalid(exc, Failure.INVALID_COURSE) from None
        self._record(Planned(at=self._now(), tasks=tasks, definition=definition))
        program = await workflow.execute_activity_method(
            RenderActivities.render_course_program,
            CourseProgramRequest(
                course_id=workflow.info().workflow_id,
                run=workflow.info().first_execution_run_id,
                course=inp.course,
                definition=definition,
                planned_at=self._now(),
            ),
            summary="Kursusprogram (DOCX)",
            task_queue=render_queue(),
            start_to_close_timeout=activity_options.RENDER_TIMEOUT,
            heartbeat_timeout=activity_options.RENDER_HEARTBEAT,
            retry_policy=activity_options.COURSE_RENDER_RETRY,
        )
        self._record(ProgramRendered(at=self._now(), program=program))
        await self._mail("course_started", "started", self._teachers("begge"), [program])
        self._record(Started(at=created))

        closing = at_workday_start(on_or_after(inp.course.start.date() + timedelta(weeks=2)))
        intro: asyncio.Future[None] | None = None
        for task in tasks:
            if task.due >= closing:
                continue  # looked at when the course closes
            await self._until(task.due, f"Venter: {task.title}")
            if task.id == INTRO:
                intro = asyncio.ensure_future(self._intro())
            elif task.id == GROUPS:
                await self._make_groups()
            elif task.id == FOLLOW_UP:
                await self._follow_up_mail()
            elif task.id not in self._state.done:
                await self._remind(task)
        await self._until(closing, "Venter til kurset afsluttes")
        self._record(Closing(at=self._now()))
        if intro is not None and not intro.done():
            intro.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await intro
        open_tasks = [t.id for t in tasks if t.id not in self._state.done]
        await self._mail(
            "course_closing", "closing", self._teachers("begge"), open_tasks=open_tasks
        )
        self._record(ClosingSent(at=self._now(), open_tasks=open_tasks))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ---- the automatic tasks -----------------------------------------------------------

    async def _intro(self) -> None:
        """The intro goes when there are participants; until then the job centre's teacher
        is reminded that the list is missing."""
        if not self._state.participants:
            await self._remind(self._state.task(INTRO), missing_participants=True)
            await workflow.wait_condition(lambda: bool(self._state.participants))
        await self._send_intro()

    async def _send_intro(self) -> None:
        # One key for every sending: the sent-ledger skips those who already have it.
        await self._mail("course_intro", "intro", self._participant_people())
        if INTRO not in self._state.done:
            self._record(IntroSent(at=self._now(), participants=len(self._state.participants)))
        self._publish()

    async def _make_groups(self) -> None:
        groups = split_groups(
            self._state.participants, self._inp.course.mode, workflow.info().workflow_id
        )
        self._record(GroupsMade(at=self._now(), groups=groups))
        await self._mail("course_groups", "groups", self._teachers("begge"))
        self._record(GroupsSent(at=self._now(), sizes=[len(g) for g in groups.groups]))

    async def _follow_up_mail(self) -> None:
        if self._state.participants:
            await self._mail("course_follow_up", "follow-up", self._participant_people())
            self._record(FollowUpSent(at=self._now(), notes=len(self._state.notes)))

    async def _remind(self, task: PlannedTask, missing_participants: bool = False) -> None:
        await self._mail(
            "course_task_reminder",
            f"reminder-{task.id}",
            self._teachers(task.responsible),
            task=task,
        )
        self._record(
            Reminded(at=self._now(), title=task.title, missing_participants=missing_participants)
        )

    # ---- what teachers do --------------------------------------------------------------

    @workflow.update(name="assign_task")
    async def assign_task(self, cmd: TaskAssign) -> StepAccepted:
        """KiAP's workbench: take the course's tasks, give them to a colleague (who is told at
        once), or let go."""
        event = assignment_event(self._state.holder, cmd, self._now())
        self._record(event)  # shown in the course's log, and published
        await self._kernel.tell_new_holder(cmd, event, f"kurset i {self._inp.course.municipality}")
        return StepAccepted(message=assignment_text(event) + ".")

    @assign_task.validator
    def _check_assign_task(self, cmd: TaskAssign) -> None:
        self._kernel.refuse_if(refuse_assignment(self._state.holder, cmd, not self._state.closed))

    @workflow.update(name="task_done")
    def task_done(self, cmd: TaskDone) -> StepAccepted:
        task = self._state.task(cmd.task)
        self._record(TaskMarkedDone(at=self._now(), task=task.id, title=task.title))
        return StepAccepted(message=f"'{task.title}' er markeret som udført.")

    @task_done.validator
    def _check_task_done(self, cmd: TaskDone) -> None:
        self._kernel.refuse_if(refuse_task_done(self._state, cmd.task))

    @workflow.update(name="course_note")
    def course_note(self, cmd: CourseNoteCommand) -> StepAccepted:
        note = CourseNote(at=self._now(), text=cmd.text, good_example=cmd.good_example)
        self._record(NoteTaken(at=note.at, note=note))
        kind = "god anmodning" if cmd.good_example else "note"
        return StepAccepted(
            message=f"Din {kind} er gemt ({len(self._state.notes)} i alt) og kommer med i"
            " opfølgningsmailen."
        )

    @course_note.validator
    def _check_note(self, cmd: CourseNoteCommand) -> None:
        self._kernel.refuse_if(refuse_note(self._state))

    @workflow.update(name="course_participants")
    async def course_participants(self, cmd: ParticipantsCommand) -> StepAccepted:
        self._record(ParticipantsSet(at=self._now(), participants=list(cmd.participants)))
        self._publish()
        if INTRO in self._state.done:
            await self._send_intro()
            return StepAccepted(
                message=f"{len(cmd.participants)} deltagere; nye deltagere har fået "
                "introduktionsmailen nu."
            )
        due = self._state.task(INTRO).due
        when = "nu" if self._now() >= due else date_long(due)
        return StepAccepted(
            message=f"{len(cmd.participants)} deltagere; de får introduktionsmailen {when}."
        )

    @course_participants.validator
    def _check_participants(self, cmd: ParticipantsCommand) -> None:
        self._kernel.refuse_if(
            refuse_participants(self._state, self._now(), self._inp.course.start)
        )

    @workflow.query(name="status")
    def status(self) -> CourseStatus:
        course = self._inp.course
        title = self._definition.title if self._definition else None
        status = status_of(
            self._state,
            workflow.info().workflow_id,
            course.course,
            course.start,
            course.mode,
            title,
        )
        return status.model_copy(update={"run": workflow.info().first_execution_run_id})

    # ---- plumbing ----------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._kernel.now()

    @property
    def _state(self) -> CourseState:
        return self._log.state

    @property
    def _definition(self) -> CourseDefinition | None:
        return self._log.state.definition

    def _record(self, event: CourseEvent) -> None:
        """Keep ``event`` and fold it in; one that adds to the course's log is shown (and
        the search attributes upserted) at once, as every logged step always was."""
        self._log.record(event)
        if says(event) is not None:
            self._publish()

    def _teachers(self, who: Teacher) -> list[Person]:
        teachers = self._inp.course.teachers
        return {
            "jobcenter": [teachers.jobcenter],
            "praksiskonsulent": [teachers.praksiskonsulent],
            "begge": [teachers.jobcenter, teachers.praksiskonsulent],
        }[who]

    def _participant_people(self) -> list[Person]:
        return [Person(name=p.name or p.email, email=p.email) for p in self._state.participants]

    def _publish(self) -> None:
        course, state = self._inp.course, self._state
        upcoming = next(
            (t for t in state.tasks if t.id not in state.done and not state.closed), None
        )
        overdue = [
            t.title
            for t in state.tasks
            if t.id not in state.done and not t.automatic and t.due <= self._now()
        ]
        workflow.upsert_search_attributes(
            [
                search_attributes.PACKAGE.value_set(course.course),
                search_attributes.MUNICIPALITY.value_set(course.municipality),
                search_attributes.MEETING_DATE.value_set(course.start),
                search_attributes.CURRENT_STEP.value_set(
                    "completed" if state.closed else (upcoming.id if upcoming else "course")
                ),
                search_attributes.OVERDUE.value_set(bool(overdue) and not state.closed),
                # Courses started since mails are given up on: a failed mail is a task.
                *(
                    [search_attributes.ATTENTION.value_set(state.mail_problems > 0)]
                    if self._kernel.patches.get(RUN_SCOPED_MAIL, False)
                    else []
                ),
                *search_attributes.assignees(state.holder, state.assigned_ever),
            ]
        )
        lines = [
            f"**Kursus** · {course.municipality}",
            f"{datetime_long(course.start)} · {course.mode.value}: {course.place}",
            f"Deltagere: {len(state.participants)} · noter: {len(state.notes)}",
        ]
        if upcoming is not None:
            lines.append(f"Næste opgave: {upcoming.title} ({date_long(upcoming.due)})")
        if overdue and not state.closed:
            lines.append("Ikke gjort endnu: " + "; ".join(overdue))
        if state.happened:
            at, what = state.happened[-1]
            lines.append(f"Senest: {date_long(at)}: {what}")
        workflow.set_current_details("\n\n".join(lines))

    async def _until(self, when: datetime, summary: str) -> None:
        await self._kernel.sleep_until(when, summary)

    async def _mail(
        self,
        mail: str,
        key: str,
        recipients: list[Person],
        attachments: list[ArtifactRef] | None = None,
        task: PlannedTask | None = None,
        open_tasks: list[str] | None = None,
    ) -> None:
        if not recipients:
            return
        definition = self._definition
        assert definition is not None
        request = CourseMailRequest(
            mail=mail,
            key=self._kernel.mail_key(key),
            recipients=recipients,
            attachments=attachments or [],
            context=CourseMailContext(
                course_id=workflow.info().workflow_id,
                course=self._inp.course,
                tasks=self._state.tasks,
                open_tasks=open_tasks or [],
                task=task,
                groups=self._state.groups,
                notes=self._state.notes,
                program=program_rows(definition, self._inp.course.start, self._inp.course.slides),
            ),
        )
        result = await self._kernel.send_mail(
            CourseMailActivities.send_course_mail, request, f"Mail: {mail} ({len(recipients)})"
        )
        failed = result.refused + result.delayed
        if failed:
            code = result.refusal_code or result.delay_code
            self._record(
                MailNotDelivered(
                    at=self._now(),
                    mail=mail,
                    recipients=failed,
                    code=code,
                    login_refused=result.login_refused,
                )
            )
