"""Someone who reaches Temporal's frontend but holds no payload key cannot act on an order:
an Update typed as plain JSON (as in the Temporal UI's *Send an Update*, or a bare SDK client)
is refused before it is written, with or without a copied seal; the same step sent by our
client, which seals it, is taken. Workers here run as production's do (the client that
``connect`` builds: SealedCalls, headers through the codec)."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import HeaderCodecBehavior
from temporalio.contrib.pydantic import pydantic_data_converter

from client.sealed_calls import CONVERTER, SealedCalls
from schemas.order.commands import ConsultationDone
from schemas.order.request import ContactBy
from tests import factories
from tests.conftest import TEST_CONVERTER
from tests.workflows.harness import running
from workflows.sealed_calls import HEADER, call_digest


def _sealed_client(env) -> Client:  # type: ignore[no-untyped-def]
    return Client(
        env.client.service_client,
        namespace=env.client.namespace,
        data_converter=TEST_CONVERTER,
        interceptors=[SealedCalls()],
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )


async def test_a_plain_update_is_refused_and_a_sealed_one_is_taken(env, settings, sink, executor):
    sealed = _sealed_client(env)
    # The intruder: the right address and workflow id, no key.
    intruder = Client(
        env.client.service_client,
        namespace=env.client.namespace,
        data_converter=pydantic_data_converter,
    )
    async with running(env, settings, sink, executor, client=sealed) as h:
        order_id = await h.start(
            factories.make_order(await h.now()), order_id=f"seal-{uuid.uuid4()}"
        )
        await h.placed(order_id)
        plain = {"contact_by": "kiap"}
        handle = intruder.get_workflow_handle(order_id)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update("consultation_done", plain)
        # Refused as unsealed; the reason itself is encrypted, so the intruder cannot read it.
        assert refused.value.cause.type == "UnsealedCall"  # type: ignore[union-attr]
        assert "Encoded failure" in str(refused.value.cause)

        # A seal copied into a plain call is itself plaintext: refused too.
        digest = call_digest(CONVERTER, order_id, "consultation_done", "copied", [plain])
        forged = {HEADER: CONVERTER.to_payload(digest)}
        copying = Client(
            env.client.service_client,
            namespace=env.client.namespace,
            data_converter=pydantic_data_converter,
            interceptors=[_Headers(forged)],
        )
        with pytest.raises(WorkflowUpdateFailedError):
            await copying.get_workflow_handle(order_id).execute_update(
                "consultation_done", plain, id="copied"
            )

        await h.settle()
        assert h.mails("material") == [], "no material mail for a refused call"
        status = await h.status(order_id)
        assert not [e for e in status.events if e.type == "ConsultationCompleted"]

        # Our own client seals the same step: taken, and the material goes out.
        await h.client.orders.consultation_done(
            order_id, ConsultationDone(contact_by=ContactBy.KIAP)
        )
        await h.settle()
        assert h.mails("material")


class _Headers:
    """A client interceptor that adds fixed headers (what a copier of a seal would do)."""

    def __init__(self, headers: dict[str, Payload]) -> None:
        self.headers = headers

    def intercept_client(self, next):  # type: ignore[no-untyped-def]
        from temporalio import client

        headers = self.headers

        class Outbound(client.OutboundInterceptor):
            async def start_workflow_update(self, input):  # type: ignore[no-untyped-def]
                input.headers = {**input.headers, **headers}
                return await super().start_workflow_update(input)

        return Outbound(next)
