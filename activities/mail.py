"""The mail activity: a Danish Jinja2 template per mail, sent over SMTP exactly once.

Each message has a Message-ID derived from (order, mail key, recipient). The sent ledger
records it after the SMTP server accepted it, so a retried activity skips those already
sent and sends only the rest.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr
from typing import Any

import aiosmtplib
import structlog
from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.artifact_store import ArtifactStore
from activities.calendar_invite import CalendarInvite, build_ics
from activities.heartbeat import heartbeating_async
from activities.practice_labels import PracticeLabeller
from activities.sent_ledger import SentLedger
from activities.survey_links import LinkSigner
from catalog import Catalog
from schemas.agreements import AgreementView
from schemas.artifacts import ArtifactRef
from schemas.events import ConsultationCompleted
from schemas.follow_up import FollowUpPlan
from schemas.minutes import Minutes
from schemas.order import OrderRequest
from schemas.people import Person
from schemas.steps import Step
from schemas.survey import SurveyResults
from schemas.timeline import Timeline

log = structlog.get_logger(__name__)


class SmtpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: str | None = None
    start_tls: bool = False
    sender: str = "klynger@kiap.dk"
    sender_name: str = "KiAP – Kvalitet i Almen Praksis"


class MailContext(BaseModel):
    """What the templates may use; each mail reads the parts it needs."""

    order_id: str
    order: OrderRequest
    timeline: Timeline
    consultation: ConsultationCompleted | None = None
    minutes: Minutes | None = None
    premeeting_at: datetime | None = None
    artifacts: list[ArtifactRef] = Field(default_factory=list)
    survey_results: SurveyResults | None = None
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


class MailRequest(BaseModel):
    mail: str = Field(description="Template id in the package's mails folder")
    key: str = Field(description="Idempotency key: the same key never mails a recipient twice")
    recipients: list[Person] = Field(min_length=1)
    context: MailContext
    attachments: list[ArtifactRef] = Field(default_factory=list)
    calendar: CalendarInvite | None = None
    survey_round: str | None = Field(default=None, description="Round whose personal link to add")
    survey_members: list[int] = Field(
        default_factory=list, description="Each recipient's member number in that round"
    )
    upload_to: str | None = Field(
        default=None, description="The workflow whose upload link the job centre gets"
    )
    practice_labels: bool = Field(
        default=False, description="Tell each member their practice's label in the extract"
    )
    minutes_link: bool = Field(default=False, description="Add the coordinator's minutes link")


class MailResult(BaseModel):
    message_ids: list[str]
    sent: int
    already_sent: int


def message_id(order_id: str, key: str, email: str) -> str:
    digest = hashlib.sha256(f"{order_id}|{key}|{email}".encode()).hexdigest()[:40]
    return f"<{digest}@klyngepakke.kiap.dk>"


class MailActivities:
    def __init__(
        self,
        smtp: SmtpSettings,
        catalog: Catalog,
        ledger: SentLedger,
        store: ArtifactStore,
        signer: LinkSigner | None = None,
        public_base_url: str = "http://localhost:8000",
        labeller: PracticeLabeller | None = None,
    ) -> None:
        self.smtp = smtp
        self.catalog = catalog
        self.ledger = ledger
        self.store = store
        self.signer = signer
        self.public_base_url = public_base_url
        self.labeller = labeller

    def _link(self, request: MailRequest, recipient: Person) -> str | None:
        """The recipient's personal survey link; made here so no token enters history."""
        if request.survey_round is None or self.signer is None:
            return None
        member = request.survey_members[request.recipients.index(recipient)]
        return self.signer.link(self.public_base_url, request.survey_round, member)

    def _upload_link(self, request: MailRequest) -> str | None:
        if request.upload_to is None or self.signer is None:
            return None
        return self.signer.upload_link(self.public_base_url, request.upload_to)

    def _practice_label(self, request: MailRequest, recipient: Person) -> str | None:
        """The recipient's practice label, worked out here so the pair never enters history."""
        if not request.practice_labels or self.labeller is None:
            return None
        order = request.context.order
        member = next((m for m in order.members if m.email == recipient.email), None)
        if member is None:
            return None
        return self.labeller.labels(request.context.order_id, order.practices)[member.ydernummer]

    def render(self, request: MailRequest, recipient: Person) -> tuple[str, str]:
        """Subject and body of one mail for one recipient."""
        ctx = request.context
        package = self.catalog.package(ctx.order.package)
        env = self.catalog.mail_environment(package.id)
        plan_rows = [
            {"label": step.label, "due": ctx.timeline.due[step]}
            for step in Step
            if step not in (Step.ORDER, Step.FOLLOW_UP)
        ]
        text = env.get_template(f"{request.mail}.j2").render(
            **ctx.model_dump(
                exclude={
                    "order",
                    "timeline",
                    "consultation",
                    "minutes",
                    "survey_results",
                    "artifacts",
                }
            ),
            order=ctx.order,
            timeline=ctx.timeline,
            consultation=ctx.consultation,
            minutes=ctx.minutes,
            survey_results=ctx.survey_results,
            artifacts=ctx.artifacts,
            package=package,
            recipient=recipient,
            plan_rows=plan_rows,
            links=[link for link in package.links if not link.on_practice_sheet],
            checklist=package.practical_checklist[ctx.order.meeting.mode.value],
            program=package.program(ctx.order.meeting.program_variant),
            quality_unit=package.quality_unit(ctx.order.cluster.region),
            practices=ctx.order.practices,
            link=self._link(request, recipient),
            upload_link=self._upload_link(request),
            minutes_link=self.signer.minutes_link(self.public_base_url, ctx.order_id)
            if request.minutes_link and self.signer is not None
            else None,
            practice_label=self._practice_label(request, recipient),
        )
        return split_subject(text, request.mail)

    def build(self, request: MailRequest, recipient: Person, now: datetime) -> EmailMessage:
        subject, body = self.render(request, recipient)
        message = self.compose(
            request.context.order_id,
            request.key,
            request.mail,
            recipient,
            (subject, body),
            request.attachments,
            now,
        )
        if request.calendar is not None:
            ics = build_ics(request.calendar, self.smtp.sender, now)
            message.add_attachment(
                ics,
                maintype="text",
                subtype="calendar",
                filename="invitation.ics",
                params={"method": "REQUEST"},
            )
        return message

    def compose(
        self,
        workflow_id: str,
        key: str,
        mail: str,
        recipient: Person,
        text: tuple[str, str],
        attachments: list[ArtifactRef],
        now: datetime,
    ) -> EmailMessage:
        """One message with its deterministic Message-ID and the stored attachments."""
        subject, body = text
        message = EmailMessage()
        message["Message-ID"] = message_id(workflow_id, key, recipient.email)
        message["From"] = formataddr((self.smtp.sender_name, self.smtp.sender))
        message["To"] = formataddr((recipient.name, recipient.email))
        message["Subject"] = subject
        message["Date"] = format_datetime(now)
        message["X-Klyngepakke-Order"] = workflow_id
        message["X-Klyngepakke-Mail"] = mail
        message.set_content(body)
        for ref in attachments:
            maintype, _, subtype = ref.media_type.partition("/")
            message.add_attachment(
                self.store.read(ref), maintype=maintype, subtype=subtype, filename=ref.name
            )
        return message

    async def deliver(
        self,
        workflow_id: str,
        key: str,
        mail: str,
        recipients: list[Person],
        build: Callable[[Person, datetime], EmailMessage],
    ) -> MailResult:
        """Send to each recipient not yet in the sent-ledger; mark each once accepted.

        One connection for all of them, and each message is marked the moment the server
        answers its DATA with 250 (not after QUIT): a worker killed in between would send that
        one message again, with the same Message-ID, so the window is kept as short as SMTP
        allows."""
        now = datetime.now(UTC)
        ids = [message_id(workflow_id, key, r.email) for r in recipients]
        pending = [(r, mid) for r, mid in zip(recipients, ids, strict=True)]
        pending = [(r, mid) for r, mid in pending if not self.ledger.was_sent(mid)]
        skipped = len(recipients) - len(pending)
        sent = 0
        if pending:
            async with (
                heartbeating_async(),
                aiosmtplib.SMTP(
                    hostname=self.smtp.host,
                    port=self.smtp.port,
                    username=self.smtp.username,
                    password=self.smtp.password,
                    start_tls=self.smtp.start_tls,
                    timeout=30,
                ) as smtp,
            ):
                for recipient, mid in pending:
                    await smtp.sendmail(
                        self.smtp.sender, [recipient.email], wire_bytes(build(recipient, now))
                    )
                    self.ledger.mark_sent(mid)
                    sent += 1
        log.info("mail_sent", mail=mail, sent=sent, already_sent=skipped)
        return MailResult(message_ids=ids, sent=sent, already_sent=skipped)

    @activity.defn(name="send_mail")
    async def send_mail(self, request: MailRequest) -> MailResult:
        return await self.deliver(
            request.context.order_id,
            request.key,
            request.mail,
            request.recipients,
            lambda recipient, now: self.build(request, recipient, now),
        )


class _WirePolicy(EmailPolicy):
    """The SMTP policy, with one repair. Python 3.11 folds a long non-ASCII subject so that
    the space after a word can land between two encoded words, where every mail reader drops
    it ("… 2027:Gennemgå …", for some dates and not others). A subject with non-ASCII text is
    encoded by email.header instead, which keeps each space inside its encoded word."""

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        text = str(value)
        if name.lower() == "subject" and not text.isascii():
            encoded = Header(text, "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}"
        folded: str = super()._fold(name, value, refold_binary)  # type: ignore[misc]
        return folded


WIRE_POLICY = _WirePolicy(linesep="\r\n")


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it goes to the SMTP server."""
    with io.BytesIO() as out:
        BytesGenerator(out, policy=WIRE_POLICY).flatten(message)
        return out.getvalue()


def split_subject(text: str, mail: str) -> tuple[str, str]:
    """A template's first line is 'Emne: …'; the rest is the body."""
    first, _, body = text.partition("\n")
    if not first.startswith("Emne: "):
        raise ApplicationError(f"mail template {mail} lacks its 'Emne:' line", non_retryable=True)
    return first.removeprefix("Emne: ").strip(), body.lstrip("\n")
