"""The client's course part: start a job-centre course (Jobcenterpakke), send its teachers'
Updates, read its status. Same conventions as orders (client/orders.py)."""

from __future__ import annotations

from temporalio.common import SearchAttributePair, TypedSearchAttributes

from client.calls import ClientConfig, WorkflowCalls
from schemas.course.commands import CourseNoteCommand, ParticipantsCommand, TaskDone
from schemas.course.plan import plan_tasks
from schemas.course.request import CourseInput, CourseRequest, check_request, default_course_id
from schemas.course.status import CourseStatus
from schemas.order.commands import StepAccepted
from schemas.shared.assignment import TaskAssign
from workflows import names, search_attributes


class Courses:
    def __init__(self, calls: WorkflowCalls, config: ClientConfig) -> None:
        self._calls = calls
        self._config = config

    async def start(
        self,
        request: CourseRequest,
        *,
        course_id: str | None = None,
        force: bool = False,
        seconds_per_day: float | None = None,
    ) -> str:
        """Start a course; a checklist that cannot be planned is refused before it starts."""
        definition = self._config.catalog.course(request.course)
        check_request(request, definition)
        accepted = await self._calls.clock()
        plan_tasks(definition, request.start, accepted, force=force)
        workflow_id = course_id or default_course_id(request)
        await self._calls.client.start_workflow(
            names.COURSE,
            CourseInput(
                course=request, force=force, seconds_per_day=seconds_per_day, accepted_at=accepted
            ),
            id=workflow_id,
            task_queue=self._config.task_queue,
            static_summary=f"{request.course}: {request.municipality}",
            static_details=f"Kursus {request.start.isoformat()} · {request.mode.value}",
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search_attributes.PACKAGE, request.course),
                    SearchAttributePair(search_attributes.MUNICIPALITY, request.municipality),
                    SearchAttributePair(search_attributes.MEETING_DATE, request.start),
                ]
            ),
        )
        return workflow_id

    async def status(self, course_id: str) -> CourseStatus:
        return await self._calls.query(course_id, "status", CourseStatus)

    async def page(self, course_id: str) -> CourseStatus | None:
        """The course's status for a teacher's page, or None for a course that does not exist."""
        return await self._calls.page_query(course_id, "status", CourseStatus)

    async def assign_task(self, workflow_id: str, cmd: TaskAssign) -> StepAccepted:
        """KiAP's workbench: take its tasks, give them to a colleague, or let them go."""
        return await self._calls.update(workflow_id, "assign_task", cmd)

    async def task_done(self, course_id: str, task: str) -> StepAccepted:
        return await self._calls.update(course_id, "task_done", TaskDone(task=task))

    async def note(self, course_id: str, cmd: CourseNoteCommand) -> StepAccepted:
        return await self._calls.update(course_id, "course_note", cmd)

    async def participants(self, course_id: str, cmd: ParticipantsCommand) -> StepAccepted:
        return await self._calls.update(course_id, "course_participants", cmd)

    async def result(self, course_id: str) -> CourseStatus:
        return await self._calls.result(course_id, CourseStatus)
