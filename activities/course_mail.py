"""The course's mails: a Danish template per mail from the course's folder in the catalog,
sent exactly once per recipient through the same delivery and sent-ledger as orders."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import activity

from activities.mail_delivery import Delivery, MailResult
from catalog import Catalog
from catalog.mail_templates import MailBody
from schemas.course.commands import CourseNote
from schemas.course.plan import RESPONSIBLE_DA, Groups, PlannedTask, ProgramRow
from schemas.course.request import CourseRequest
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.links import LinkSigner, privacy_notice
from schemas.shared.people import Person

# A teacher's number in their course link.
TEACHERS = ("jobcenter", "praksiskonsulent")


class CourseMailContext(BaseModel):
    course_id: str
    run: str | None = Field(default=None, description="The course's first run id (its links)")
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
    give_up_after: timedelta | None = Field(
        default=None, description="How long 'try later' is retried (activities/mail_delivery.py)"
    )


class CourseMailActivities:
    def __init__(
        self,
        delivery: Delivery,
        signer: LinkSigner | None = None,
        public_base_url: str = "http://localhost:8000",
        catalog: Catalog | None = None,
    ) -> None:
        self.delivery = delivery
        self.signer = signer
        self.public_base_url = public_base_url
        self.catalog = catalog or Catalog()

    def _course_link(self, ctx: CourseMailContext, recipient: Person) -> str | None:
        """A teacher's own page of the course; participants get none."""
        teachers = ctx.course.teachers
        for number, role in enumerate(TEACHERS):
            if getattr(teachers, role).email == recipient.email and self.signer is not None:
                return self.signer.course_link(self.public_base_url, ctx.course_id, number, ctx.run)
        return None

    def render(self, request: CourseMailRequest, recipient: Person) -> MailBody:
        ctx = request.context
        definition = self.catalog.course(ctx.course.course)
        return self.catalog.course_mails(ctx.course.course).render(
            request.mail,
            privacy=privacy_notice(self.public_base_url),
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
            course_link=self._course_link(ctx, recipient),
        )

    @activity.defn(name="send_course_mail")
    async def send_course_mail(self, request: CourseMailRequest) -> MailResult:
        return await self.delivery.deliver_each(
            request.context.course_id,
            request.key,
            request.mail,
            request.recipients,
            lambda person: self.render(request, person),
            request.attachments,
            request.give_up_after,
        )
