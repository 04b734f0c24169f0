"""Courses through Temporal: start a course workflow, send its Updates, read its status.
Same conventions as orders (klyngepakke/client.py), whose Update handling it shares."""

from __future__ import annotations

from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from klyngepakke.client import OrdersClient
from schemas.commands import StepAccepted
from schemas.course import (
    CourseInput,
    CourseNoteCommand,
    CourseRequest,
    CourseStatus,
    ParticipantsCommand,
    TaskDone,
    check_request,
    default_course_id,
    plan_tasks,
)
from schemas.errors import UnknownOrder
from workflows import search_attributes
from workflows.course import CourseWorkflow


class CoursesClient(OrdersClient):
    async def course_start(
        self,
        request: CourseRequest,
        *,
        course_id: str | None = None,
        force: bool = False,
        seconds_per_day: float | None = None,
    ) -> str:
        """Start a course; a checklist that cannot be planned is refused before it starts."""
        definition = self.settings.catalog().course(request.course)
        check_request(request, definition)
        accepted = await self.clock()
        plan_tasks(definition, request.start, accepted, force=force)
        workflow_id = course_id or default_course_id(request)
        await self.client.start_workflow(
            CourseWorkflow.run,
            CourseInput(
                course=request, force=force, seconds_per_day=seconds_per_day, accepted_at=accepted
            ),
            id=workflow_id,
            task_queue=self.settings.task_queue,
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

    async def course_status(self, course_id: str) -> CourseStatus:
        try:
            status: CourseStatus = await self._handle(course_id).query(CourseWorkflow.status)
            return status
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(course_id) from None
            raise

    async def course_page(self, course_id: str) -> CourseStatus | None:
        """The course's status for a teacher's page, or None for a course that does not exist."""
        status: CourseStatus | None = await self._page_query(course_id, CourseWorkflow.status)
        return status

    async def course_task_done(self, course_id: str, task: str) -> StepAccepted:
        return await self._update(course_id, "task_done", TaskDone(task=task))

    async def course_note(self, course_id: str, cmd: CourseNoteCommand) -> StepAccepted:
        return await self._update(course_id, "course_note", cmd)

    async def course_participants(self, course_id: str, cmd: ParticipantsCommand) -> StepAccepted:
        return await self._update(course_id, "course_participants", cmd)

    async def course_result(self, course_id: str) -> CourseStatus:
        handle = self.client.get_workflow_handle(course_id, result_type=CourseStatus)
        status: CourseStatus = await handle.result()
        return status
