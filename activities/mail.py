"""The mail activity: a Danish template per mail (plain text and HTML), with the links the
reader needs made here, so no token enters history; delivery in activities/mail_delivery.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from pydantic import BaseModel, Field
from temporalio import activity

from activities.calendar_invite import CalendarInvite, build_ics
from activities.mail_delivery import Delivery, MailResult, SmtpSettings, message_id
from activities.practice_labels import PracticeLabeller
from catalog import Catalog
from catalog.mail_templates import MailBody
from schemas.follow_up.meeting import FollowUpPlan
from schemas.order.agreements import AgreementView
from schemas.order.events import ConsultationCompleted
from schemas.order.minutes import Minutes
from schemas.order.partner import step_label
from schemas.order.request import OrderRequest
from schemas.order.steps import LEGACY_PARTNER_STEP, Step
from schemas.order.timeline import Timeline
from schemas.package.program import partner_talks
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.links import LinkSigner, privacy_notice
from schemas.shared.people import Person
from schemas.survey.answers import SurveyResults

__all__ = [
    "MailActivities",
    "MailComposer",
    "MailContext",
    "MailRequest",
    "MailResult",
    "SmtpSettings",
    "message_id",
]


class MailContext(BaseModel):
    """What the templates may use; each mail reads the parts it needs."""

    order_id: str
    order: OrderRequest
    order_run: str | None = Field(
        default=None,
        description="The order's first run id: its links name it (schemas/shared/links.py)",
    )
    timeline: Timeline | None = Field(default=None, description="None before it is planned")
    consultation: ConsultationCompleted | None = None
    minutes: Minutes | None = None
    premeeting_at: datetime | None = None
    artifacts: list[ArtifactRef] = Field(default_factory=list)
    survey_results: SurveyResults | None = Field(
        default=None,
        description="Mails scheduled before survey_respondents carried the whole results",
    )
    survey_respondents: int | None = Field(
        default=None, description="How many answered the survey; None before it was read"
    )
    extract_received: bool = False
    reason: str | None = None
    previous_meeting: datetime | None = None
    delivery: int | None = Field(default=None, description="Which delivery of the documents")
    delivery_note: str | None = Field(default=None, description="Why the documents changed")
    survey_close: datetime | None = None
    follow_up: FollowUpPlan | None = None
    first_meeting: datetime | None = Field(
        default=None, description="A follow-up meeting's mails: when the first meeting was"
    )
    agreement: AgreementView | None = Field(default=None, description="The one reminded of")
    reminder: str | None = Field(default=None, description="week_before or due")
    call_passed: bool = Field(
        default=False, description="The chosen call time had passed when the order got there"
    )
    problem: str | None = Field(default=None, description="What failed, for the consultant")
    assigned_by: str | None = Field(
        default=None, description="The colleague who gave the recipient the order's tasks"
    )


class MailRequest(BaseModel):
    mail: str = Field(description="Template id in the package's mails folder")
    key: str = Field(description="Idempotency key: the same key never mails a recipient twice")
    recipients: list[Person] = Field(min_length=1)
    groups: list[list[int]] | None = Field(
        default=None,
        description="Recipients that share one message (a practice's doctors), by index; "
        "None: one message each",
    )
    reply_to: Person | None = Field(
        default=None, description="Where replies go: the coordinator, when the mail speaks for them"
    )
    context: MailContext
    attachments: list[ArtifactRef] = Field(default_factory=list)
    calendar: CalendarInvite | None = None
    survey_round: str | None = Field(default=None, description="Round whose personal link to add")
    survey_round_run: str | None = Field(default=None, description="That round's first run id")
    survey_members: list[int] = Field(
        default_factory=list, description="Each recipient's member number in that round"
    )
    upload_to: str | None = Field(
        default=None, description="The workflow whose upload link the job centre gets"
    )
    upload_run: str | None = Field(default=None, description="That workflow's first run id")
    practice_labels: bool = Field(
        default=False, description="Tell each member their practice's label in the extract"
    )
    minutes_link: bool = Field(default=False, description="Add the coordinator's minutes link")

    give_up_after: timedelta | None = Field(
        default=None,
        description="How long the mail is retried while the server answers 'try later' "
        "(the workflow's 24 planned hours); None: for as long as Temporal retries",
    )

    def envelopes(self) -> list[list[Person]]:
        if self.groups is None:
            return [[person] for person in self.recipients]
        return [[self.recipients[i] for i in group] for group in self.groups]

    def by_place(self, result: MailResult) -> MailResult:
        """The result with its recipients numbered as in ``recipients`` (the delivery numbers
        them in envelope order)."""
        if self.groups is None:
            return result
        order = [i for group in self.groups for i in group]
        return result.model_copy(
            update={
                "refused_recipients": [order[n] for n in result.refused_recipients],
                "delayed_recipients": [order[n] for n in result.delayed_recipients],
            }
        )


class Links(BaseModel):
    """Where the links in mails point: the public web app and, for KiAP, the Temporal UI."""

    public_base_url: str = "http://localhost:8000"
    temporal_ui_url: str = "http://localhost:8233"
    namespace: str = "default"

    def ui(self, workflow_id: str) -> str:
        base = self.temporal_ui_url.rstrip("/")
        return f"{base}/namespaces/{self.namespace}/workflows/{workflow_id}"


class MailComposer:
    """A mail's subject, text and HTML for its recipients, links made here: what the mail
    activity sends and what KiAP's package preview (activities/package_preview.py) shows."""

    def __init__(
        self,
        catalog: Catalog,
        signer: LinkSigner | None = None,
        links: Links | None = None,
        labeller: PracticeLabeller | None = None,
    ) -> None:
        self.catalog = catalog
        self.signer = signer
        self.links = links or Links()
        self.labeller = labeller

    @property
    def base(self) -> str:
        return self.links.public_base_url

    def _link(self, request: MailRequest, recipient: Person) -> str | None:
        """The recipient's personal survey link; made here so no token enters history."""
        if request.survey_round is None or self.signer is None:
            return None
        member = request.survey_members[request.recipients.index(recipient)]
        return self.signer.link(self.base, request.survey_round, member, request.survey_round_run)

    def _upload_link(self, request: MailRequest) -> str | None:
        if request.upload_to is None or self.signer is None:
            return None
        return self.signer.upload_link(self.base, request.upload_to, request.upload_run)

    def _practice_label(self, request: MailRequest, recipient: Person) -> str | None:
        """The recipient's practice label, worked out here so the pair never enters history."""
        if not request.practice_labels or self.labeller is None:
            return None
        order = request.context.order
        member = next((m for m in order.members if m.email == recipient.email), None)
        if member is None:
            return None
        return self.labeller.labels(request.context.order_id, order.practices)[member.ydernummer]

    def _coordinator_links(self, request: MailRequest, to: list[Person]) -> dict[str, str | None]:
        """The coordinator's own page and minutes page: only in mails to the coordinator."""
        ctx = request.context
        if self.signer is None or to[0].email != ctx.order.coordinator.email:
            return {"coordinator_link": None, "minutes_link": None}
        return {
            "coordinator_link": self.signer.coordinator_link(
                self.base, ctx.order_id, ctx.order_run
            ),
            "minutes_link": self.signer.minutes_link(self.base, ctx.order_id, ctx.order_run)
            if request.minutes_link
            else None,
        }

    def render(self, request: MailRequest, to: list[Person]) -> MailBody:
        """Subject, text and HTML of one message to the people in ``to``."""
        ctx = request.context
        recipient = to[0]
        package = self.catalog.package(ctx.order.package)
        timeline = ctx.timeline
        plan_rows = [
            {
                "label": step_label(step, package.texts.partner if package.texts else None),
                "due": due,
            }
            for step, due in (timeline.due.items() if timeline is not None else ())
            if step not in (Step.ORDER, Step.FOLLOW_UP)
        ]
        agreement = ctx.agreement
        program = package.program(ctx.order.meeting.program_variant)
        return self.catalog.mail_templates(package.id).render(
            request.mail,
            privacy=privacy_notice(self.links.public_base_url),
            **ctx.model_dump(
                exclude={
                    "order",
                    "timeline",
                    "consultation",
                    "minutes",
                    "survey_results",
                    "survey_respondents",
                    "artifacts",
                    "agreement",
                    "follow_up",
                }
            ),
            order=ctx.order,
            timeline=_answering_old_names(timeline),
            consultation=ctx.consultation,
            minutes=ctx.minutes,
            survey_respondents=_respondents(ctx),
            # The message's attachments; mails scheduled before carried them twice.
            artifacts=ctx.artifacts or request.attachments,
            agreement=agreement,
            follow_up=ctx.follow_up,
            package=package,
            recipient=recipient,
            names=" og ".join(p.name for p in to),
            plan_rows=plan_rows,
            links=package.shown_links(practice_sheet=False),
            checklist=package.practical_checklist[ctx.order.meeting.mode.value],
            # Who helps the region's clusters with a virtual room (a virtual meeting only).
            virtual_room=package.virtual_room(ctx.order.cluster.region)
            if ctx.order.meeting.mode.value == "virtuelt"
            else None,
            program=program,
            # The partner's items in the program (its guide's mail and the pre-meeting's).
            partner_talks=partner_talks(program, package.words.partner),
            quality_unit=package.quality_unit(ctx.order.cluster.region),
            practices=ctx.order.practices,
            link=self._link(request, recipient),
            upload_link=self._upload_link(request),
            agreement_link=self.signer.agreement_link(
                self.base, ctx.order_id, agreement.number, ctx.order_run
            )
            if agreement is not None and self.signer is not None
            else None,
            ui_link=self.links.ui(ctx.order_id),
            # KiAP's staff act on the workbench (behind their login); the UI shows the history.
            workbench_link=f"{self.base.rstrip('/')}/konsulent/ordre/{ctx.order_id}",
            base_url=self.base.rstrip("/"),
            practice_label=self._practice_label(request, recipient),
            **self._coordinator_links(request, to),
        )


