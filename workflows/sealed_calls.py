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

HEADER = "klyngepakke-sealed"
# Set by the payload codec on a payload that arrived without encryption.
UNSEALED_MARK = "klyngepakke-unsealed"


def args_digest(converter: PayloadConverter, args: Sequence[Any]) -> str:
    payloads = converter.to_payloads(args)
    digest = hashlib.sha256()
    for payload in payloads:
        digest.update(len(payload.data).to_bytes(8, "big"))
        digest.update(payload.data)
    return digest.hexdigest()


def seal_header(
    converter: PayloadConverter, args: Sequence[Any], headers: Mapping[str, Payload]
) -> dict[str, Payload]:
    return {**headers, HEADER: converter.to_payload(args_digest(converter, args))}


def is_sealed(
    converter: PayloadConverter, args: Sequence[Any], headers: Mapping[str, Payload]
) -> bool:
    header = headers.get(HEADER)
    if header is None or UNSEALED_MARK in header.metadata:
        return False
    try:
        return converter.from_payload(header, str) == args_digest(converter, args)
    except Exception:
        return False  # a header that is not ours


class SealedInbound(WorkflowInboundInterceptor):
    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(SealedOutbound(outbound))

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        # Validators run only when an Update arrives, never on replay: old histories replay.
        if not is_sealed(workflow.payload_converter(), input.args, input.headers):
            raise ApplicationError(
                f"Afvist: '{input.update}' er ikke sendt med klyngepakkes nøgle (ukrypteret).",
                type="UnsealedCall",
                non_retryable=True,
            )
        super().handle_update_validator(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        sealed = is_sealed(workflow.payload_converter(), input.args, input.headers)
        # Signals replay: one that came before this check existed is handled as it was then.
        if not sealed and workflow.patched("sealed-signals"):
            workflow.logger.warning("unsealed signal dropped", extra={"signal": input.signal})
            return
        await super().handle_signal(input)


class SealedOutbound(WorkflowOutboundInterceptor):
    """A workflow's own signals to its children and parent carry the seal too."""

    async def signal_child_workflow(self, input: SignalChildWorkflowInput) -> None:
        input.headers = seal_header(workflow.payload_converter(), input.args, input.headers)
        await super().signal_child_workflow(input)

    async def signal_external_workflow(self, input: SignalExternalWorkflowInput) -> None:
        input.headers = seal_header(workflow.payload_converter(), input.args, input.headers)
        await super().signal_external_workflow(input)
