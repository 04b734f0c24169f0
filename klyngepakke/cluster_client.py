"""The typed client's cluster part: start a cluster's workflow, read it, and send the
coordinator's records as Updates (refusals become StepRejected with the Danish reason)."""

from __future__ import annotations

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from klyngepakke.course_client import CoursesClient
from schemas.cluster import (
    AssemblySet,
    ClusterInput,
    ClusterState,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    MeetingNote,
    MembersReplace,
    PayoutRecord,
    PayoutReported,
    cluster_id,
)
from schemas.cluster_view import ClusterPage, ClusterSummary
from schemas.commands import StepAccepted
from schemas.errors import StepRejected, UnknownOrder
from workflows.cluster import ClusterWorkflow


class ClustersClient(CoursesClient):
    async def cluster_start(self, inp: ClusterInput) -> str:
        """Start the cluster's workflow; its id comes from the cluster's name and region, so a
        cluster is started once."""
        workflow_id = cluster_id(inp.cluster)
        accepted = inp.model_copy(update={"accepted_at": inp.accepted_at or await self.clock()})
        try:
            await self.client.start_workflow(
                ClusterWorkflow.run,
                accepted,
                id=workflow_id,
                task_queue=self.settings.task_queue,
                # A cluster ended by an operator may be started again; a running one is refused.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                static_summary=f"Klynge: {inp.cluster.name} ({inp.cluster.region.value})",
            )
        except WorkflowAlreadyStartedError:
            raise StepRejected(
                f"Klyngen findes allerede med id '{workflow_id}' – se `klyngepakke cluster status`."
            ) from None
        return workflow_id

    async def cluster_state(self, workflow_id: str) -> ClusterState:
        try:
            state: ClusterState = await self._handle(workflow_id).query(ClusterWorkflow.state)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(workflow_id) from None
            raise
        return state

    async def cluster_page(self, workflow_id: str) -> ClusterPage | None:
        """The coordinator's page; None for a cluster that does not exist (an old link)."""
        now = await self.clock()
        page: ClusterPage | None = await self._page_query(workflow_id, ClusterWorkflow.page, now)
        return page

    async def cluster_summary(self, workflow_id: str) -> ClusterSummary | None:
        summary: ClusterSummary | None = await self._handle(workflow_id).query(
            ClusterWorkflow.overview
        )
        return summary

    async def members_replace(self, workflow_id: str, cmd: MembersReplace) -> StepAccepted:
        return await self._update(workflow_id, "members_replace", cmd)

    async def duty_confirm(self, workflow_id: str, cmd: DutyConfirm) -> StepAccepted:
        return await self._update(workflow_id, "duty_confirm", cmd)

    async def payout_record(self, workflow_id: str, cmd: PayoutRecord) -> StepAccepted:
        return await self._update(workflow_id, "payout_record", cmd)

    async def payout_reported(self, workflow_id: str, cmd: PayoutReported) -> StepAccepted:
        return await self._update(workflow_id, "payout_reported", cmd)

    async def assembly_set(self, workflow_id: str, cmd: AssemblySet) -> StepAccepted:
        return await self._update(workflow_id, "assembly_set", cmd)

    async def coordinator_change(self, workflow_id: str, cmd: CoordinatorChange) -> StepAccepted:
        return await self._update(workflow_id, "coordinator_change", cmd)

    async def handover_confirm(self, workflow_id: str, cmd: HandoverConfirm) -> StepAccepted:
        return await self._update(workflow_id, "handover_confirm", cmd)

    async def meeting_note(self, workflow_id: str, cmd: MeetingNote) -> StepAccepted:
        return await self._update(workflow_id, "meeting_note", cmd)
