"""Signals and Updates are taken only when they are sealed with the payload key.

Whoever reaches Temporal's frontend can send an Update or a signal typed as plain JSON; the
payload codec lets plaintext through (histories recorded before encryption must replay), so
the argument alone proves nothing. Every caller of ours (the client, the web app, a workflow
signalling its child) adds a header holding the digest of the call's arguments; the codec
encrypts it like any payload. On arrival the codec marks what was not encrypted, and this
interceptor refuses an Update (its validator fails, so nothing is written to the history) and
drops a signal unless the header is there, was encrypted, and matches the arguments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadConverter
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    HandleSignalInput,
    HandleUpdateInput,
    SignalChildWorkflowInput,
    SignalExternalWorkflowInput,
    WorkflowInboundInterceptor,
    WorkflowOutboundInterceptor,
)

from schemas.shared.errors import Failure

HEADER = "klyngepakke-sealed"
# Set by the payload codec on a payload that arrived without encryption.
UNSEALED_MARK = "klyngepakke-unsealed"


def call_digest(
    converter: PayloadConverter, workflow_id: str, name: str, call_id: str, args: Sequence[Any]
) -> str:
    """The digest a seal holds: the target workflow, the signal's or Update's name, the
    Update's id and the arguments, so a seal copied from a history fits no other call (an
    Update id is used once; a signal copied whole is the same signal again)."""
    digest = hashlib.sha256()
    for part in (workflow_id, name, call_id):
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    for payload in converter.to_payloads(args):
        digest.update(len(payload.data).to_bytes(8, "big"))
        digest.update(payload.data)
    return digest.hexdigest()


def seal_header(
    converter: PayloadConverter,
    call: tuple[str, str, str],
    args: Sequence[Any],
    headers: Mapping[str, Payload],
) -> dict[str, Payload]:
    """``call`` is (workflow id, name, Update id or "")."""
    return {**headers, HEADER: converter.to_payload(call_digest(converter, *call, args))}


def is_sealed(
    converter: PayloadConverter,
    call: tuple[str, str, str],
    args: Sequence[Any],
    headers: Mapping[str, Payload],
) -> bool:
    header = headers.get(HEADER)
    if header is None or UNSEALED_MARK in header.metadata:
        return False
    try:
        return converter.from_payload(header, str) == call_digest(converter, *call, args)
    except Exception:
        return False  # a header that is not ours


class SealedInbound(WorkflowInboundInterceptor):
    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        self._unsealed_signals = 0
        super().init(SealedOutbound(outbound))

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        # Validators run only when an Update arrives, never on replay: old histories replay.
        call = (workflow.info().workflow_id, input.update, input.id)
        if not is_sealed(workflow.payload_converter(), call, input.args, input.headers):
            raise ApplicationError(
                f"Afvist: '{input.update}' er ikke sendt med klyngepakkes nøgle (ukrypteret).",
                type=Failure.UNSEALED_CALL.value,
                non_retryable=True,
            )
        super().handle_update_validator(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        call = (workflow.info().workflow_id, input.signal, "")
        if not is_sealed(workflow.payload_converter(), call, input.args, input.headers):
            # Signals replay: one that came before this check existed is handled as it was
            # then. A patch of its own for each (patched() keeps its first answer for the
            # run), so an order running since before the check refuses the next forged one.
            self._unsealed_signals += 1
            if workflow.patched(f"sealed-signals-{self._unsealed_signals}"):
                workflow.logger.warning("unsealed signal dropped", extra={"signal": input.signal})
                return
        await super().handle_signal(input)


class SealedOutbound(WorkflowOutboundInterceptor):
    """A workflow's own signals to its children and parent carry the seal too."""

    async def signal_child_workflow(self, input: SignalChildWorkflowInput) -> None:
        call = (input.child_workflow_id, input.signal, "")
        input.headers = seal_header(workflow.payload_converter(), call, input.args, input.headers)
        await super().signal_child_workflow(input)

    async def signal_external_workflow(self, input: SignalExternalWorkflowInput) -> None:
        call = (input.workflow_id, input.signal, "")
        input.headers = seal_header(workflow.payload_converter(), call, input.args, input.headers)
        await super().signal_external_workflow(input)
