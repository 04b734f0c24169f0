"""What every workflow needs from Temporal, as one helper each workflow holds (``self._kernel``)
rather than a base class: the planned clock and ``now``, the replay-safe waits (one that
re-reads its due date after a re-planning), sending a mail, refusing an Update, and publishing
the current details and search attributes only when they change.

The waits are written once here, each as the workflows used them before, so every history
recorded before they moved replays with the same commands (workflows/waiting.py says why a
wait always starts its timer).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.mail_delivery import MAIL_AUTH_FAILED, MAIL_DELAYED, MailResult
    from activities.staff_mail import HandoverMail, StaffMailActivities
    from schemas.order.documents import DocumentFacts
    from schemas.package.model import Package
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.assignment import TaskAction, TaskAssign, TaskAssigned
    from schemas.shared.clock import OrderClock
    from schemas.shared.errors import DomainError, DomainErrors, Failure
    from schemas.shared.people import Person
    from workflows import activity_options
    from workflows.failures import failure_text
    from workflows.published import Published
    from workflows.refusals import invalid, refuse
    from workflows.render_queue import render_documents
    from workflows.waiting import REPLAY_SAFE, timer_for

GIVEN_UP = (MAIL_DELAYED, MAIL_AUTH_FAILED)


# Patch: a mail's key names the workflow's run, so a new order under a cancelled one's id (or a
# cluster started again) gets mails of its own; workflows from before keep their keys.
RUN_SCOPED_MAIL = "mail-keys-per-run"
# How long a mail is retried while the server answers "try later", on the workflow's own
# planned clock (so a compressed demo shows it too), and never less than a few real attempts.
MAIL_GIVE_UP = timedelta(hours=24)
MAIL_GIVE_UP_FLOOR = timedelta(seconds=30)


class Cancelled(Exception):
    """Raised inside a wait when the workflow was cancelled while it waited."""


class Kernel:
    def __init__(self, clock: OrderClock, replay_safe: bool = False) -> None:
        self.clock = clock
        # Answered at the start of run by workflow.patched(REPLAY_SAFE) (workflows/waiting.py);
        # a workflow newer than the patch passes True.
        self.patches: dict[str, bool] = {REPLAY_SAFE: replay_safe}
        self._published = Published()

    def patched(self, patch_id: str) -> bool:
        """``workflow.patched``, asked where the workflow always asked it and remembered:
        signal handlers and queries read the answer later (they may not ask it)."""
        answer = self.patches[patch_id] = workflow.patched(patch_id)
        return answer

    @property
    def replay_safe(self) -> bool:
        return self.patches[REPLAY_SAFE]

    # ---- time ---------------------------------------------------------------------------

    def now(self) -> datetime:
        """The planned (order-clock) time of this workflow task."""
        return self.clock.planned(workflow.now())

    async def wait(
        self,
        due: Callable[[], datetime] | None,
        condition: Callable[[], bool] | None,
        summary: str,
        *,
        replans: Callable[[], int] = lambda: 0,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> bool:
        """Wait for ``condition`` or the planned time ``due()``; a re-planning (``replans()``
        changed) re-reads ``due``. Whether the condition held; raises Cancelled once
        ``cancelled()``. ``due`` None: for the condition alone."""
        met = condition or (lambda: False)
        while True:
            if cancelled():
                raise Cancelled()
            if met():
                return True
            seen = replans()
            woken = functools.partial(_woken, met, cancelled, replans, seen)
            if due is None:
                await workflow.wait_condition(woken)
                continue
            delay = timer_for(self.clock, workflow.now(), due(), self.replay_safe)
            if delay is None:
                return met()
            try:
                await workflow.wait_condition(woken, timeout=delay, timeout_summary=summary)
            except TimeoutError:
                if self.replay_safe and replans() == seen:
                    return met()  # the time has come (workflows/waiting.py)

    async def wait_once(
        self, when: datetime, condition: Callable[[], bool] | None, summary: str
    ) -> bool:
        """One timer to ``when`` that ``condition`` may cut short; whether it held."""
        met = condition or (lambda: False)
        delay = timer_for(self.clock, workflow.now(), when, self.replay_safe)
        if delay is not None and not met():
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(met, timeout=delay, timeout_summary=summary)
        return met()

    async def sleep_until(self, when: datetime, summary: str) -> None:
        """A plain timer to the planned time ``when`` (nothing can cut it short)."""
        delay = timer_for(self.clock, workflow.now(), when, self.replay_safe)
        if delay is not None:
            await workflow.sleep(delay, summary=summary)

    # ---- side effects -------------------------------------------------------------------

    async def look_up(self, activity: Any, *args: Any, summary: str) -> Any:
        """A look-up in this worker's catalog (the package, the course, the cluster year)."""
        return await workflow.execute_activity_method(
            activity,
            *args,
            summary=summary,
            start_to_close_timeout=activity_options.LOOKUP_TIMEOUT,
            retry_policy=activity_options.LOOKUP_RETRY,
        )

    async def render(
        self,
        kinds: list[str],
        facts: Callable[[], DocumentFacts],
        package: Package,
        failed: Callable[[list[str], str], Awaitable[None]],
    ) -> list[ArtifactRef]:
        """Render ``kinds`` from the workflow's current ``facts()``; a render that still fails
        after its retries is reported by ``failed`` (which waits for an operator's retry) and
        tried again, so no render failure fails a workflow."""
        while True:
            try:
                return await render_documents(kinds, facts(), package)
            except ActivityError as exc:
                await failed(kinds, failure_text(exc))

    def mail_key(self, key: str) -> str:
        """The key a mail's Message-ID is made from: this run's own, or – for a workflow
        started before keys named their run – the key alone, as it always had."""
        if not self.patches.get(RUN_SCOPED_MAIL, False):
            return key
        return f"{key}@{workflow.info().first_execution_run_id}"

    async def send_mail(self, activity: Any, request: Any, summary: str) -> MailResult:
        """A mail activity with the mail's timeouts and retries (each workflow builds its own
        request: the order's, the course's, the cluster's). A mail the server kept deferring
        for MAIL_GIVE_UP, or could not send at all for a failed login, comes back as a result
        with its recipients delayed – the workflow records it and goes on."""
        give_up = max(
            self.clock.real_delay(workflow.now(), self.now() + MAIL_GIVE_UP), MAIL_GIVE_UP_FLOOR
        )
        try:
            result: MailResult = await workflow.execute_activity_method(
                activity,
                request.model_copy(update={"give_up_after": give_up}),
                summary=summary,
                start_to_close_timeout=activity_options.MAIL_TIMEOUT,
                heartbeat_timeout=activity_options.MAIL_HEARTBEAT,
                retry_policy=activity_options.MAIL_RETRY,
            )
        except ActivityError as exc:
            cause = exc.cause
            if not isinstance(cause, ApplicationError) or cause.type not in GIVEN_UP:
                raise
            code, recipients = [*cause.details, None, []][:2]
            return MailResult(
                message_ids=[],
                sent=0,
                already_sent=0,
                delayed=len(recipients),
                delay_code=code,
                delayed_recipients=list(recipients),
                login_refused=cause.type == MAIL_AUTH_FAILED,
            )
        return result

    async def tell_new_holder(self, cmd: TaskAssign, event: TaskAssigned, what: str) -> None:
        """A course's or a cluster's tasks given to a colleague: they are told at once, by
        KiAP's own mail (an order's go through its package's task_assigned mail). One mail per
        hand-over: its moment and the holder's id make its key (a cluster's new year starts its
        log afresh, so a count would repeat)."""
        if cmd.action != TaskAction.ASSIGN or cmd.to is None or cmd.to_email is None:
            return
        await self.send_mail(
            StaffMailActivities.send_handover_mail,
            HandoverMail(
                workflow_id=workflow.info().workflow_id,
                key=self.mail_key(f"task_handover-{event.at.isoformat()}-{cmd.to.id}"),
                to=Person(name=cmd.to.name, email=cmd.to_email),
                by=cmd.actor.name,
                what=what,
            ),
            "Mail: opgaven givet videre",
        )

    @staticmethod
    def refuse(message: str, kind: Failure = Failure.STEP_REFUSED) -> ApplicationError:
        """An Update's refusal (workflows/refusals.py)."""
        return refuse(message, kind)

    @staticmethod
    def refuse_if(reason: str | None) -> None:
        """A validator raises what a pure rule (``refuse_*`` in schemas/) answered, if
        anything."""
        if reason is not None:
            raise refuse(reason)

    @staticmethod
    def invalid(
        exc: DomainError | DomainErrors, kind: Failure = Failure.INVALID_INPUT
    ) -> ApplicationError:
        return invalid(exc, kind)

    # ---- what operations see ------------------------------------------------------------

    def publish(
        self,
        details: str | None,
        attributes: Sequence[SearchAttributeUpdate[Any]],
        skip_unchanged: Callable[[], bool] = lambda: True,
    ) -> None:
        """The UI's current details (a query, no command) and the search attributes, upserted
        only when one changed unless ``skip_unchanged()`` says this workflow's history
        upserted every time (workflows/published.py)."""
        if details is not None:
            workflow.set_current_details(details)
        self._published.upsert(attributes, skip_unchanged)


def _woken(
    met: Callable[[], bool],
    cancelled: Callable[[], bool],
    replans: Callable[[], int],
    seen: int,
) -> bool:
    return met() or cancelled() or replans() != seen
