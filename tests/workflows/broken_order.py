"""A deliberately non-deterministic variant of the order workflow, for the replay test.
Its own module: the sandbox re-imports the module that defines a workflow."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.commands import OrderInput
    from schemas.order.status import OrderStatus
    from workflows.order import OrderWorkflow


@workflow.defn(name="OrderWorkflow")
class DroppedMail(OrderWorkflow):
    """The same workflow without the consultant's task mail: a change no running order may
    see. (Swapping two mails would not be caught: both schedule the same activity type.)"""

    @workflow.run
    async def run(self, inp: OrderInput) -> OrderStatus:
        return await super().run(inp)

    async def _order_placed(self) -> None:
        await self._mail("order_confirmation", "order_confirmation", "coordinator")
