"""Putting a mail on the wire: the message (plain text and HTML, attachments, headers people
and mail servers expect) and its delivery over SMTP, once per Message-ID.

Each message has a Message-ID derived from (order, mail key, first recipient). The outbox
(storage/outbox.py) claims it just before it is sent and marks it the moment the SMTP server
accepted it, so a retried activity skips those already sent and sends only the rest, and an
attempt still running beside its retry never sends the same message at the same time.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr
from typing import Any, TypeVar

import aiosmtplib
import structlog
from pydantic import BaseModel, Field
from temporalio import activity

from activities.heartbeat import heartbeating_async
from catalog.mail_templates import MailBody
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.people import Person
from storage.artifact_store import ArtifactStore
from storage.outbox import Claim, Outbox

log = structlog.get_logger(__name__)
T = TypeVar("T")
# Threads composing mail in a worker: enough to keep SMTP busy, few enough to leave the GIL
# to the workflow tasks (see Delivery).
COMPOSERS = 2


class SmtpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: str | None = None
    start_tls: bool = False
    sender: str = "klynger@kiap.dk"
    sender_name: str = "KiAP – Kvalitet i Almen Praksis"


def _wire(build: Build, to: list[Person], now: datetime) -> bytes:
    return wire_bytes(build(to, now))


class MailResult(BaseModel):
    message_ids: list[str]
    sent: int
    already_sent: int
    refused: int = Field(
        default=0, description="Recipients the mail server refused for good (5xx): not retried"
    )
    refusal_code: int | None = Field(default=None, description="The server's code, e.g. 550")


def message_id(order_id: str, key: str, email: str) -> str:
    digest = hashlib.sha256(f"{order_id}|{key}|{email}".encode()).hexdigest()[:40]
    return f"<{digest}@klyngepakke.kiap.dk>"


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


Build = Callable[[list[Person], datetime], EmailMessage]


class MessageBeingSent(RuntimeError):
    """Another attempt holds a live claim on the message (retryable)."""


def _attempt() -> str:
    """Who claims: this activity attempt (ids only, no personal data)."""
    if not activity.in_activity():
        return "outside-an-activity"
    info = activity.info()
    return f"{info.workflow_run_id}/{info.activity_id}/{info.attempt}"


class Delivery:
    """Composes messages and hands them to the SMTP server, each exactly once."""

    def __init__(self, smtp: SmtpSettings, outbox: Outbox, store: ArtifactStore) -> None:
        self.smtp = smtp
        self.outbox = outbox
        self.store = store
        # Composing a message (templates, MIME, attachments) holds the GIL, and so do the
        # workflow tasks in the same process: a burst's mails composed on as many threads as
        # asyncio lends made every workflow task wait its turn (108 ms a task, py-spy on a
        # burst of 100). Two threads compose; the workflows keep the rest.
        self._pool = ThreadPoolExecutor(max_workers=COMPOSERS, thread_name_prefix="mail")

    async def _off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def compose(
        self,
        workflow_id: str,
        key: str,
        mail: str,
        to: list[Person],
        body: MailBody,
        attachments: list[ArtifactRef],
        now: datetime,
        reply_to: Person | None = None,
    ) -> EmailMessage:
        """One message: plain text and HTML alternatives with the same words, then the stored
        attachments; its deterministic Message-ID; marked as sent by a machine."""
        message = EmailMessage()
        message["Message-ID"] = message_id(workflow_id, key, to[0].email)
        message["From"] = formataddr((self.smtp.sender_name, self.smtp.sender))
        message["To"] = ", ".join(formataddr((p.name, p.email)) for p in to)
        if reply_to is not None:
            message["Reply-To"] = formataddr((reply_to.name, reply_to.email))
        message["Subject"] = body.subject
        message["Date"] = format_datetime(now)
        # RFC 3834: no out-of-office replies to the system's own mail.
        message["Auto-Submitted"] = "auto-generated"
        message["Content-Language"] = "da"
        message["X-Klyngepakke-Order"] = workflow_id
        message["X-Klyngepakke-Mail"] = mail
        message.set_content(body.text)
        message.add_alternative(body.html, subtype="html")
        for ref in attachments:
            maintype, _, subtype = ref.media_type.partition("/")
            message.add_attachment(
                self.store.read(ref), maintype=maintype, subtype=subtype, filename=ref.name
            )
        return message

    async def deliver_each(
        self,
        workflow_id: str,
        key: str,
        mail: str,
        recipients: list[Person],
        render: Callable[[Person], MailBody],
        attachments: list[ArtifactRef] | None = None,
    ) -> MailResult:
        """One message to each recipient, rendered for them (the course's and the cluster's
        mails; the order's group a practice's doctors in one envelope)."""
        return await self.deliver(
            workflow_id,
            key,
            mail,
            [[person] for person in recipients],
            lambda to, now: self.compose(
                workflow_id, key, mail, to, render(to[0]), attachments or [], now
            ),
        )

    async def deliver(
        self, workflow_id: str, key: str, mail: str, envelopes: list[list[Person]], build: Build
    ) -> MailResult:
        """Send each envelope (one message to the people in it) not yet sent; claim each just
        before and mark it once accepted.

        One connection for all of them, and each message is marked the moment the server
        answers its DATA with 250 (not after QUIT): a worker killed in between would send that
        one message again, with the same Message-ID, so the window is kept as short as SMTP
        allows."""
        now = datetime.now(UTC)
        ids = [message_id(workflow_id, key, to[0].email) for to in envelopes]
        pending = [(to, mid) for to, mid in zip(envelopes, ids, strict=True)]
        pending = await self._off_loop(
            lambda: [(to, mid) for to, mid in pending if not self.outbox.was_sent(mid)]
        )
        skipped = len(envelopes) - len(pending)
        sent = refused = 0
        code: int | None = None
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
                holder = _attempt()
                for to, mid in pending:
                    # Claimed right before each message: an attempt that outlived its
                    # timeout may still be sending beside this retry.
                    claim = await self._off_loop(self.outbox.claim, mid, holder)
                    if claim is Claim.SENT:
                        skipped += 1
                        continue
                    if claim is Claim.BUSY:
                        # Retried by Temporal: by then the other attempt has marked it sent,
                        # or died and its claim has lapsed.
                        raise MessageBeingSent("another attempt is sending this message")
                    # Off the event loop (templates, attachments, SQLite): the heartbeat
                    # keeps beating while they run.
                    data = await self._off_loop(_wire, build, to, now)
                    try:
                        errors, _ = await smtp.sendmail(
                            self.smtp.sender, [p.email for p in to], data
                        )
                    except aiosmtplib.SMTPRecipientsRefused as refusal:
                        await self._off_loop(self.outbox.release, mid, holder)
                        # Every address of this message refused for good (a mistyped or
                        # closed mailbox): retrying cannot help, and the others still go.
                        permanent = [r for r in refusal.recipients if r.code >= 500]
                        if len(permanent) < len(refusal.recipients):
                            raise  # a 4xx among them: the server asks to try again later
                        refused += len(permanent)
                        code = permanent[0].code if permanent else code
                        continue
                    except aiosmtplib.SMTPDataError as refusal:
                        await self._off_loop(self.outbox.release, mid, holder)
                        if refusal.code < 500:
                            raise
                        refused += len(to)  # this message refused for good (e.g. too large)
                        code = refusal.code
                        continue
                    except aiosmtplib.SMTPResponseException:
                        # The server answered no: not sent, so free for the next attempt.
                        await self._off_loop(self.outbox.release, mid, holder)
                        raise
                    await self._off_loop(self.outbox.mark_sent, mid)
                    sent += 1
                    if errors:  # some addresses of the message refused, the rest accepted
                        refused += len(errors)
                        code = next(iter(errors.values())).code
        if refused:
            # The code only: the server's text names the address.
            log.warning("mail_refused", mail=mail, refused=refused, code=code)
        log.info("mail_sent", mail=mail, sent=sent, already_sent=skipped)
        return MailResult(
            message_ids=ids, sent=sent, already_sent=skipped, refused=refused, refusal_code=code
        )