class MailActivities(MailComposer):
    def __init__(
        self,
        delivery: Delivery,
        catalog: Catalog,
        signer: LinkSigner | None = None,
        links: Links | None = None,
        labeller: PracticeLabeller | None = None,
    ) -> None:
        super().__init__(catalog, signer, links, labeller)
        self.delivery = delivery

    def build(self, request: MailRequest, to: list[Person], now: datetime) -> EmailMessage:
        body = self.render(request, to)
        message = self.delivery.compose(
            request.context.order_id,
            request.key,
            request.mail,
            to,
            body,
            request.attachments,
            now,
            reply_to=request.reply_to,
        )
        if request.calendar is not None:
            # The calendar entry carries the mail's text: agenda, links, what to prepare.
            ics = build_ics(request.calendar, self.delivery.smtp.sender, now, body.text)
            message.add_attachment(
                ics,
                maintype="text",
                subtype="calendar",
                filename="invitation.ics",
                params={"method": request.calendar.method},
            )
        return message

    @activity.defn(name="send_mail")
    async def send_mail(self, request: MailRequest) -> MailResult:
        result = await self.delivery.deliver(
            request.context.order_id,
            request.key,
            request.mail,
            request.envelopes(),
            lambda to, now: self.build(request, to, now),
            request.give_up_after,
        )
        return request.by_place(result)


def _respondents(ctx: MailContext) -> int | None:
    if ctx.survey_respondents is not None:
        return ctx.survey_respondents
    return ctx.survey_results.respondents if ctx.survey_results is not None else None


def _answering_old_names(timeline: Timeline | None) -> Timeline | None:
    """The timeline as a template reads it: a template written before the partner's stage was
    named neutrally (a catalog folder KiAP keeps) still finds ``timeline.due.jobcenter``."""
    if timeline is None or Step.PARTNER not in timeline.due:
        return timeline
    due = {str(step): at for step, at in timeline.due.items()}
    due[LEGACY_PARTNER_STEP] = timeline.due[Step.PARTNER]
    return timeline.model_copy(update={"due": due})
