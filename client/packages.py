"""The client's package part: ask the render queue for a package's preview (once per package
content: the workflow's id names the digest)."""

from __future__ import annotations

import contextlib

from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from client.calls import ClientConfig, WorkflowCalls
from schemas.shared.artifacts import ArtifactRef
from schemas.views.package_preview import PreviewRequest, preview_workflow_id
from workflows import names


class Packages:
    def __init__(self, calls: WorkflowCalls, config: ClientConfig) -> None:
        self._calls = calls
        self._config = config

    async def preview(self, request: PreviewRequest) -> str:
        """Start the package's preview unless this content's preview runs or ran well; the
        workflow's id. A failed one is started again."""
        workflow_id = preview_workflow_id(request.package_id, request.package_sha256)
        # An already done preview of this content: nothing to render again.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._calls.client.start_workflow(
                names.PACKAGE_PREVIEW,
                request,
                id=workflow_id,
                task_queue=self._config.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                static_summary=f"Forhåndsvisning af pakken {request.package_id}",
            )
        return workflow_id

    async def preview_done(self, workflow_id: str) -> ArtifactRef:
        """Wait for the preview; its manifest."""
        return await self._calls.result(workflow_id, ArtifactRef)
