"""The client's half of sealed calls (see workflows/sealed_calls.py): every signal and Update
it sends carries the encrypted digest of its arguments; as a worker interceptor the same
object makes the workers refuse calls without one. ``connect`` installs it, with the codec
applied to headers, so every client and worker built from settings takes part."""

from __future__ import annotations

import uuid
from typing import Any

from temporalio import client, worker
from temporalio.contrib.pydantic import pydantic_data_converter

from workflows.sealed_calls import SealedInbound, seal_header

CONVERTER = pydantic_data_converter.payload_converter


class _Outbound(client.OutboundInterceptor):
    async def signal_workflow(self, input: client.SignalWorkflowInput) -> None:
        call = (input.id, input.signal, "")
        input.headers = seal_header(CONVERTER, call, input.args, input.headers)
        await super().signal_workflow(input)

    async def start_workflow_update(
        self, input: client.StartWorkflowUpdateInput
    ) -> client.WorkflowUpdateHandle[Any]:
        # The id the server will know the Update by, fixed here so the seal can name it.
        input.update_id = input.update_id or str(uuid.uuid4())
        call = (input.id, input.update, input.update_id)
        input.headers = seal_header(CONVERTER, call, input.args, input.headers)
        return await super().start_workflow_update(input)


class SealedCalls(client.Interceptor, worker.Interceptor):
    def intercept_client(self, next: client.OutboundInterceptor) -> client.OutboundInterceptor:
        return _Outbound(next)

    def workflow_interceptor_class(
        self, input: worker.WorkflowInterceptorClassInput
    ) -> type[worker.WorkflowInboundInterceptor]:
        return SealedInbound
