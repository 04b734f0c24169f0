"""Putting a mail on the wire: the message (plain text and HTML, attachments, headers people
and mail servers expect) and its delivery over SMTP.

Each message has a Message-ID derived from (order, mail key, first recipient); a workflow's
mail key names its run (workflows/kernel.py), so a new order under a cancelled one's id gets
mails of its own. The outbox (storage/outbox.py) claims a message just before it is sent and
marks it the moment the SMTP server answers its DATA with 250, so a retried activity skips
those already sent and sends only the rest, and an attempt still running beside its retry never
sends the same message at the same time.

What is promised: a recipient gets each message **at least once and at most twice**, and a
second copy carries the same Message-ID, by which a receiving server or mail program may drop
it. The second copy happens only when the worker dies (or its connection drops) after the
server took the message and before the outbox recorded it – the 250-to-ledger window, a few
milliseconds – or when the server accepted a DATA whose answer never arrived (a timeout or a
disconnect after the final dot): SMTP cannot tell "not delivered" from "delivered, answer
lost", so such a message is claimed, not released, and sent again once its claim has lapsed.
SMTP has no idempotency key, and the relays we can use offer none over SMTP.

What the server answers decides the rest, per recipient: 250 delivered; 5xx refused for good
(a mistyped or closed mailbox: counted, never retried); 4xx asked to try later (greylisting, a
full mailbox, a server under load: retried, that recipient alone in a shared message) until
the workflow's ``give_up_after`` has passed since the mail was first scheduled – then the
activity ends with ``MailDelayed`` and the workflow tells a person. An authentication failure
(535) is not a recipient's problem and no retry mends it: ``MailAuthFailed``, logged as
``smtp_authentication_failed``, a task for operations.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
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
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating_async
from catalog.mail_templates import MailBody
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.people import Person
from storage.artifact_store import ArtifactStore
from storage.outbox import Claim, Outbox, recipient_key

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
    use_tls: bool = Field(default=False, description="Implicit TLS from the start (port 465)")
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
    refused_recipients: list[int] = Field(
        default_factory=list,
        description="Which recipients were refused, by their place in the request (no address)",
    )
    delayed: int = Field(
        default=0, description="Recipients the mail could not reach before the workflow gave up"
    )
    delay_code: int | None = Field(default=None, description="The last 4xx (or 535) answered")
    delayed_recipients: list[int] = Field(default_factory=list)
    login_refused: bool = Field(
        default=False, description="The server refused the login (535): nothing was sent"
    )


# The ApplicationError types a mail activity ends with when no retry can help (now).
MAIL_DELAYED = "MailDelayed"
MAIL_AUTH_FAILED = "MailAuthFailed"


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


class RecipientsDeferred(RuntimeError):
    """The server asked to try some recipients later (4xx): retried, for them alone."""

    def __init__(self, code: int, recipients: list[int]) -> None:
        super().__init__(f"the mail server deferred {len(recipients)} recipients ({code})")
        self.code = code
        self.recipients = recipients


def _given_up(give_up_after: timedelta | None) -> bool:
    """Whether this mail has been retried for as long as the workflow waits for it: from when
    the mail was first scheduled to this attempt, both on Temporal's clock (the same clock a
    test server skips)."""
    if give_up_after is None or not activity.in_activity():
        return False
    info = activity.info()
    return info.current_attempt_scheduled_time - info.scheduled_time >= give_up_after


def _delayed(code: int, recipients: list[int]) -> ApplicationError:
    return ApplicationError(
        f"the mail server kept answering {code}",
        code,
        recipients,
        type=MAIL_DELAYED,
        non_retryable=True,
    )


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
        give_up_after: timedelta | None = None,
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
            give_up_after,
        )

    async def deliver(
        self,
        workflow_id: str,
        key: str,
        mail: str,
        envelopes: list[list[Person]],
        build: Build,
        give_up_after: timedelta | None = None,
    ) -> MailResult:
        """Send each envelope (one message to the people in it) not yet sent, and to the
        recipients of a sent one the server deferred; claim each message just before and mark
        it the moment the server answers its DATA with 250 (not after QUIT).

        A recipient the server refuses for good is counted; one it defers (4xx) is retried –
        this activity fails and Temporal retries it – until ``give_up_after`` has passed since
        the mail was first scheduled, when the result counts them as delayed instead."""
        now = datetime.now(UTC)
        ids = [message_id(workflow_id, key, to[0].email) for to in envelopes]
        starts = [sum(len(e) for e in envelopes[:i]) for i in range(len(envelopes))]
        work = await self._off_loop(self._work, envelopes, ids)
        tally = _Tally(skipped=len(envelopes) - len(work))
        if work:
            try:
                await self._send(work, build, now, starts, tally)
            except aiosmtplib.SMTPAuthenticationError as exc:
                # No retry mends a wrong password: operations must see it now.
                log.error("smtp_authentication_failed", mail=mail, code=exc.code)
                raise ApplicationError(
                    "the mail server refused the login",
                    exc.code,
                    tally.unsent(work, starts),
                    type=MAIL_AUTH_FAILED,
                    non_retryable=True,
                ) from None
            except (aiosmtplib.SMTPException, OSError) as exc:
                # The server or the connection failed as a whole: try again, until given up.
                if not _given_up(give_up_after):
                    raise
                code = exc.code if isinstance(exc, aiosmtplib.SMTPResponseException) else None
                tally.defer(code, tally.unsent(work, starts))
        if tally.deferred:
            if not _given_up(give_up_after):
                raise RecipientsDeferred(tally.defer_code or 0, tally.deferred)
            tally.delayed, tally.deferred = tally.deferred, []
        if tally.refused:
            # The code only: the server's text names the address.
            log.warning("mail_refused", mail=mail, refused=len(tally.refused), code=tally.code)
        if tally.delayed:
            log.warning(
                "mail_delayed", mail=mail, delayed=len(tally.delayed), code=tally.defer_code
            )
        log.info("mail_sent", mail=mail, sent=tally.sent, already_sent=tally.skipped)
        return MailResult(
            message_ids=ids,
            sent=tally.sent,
            already_sent=tally.skipped,
            refused=len(tally.refused),
            refusal_code=tally.code,
            refused_recipients=tally.refused,
            delayed=len(tally.delayed),
            delay_code=tally.defer_code if tally.delayed else None,
            delayed_recipients=tally.delayed,
        )

    def _work(self, envelopes: list[list[Person]], ids: list[str]) -> list[_Work]:
        """What is left: each message not sent yet, and of one sent, the recipients the server
        deferred (asked of the ledger once per batch)."""
        work: list[_Work] = []
        for index, (to, mid) in enumerate(zip(envelopes, ids, strict=True)):
            if not self.outbox.was_sent(mid):
                work.append((index, to, to, mid, False))
                continue
            waiting = self.outbox.deferred(mid)
            if waiting:
                again = [p for p in to if recipient_key(p.email) in waiting]
                work.append((index, to, again, mid, True))
        return work

    async def _send(
        self, work: list[_Work], build: Build, now: datetime, starts: list[int], tally: _Tally
    ) -> None:
        async with (
            heartbeating_async(),
            aiosmtplib.SMTP(
                hostname=self.smtp.host,
                port=self.smtp.port,
                username=self.smtp.username,
                password=self.smtp.password,
                start_tls=self.smtp.start_tls,
                use_tls=self.smtp.use_tls,
                timeout=30,
            ) as smtp,
        ):
            holder = _attempt()
            for index, envelope, to, mid, again in work:
                place = {p.email: starts[index] + envelope.index(p) for p in to}
                if not again:
                    # Claimed right before each message: an attempt that outlived its timeout
                    # may still be sending beside this retry.
                    claim = await self._off_loop(self.outbox.claim, mid, holder)
                    if claim is Claim.SENT:
                        tally.skipped += 1
                        tally.took += list(place.values())
                        continue
                    if claim is Claim.BUSY:
                        # Retried by Temporal: by then the other attempt has marked it sent,
                        # or died and its claim has lapsed.
                        raise MessageBeingSent("another attempt is sending this message")
                # Off the event loop (templates, attachments, SQLite): the heartbeat keeps
                # beating while they run. The envelope's own message (its Message-ID and To),
                # to those of it left to try.
                data = await self._off_loop(_wire, build, envelope, now)
                try:
                    errors, _ = await smtp.sendmail(self.smtp.sender, list(place), data)
                except aiosmtplib.SMTPRecipientsRefused as refusal:
                    # Nobody took it: free for the next attempt; each refusal by its kind.
                    if not again:
                        await self._off_loop(self.outbox.release, mid, holder)
                    for r in refusal.recipients:
                        (tally.refuse if r.code >= 500 else tally.defer)(
                            r.code, [place[r.recipient]]
                        )
                    continue
                except aiosmtplib.SMTPDataError as refusal:
                    if not again:
                        await self._off_loop(self.outbox.release, mid, holder)
                    # The message as a whole (too large, or try later).
                    (tally.refuse if refusal.code >= 500 else tally.defer)(
                        refusal.code, list(place.values())
                    )
                    continue
                except aiosmtplib.SMTPResponseException:
                    # The server answered no before the data: not sent, free for the next.
                    if not again:
                        await self._off_loop(self.outbox.release, mid, holder)
                    raise
                # Taken (by some or all): marked at once – the 250-to-ledger window.
                took = [email for email in place if email not in errors]
                tally.took += [place[email] for email in took]
                if again:
                    await self._off_loop(self.outbox.delivered, mid, took)
                else:
                    await self._off_loop(self.outbox.mark_sent, mid)
                    tally.sent += 1
                later = [email for email, answer in errors.items() if answer.code < 500]
                if later:
                    await self._off_loop(self.outbox.defer, mid, later)
                for email, answer in errors.items():
                    kind = tally.refuse if answer.code >= 500 else tally.defer
                    kind(answer.code, [place[email]])


# (envelope's place, the envelope, who of it to send to now, its Message-ID, deferred ones)
_Work = tuple[int, list[Person], list[Person], str, bool]


class _Tally:
    """What one attempt did: sent, skipped, refused for good, deferred (4xx), given up on;
    recipients by their place in the request."""

    def __init__(self, skipped: int = 0) -> None:
        self.skipped = skipped
        self.sent = 0
        self.refused: list[int] = []
        self.code: int | None = None
        self.deferred: list[int] = []
        self.defer_code: int | None = None
        self.delayed: list[int] = []
        self.took: list[int] = []

    def refuse(self, code: int, recipients: list[int]) -> None:
        self.refused += recipients
        self.code = code

    def defer(self, code: int | None, recipients: list[int]) -> None:
        self.deferred += recipients
        self.defer_code = code if code is not None else self.defer_code

    def unsent(self, work: list[_Work], starts: list[int]) -> list[int]:
        """Every recipient of ``work`` that neither took the message nor was refused."""
        done = set(self.refused) | set(self.deferred) | set(self.took)
        every = [starts[i] + envelope.index(p) for i, envelope, to, _, _ in work for p in to]
        return [r for r in every if r not in done]
