"""The project's connection to Temporal and the calls every client shares: a workflow's
handle, a page's query, an Update whose refusal becomes StepRejected with its Failure kind,
and telling a workflow that died from one that answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import HeaderCodecBehavior
from temporalio.exceptions import ApplicationError, FailureError
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from klyngepakke.payload_codec import encrypted_converter
from klyngepakke.sealed_calls import SealedCalls
from klyngepakke.settings import Settings
from schemas.commands import (
    StepAccepted,
)
from schemas.errors import (
    DomainError,
    Failure,
    StepRejected,
    TemporalUnreachable,
    WorkflowDied,
    failure_of,
)

# A person waits on the page: past this, they are asked to try again rather than left hanging.
PAGE_QUERY_TIMEOUT = timedelta(seconds=15)


_DIED = {
    WorkflowExecutionStatus.FAILED: "FAILED",
    WorkflowExecutionStatus.TERMINATED: "TERMINATED",
    WorkflowExecutionStatus.TIMED_OUT: "TIMED_OUT",
    WorkflowExecutionStatus.CANCELED: "CANCELED",
}


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client of the project's Temporal; TemporalUnreachable when there is none to reach
    (the SDK says so only as a RuntimeError of the connect call)."""
    try:
        return await _connect(settings, runtime)
    except RuntimeError:
        raise TemporalUnreachable(settings.temporal_address) from None


async def _connect(settings: Settings, runtime: Runtime | None) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=encrypted_converter(settings.payload_key_set()),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        runtime=runtime,
        # Signals and Updates carry an encrypted seal; workers built on this client refuse
        # those without one (klyngepakke/sealed_calls.py).
        interceptors=[SealedCalls()],
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """mTLS with a client certificate, plain TLS with an API key, else none (the dev server)."""
    if settings.temporal_tls_cert or settings.temporal_tls_key:
        if not (settings.temporal_tls_cert and settings.temporal_tls_key):
            raise DomainError(
                "temporal_tls_key" if settings.temporal_tls_cert else "temporal_tls_cert",
                "mTLS kræver både certifikat og nøgle (KLYNGEPAKKE_TEMPORAL_TLS_CERT og _KEY)",
            )
        return TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
            server_root_ca_cert=(
                settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None
            ),
        )
    return settings.temporal_api_key is not None


async def _wall_clock() -> datetime:
    return datetime.now(UTC)


class WorkflowCalls:
    """What OrdersClient, CoursesClient and ClustersClient call their workflows through."""

    def __init__(
        self,
        client: Client,
        settings: Settings,
        clock: Callable[[], Awaitable[datetime]] = _wall_clock,
    ) -> None:
        self.client = client
        self.settings = settings
        # Tests pass the time-skipping server's clock, which runs ahead of the wall.
        self.clock = clock

    def _handle(self, order_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(order_id)

    async def _page_query(self, workflow_id: str, query: Any, *args: Any) -> Any:
        """A page's query: None when the workflow does not exist (an old or mistyped link).
        Anything else – Temporal restarting, no worker to answer – is raised, so the page says
        "try again in a moment" instead of calling a good link unknown."""
        try:
            return await self._handle(workflow_id).query(
                query, *args, rpc_timeout=PAGE_QUERY_TIMEOUT
            )
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    async def raise_if_died(self, workflow_id: str) -> None:
        """Raise WorkflowDied, with the decoded failure, for a workflow that ended badly. A
        status query cannot tell: a failed workflow still answers it, as it stood."""
        described = await self._handle(workflow_id).describe()
        if described.status not in _DIED:
            return
        failure = _DIED[described.status]
        try:
            await self._handle(workflow_id).result(follow_runs=False)
        except WorkflowFailureError as exc:
            cause = exc.cause
            while isinstance(cause, FailureError) and cause.cause is not None:
                cause = cause.cause
            failure = f"{type(cause).__name__}: {cause}"
        raise WorkflowDied(workflow_id, _DIED[described.status], failure)

    async def _execute_update(
        self,
        workflow_id: str,
        name: str,
        *args: BaseModel,
        result_type: type[StepAccepted] = StepAccepted,
    ) -> StepAccepted:
        """Run an Update; a validator's refusal becomes StepRejected with its Danish reason."""
        try:
            accepted: StepAccepted = await self._handle(workflow_id).execute_update(
                name, *args, result_type=result_type
            )
            return accepted
        except WorkflowUpdateFailedError as exc:
            cause = exc.cause
            kind = failure_of(cause.type) if isinstance(cause, ApplicationError) else None
            if isinstance(cause, ApplicationError) and kind == Failure.UNCHANGED:
                return StepAccepted(message=cause.message)
            if isinstance(cause, ApplicationError):
                raise StepRejected(cause.message, kind) from None
            raise StepRejected(str(cause) if cause else "opdateringen blev afvist") from None
