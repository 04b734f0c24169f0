"""The course's mails: a Danish template per mail from the course's folder in the catalog,
sent exactly once per recipient through the same SMTP delivery and sent-ledger as orders."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from temporalio import activity

from activities.mail import MailActivities, MailResult, split_subject
from catalog import course_mail_environment, load_course
from schemas.artifacts import ArtifactRef
from schemas.course import (
    RESPONSIBLE_DA,
    CourseRequest,
    Groups,
    PlannedTask,
    ProgramRow,
)
from schemas.people import Person


class CourseNote(BaseModel):
    at: datetime
    text: str = Field(min_length=1, max_length=2000)
    good_example: bool = False


class CourseMailContext(BaseModel):
    course_id: str
    course: CourseRequest
    tasks: list[PlannedTask] = Field(default_factory=list)
    open_tasks: list[str] = Field(default_factory=list, description="Ids of tasks not done")
    task: PlannedTask | None = None
    groups: Groups | None = None
    notes: list[CourseNote] = Field(default_factory=list)
    program: list[ProgramRow] = Field(default_factory=list)


class CourseMailRequest(BaseModel):
    mail: str
    key: str
    recipients: list[Person] = Field(min_length=1)
    context: CourseMailContext
    attachments: list[ArtifactRef] = Field(default_factory=list)


class CourseMailActivities:
    def __init__(self, mail: MailActivities) -> None:
        self.mail = mail

    def render(self, request: CourseMailRequest, recipient: Person) -> tuple[str, str]:
        ctx = request.context
        definition = load_course(ctx.course.course)
        env = course_mail_environment(ctx.course.course)
        text = env.get_template(f"{request.mail}.j2").render(
            course_id=ctx.course_id,
            course=ctx.course,
            definition=definition,
            tasks=ctx.tasks,
            open_tasks=ctx.open_tasks,
            task=ctx.task,
            groups=ctx.groups,
            notes=[n for n in ctx.notes if not n.good_example],
            good_examples=[n for n in ctx.notes if n.good_example],
            program=ctx.program,
            recipient=recipient,
            responsible=RESPONSIBLE_DA,
            cases=[c for c in definition.cases if c.id in ctx.course.cases],
        )
        return split_subject(text, request.mail)

    @activity.defn(name="send_course_mail")
    async def send_course_mail(self, request: CourseMailRequest) -> MailResult:
        return await self.mail.deliver(
            request.context.course_id,
            request.key,
            request.mail,
            request.recipients,
            lambda recipient, now: self.mail.compose(
                request.context.course_id,
                request.key,
                request.mail,
                recipient,
                self.render(request, recipient),
                request.attachments,
                now,
            ),
        )
