"""A deliberately non-deterministic variant of the order workflow, for the replay test.
Its own module: the sandbox re-imports the module that defines a workflow."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.commands import OrderInput
    from schemas.order.status import OrderStatus
    from workflows.order import OrderWorkflow
    from workflows.order.before_meeting import BeforeMeeting


class WithoutTask(BeforeMeeting):
    async def order_placed(self) -> None:
        await self.run.mail("order_confirmation", "order_confirmation", "coordinator")


@workflow.defn(name="OrderWorkflow")
class DroppedMail(OrderWorkflow):
    """The same workflow without the consultant's task mail: a change no running order may
    see. (Swapping two mails would not be caught: both schedule the same activity type.)"""

    @workflow.init
    def __init__(self, inp: OrderInput) -> None:
        super().__init__(inp)
        self._before = WithoutTask(self._run, self._survey)

    @workflow.run
    async def run(self, inp: OrderInput) -> OrderStatus:
        return await super().run(inp)
