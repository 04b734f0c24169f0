"""The client's cluster part: start a cluster's workflow, read it, and send the coordinator's
records as Updates (refusals become StepRejected with the Danish reason)."""

from __future__ import annotations

from datetime import datetime

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from client.calls import ClientConfig, WorkflowCalls
from schemas.cluster.commands import (
    AssemblySet,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    MeetingNote,
    MembersReplace,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.input import ClusterInput, cluster_id
from schemas.cluster.state import ClusterState
from schemas.cluster.view import ClusterPage, ClusterSummary
from schemas.order.commands import StepAccepted
from schemas.shared.assignment import TaskAssign
from schemas.shared.errors import StepRejected
from workflows import names


class Clusters:
    def __init__(self, calls: WorkflowCalls, config: ClientConfig) -> None:
        self._calls = calls
        self._config = config

    async def start(self, inp: ClusterInput) -> str:
        """Start the cluster's workflow; its id comes from the cluster's name and region, so a
        cluster is started once."""
        workflow_id = cluster_id(inp.cluster)
        accepted = inp.model_copy(
            update={"accepted_at": inp.accepted_at or await self._calls.clock()}
        )
        try:
            await self._calls.client.start_workflow(
                names.CLUSTER,
                accepted,
                id=workflow_id,
                task_queue=self._config.task_queue,
                # A cluster ended by an operator may be started again; a running one is refused.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                static_summary=f"Klynge: {inp.cluster.name} ({inp.cluster.region.value})",
            )
        except WorkflowAlreadyStartedError:
            raise StepRejected(
                f"Klyngen findes allerede med id '{workflow_id}' – se `klyngepakke cluster status`."
            ) from None
        return workflow_id

    async def state(self, workflow_id: str) -> ClusterState:
        return await self._calls.query(workflow_id, "state", ClusterState)

    async def page(self, workflow_id: str) -> ClusterPage | None:
        """The coordinator's page; None for a cluster that does not exist (an old link)."""
        now: datetime = await self._calls.clock()
        return await self._calls.page_query(workflow_id, "page", ClusterPage, now)

    async def summary(self, workflow_id: str) -> ClusterSummary | None:
        return await self._calls.query(workflow_id, "summary", ClusterSummary)

    async def members_replace(self, workflow_id: str, cmd: MembersReplace) -> StepAccepted:
        return await self._calls.update(workflow_id, "members_replace", cmd)

    async def duty_confirm(self, workflow_id: str, cmd: DutyConfirm) -> StepAccepted:
        return await self._calls.update(workflow_id, "duty_confirm", cmd)

    async def payout_record(self, workflow_id: str, cmd: PayoutRecord) -> StepAccepted:
        return await self._calls.update(workflow_id, "payout_record", cmd)

    async def payout_reported(self, workflow_id: str, cmd: PayoutReported) -> StepAccepted:
        return await self._calls.update(workflow_id, "payout_reported", cmd)

    async def assembly_set(self, workflow_id: str, cmd: AssemblySet) -> StepAccepted:
        return await self._calls.update(workflow_id, "assembly_set", cmd)

    async def coordinator_change(self, workflow_id: str, cmd: CoordinatorChange) -> StepAccepted:
        return await self._calls.update(workflow_id, "coordinator_change", cmd)

    async def handover_confirm(self, workflow_id: str, cmd: HandoverConfirm) -> StepAccepted:
        return await self._calls.update(workflow_id, "handover_confirm", cmd)

    async def assign_task(self, workflow_id: str, cmd: TaskAssign) -> StepAccepted:
        """KiAP's workbench: take its tasks, give them to a colleague, or let them go."""
        return await self._calls.update(workflow_id, "assign_task", cmd)

    async def meeting_note(self, workflow_id: str, cmd: MeetingNote) -> StepAccepted:
        return await self._calls.update(workflow_id, "meeting_note", cmd)
