"""The calls every part of the client shares: a workflow's handle, a query by name (a page's
or a command's), an Update whose refusal becomes StepRejected with its Failure kind, and
telling a workflow that died or ended from one that answers. Each part (orders, survey rounds,
follow-up meetings, courses, clusters) holds one of these rather than inheriting it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError, FailureError
from temporalio.service import RPCError, RPCStatusCode

from catalog import Catalog
from schemas.order.commands import StepAccepted
from schemas.order.request import OrderRequest
from schemas.shared.errors import (
    Failure,
    StepRejected,
    UnknownOrder,
    WorkflowDied,
    failure_of,
)
from schemas.shared.people import Actor, Person

# A person waits on the page: past this, they are asked to try again rather than left hanging.
PAGE_QUERY_TIMEOUT = timedelta(seconds=15)

T = TypeVar("T")
A = TypeVar("A", bound=StepAccepted)

_DIED = {
    WorkflowExecutionStatus.FAILED: "FAILED",
    WorkflowExecutionStatus.TERMINATED: "TERMINATED",
    WorkflowExecutionStatus.TIMED_OUT: "TIMED_OUT",
    WorkflowExecutionStatus.CANCELED: "CANCELED",
}

Clock = Callable[[], Awaitable[datetime]]


@dataclass(frozen=True)
class ClientConfig:
    """What the client needs besides its connection (klyngepakke/bootstrap.py fills it in)."""

    task_queue: str
    catalog: Catalog
    default_consultant: Person
    # Who gets a new order's tasks (the order's named consultant, or a rule per region).
    assignee_for: Callable[[OrderRequest], Actor | None] = field(default=lambda _order: None)


async def wall_clock() -> datetime:
    return datetime.now(UTC)


class WorkflowCalls:
    def __init__(self, client: Client, clock: Clock = wall_clock) -> None:
        self.client = client
        # Tests pass the time-skipping server's clock, which runs ahead of the wall.
        self.clock = clock

    def handle(self, workflow_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(workflow_id)

    async def query(self, workflow_id: str, name: str, result_type: type[T], *args: Any) -> T:
        """A command's query: UnknownOrder when there is no such workflow."""
        try:
            result: T = await self.handle(workflow_id).query(name, *args, result_type=result_type)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(workflow_id) from None
            raise
        return result

    async def page_query(
        self, workflow_id: str, name: str, result_type: type[T], *args: Any
    ) -> T | None:
        """A page's query: None when the workflow does not exist (an old or mistyped link).
        Anything else – Temporal restarting, no worker to answer – is raised, so the page says
        "try again in a moment" instead of calling a good link unknown."""
        try:
            result: T = await self.handle(workflow_id).query(
                name, *args, result_type=result_type, rpc_timeout=PAGE_QUERY_TIMEOUT
            )
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return result

    async def update(
        self,
        workflow_id: str,
        name: str,
        *args: BaseModel,
        result_type: type[A] = StepAccepted,  # type: ignore[assignment]
    ) -> A:
        """An Update of a workflow that has ended is refused in Danish, not as 'not found'."""
        try:
            return await self.execute_update(workflow_id, name, *args, result_type=result_type)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                await self.raise_closed_or_unknown(workflow_id)
            raise

    async def execute_update(
        self,
        workflow_id: str,
        name: str,
        *args: BaseModel,
        result_type: type[A] = StepAccepted,  # type: ignore[assignment]
    ) -> A:
        """Run an Update; a validator's refusal becomes StepRejected with its Danish reason."""
        try:
            accepted: A = await self.handle(workflow_id).execute_update(
                name, *args, result_type=result_type
            )
            return accepted
        except WorkflowUpdateFailedError as exc:
            cause = exc.cause
            kind = failure_of(cause.type) if isinstance(cause, ApplicationError) else None
            if isinstance(cause, ApplicationError) and kind == Failure.UNCHANGED:
                return result_type(message=cause.message)
            if isinstance(cause, ApplicationError):
                raise StepRejected(cause.message, kind) from None
            raise StepRejected(str(cause) if cause else "opdateringen blev afvist") from None

    async def raise_closed_or_unknown(self, workflow_id: str) -> None:
        """A finished workflow answers an Update with 'not found'; tell the two cases apart."""
        try:
            described = await self.handle(workflow_id).describe()
        except RPCError:
            raise UnknownOrder(workflow_id) from None
        state = (
            "annulleret" if described.status == WorkflowExecutionStatus.COMPLETED else "afsluttet"
        )
        try:
            final = await self.handle(workflow_id).query("status", result_type=dict)
            state = {"cancelled": "annulleret", "completed": "afsluttet"}.get(
                str(final.get("status")), state
            )
        except RPCError:
            pass
        raise StepRejected(f"Ordren er {state} og kan ikke ændres.")

    async def raise_if_died(self, workflow_id: str) -> None:
        """Raise WorkflowDied, with the decoded failure, for a workflow that ended badly. A
        status query cannot tell: a failed workflow still answers it, as it stood."""
        described = await self.handle(workflow_id).describe()
        if described.status not in _DIED:
            return
        failure = _DIED[described.status]
        try:
            await self.handle(workflow_id).result(follow_runs=False)
        except WorkflowFailureError as exc:
            cause = exc.cause
            while isinstance(cause, FailureError) and cause.cause is not None:
                cause = cause.cause
            failure = f"{type(cause).__name__}: {cause}"
        raise WorkflowDied(workflow_id, _DIED[described.status], failure)

    async def result(self, workflow_id: str, result_type: type[T]) -> T:
        handle = self.client.get_workflow_handle(workflow_id, result_type=result_type)
        result: T = await handle.result()
        return result
