"""KiAP's package preview as a workflow: one per package content (its id names the digest),
so a worker start or ``klyngepakke catalog preview`` asks for it as often as it likes and the
render queue renders it once; KiAP operations see it, and a failed render, in the Temporal
UI. The workbench reads the result from the artifact store."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from schemas.shared.artifacts import ArtifactRef
    from schemas.views.package_preview import PreviewRequest
    from workflows import names
    from workflows.render_queue import render_queue

# Every mail and document in every variant, PDF and pages included: minutes, not seconds.
PREVIEW_TIMEOUT = timedelta(minutes=30)
PREVIEW_HEARTBEAT = timedelta(minutes=2)
PREVIEW_RETRY = RetryPolicy(initial_interval=timedelta(seconds=10), maximum_attempts=3)


@workflow.defn(name=names.PACKAGE_PREVIEW)
class PackagePreviewWorkflow:
    @workflow.run
    async def run(self, request: PreviewRequest) -> ArtifactRef:
        result: ArtifactRef = await workflow.execute_activity(
            "render_package_preview",
            request,
            result_type=ArtifactRef,
            summary=f"Forhåndsvisning: {request.package_id}",
            task_queue=render_queue(),
            start_to_close_timeout=PREVIEW_TIMEOUT,
            heartbeat_timeout=PREVIEW_HEARTBEAT,
            retry_policy=PREVIEW_RETRY,
        )
        return result
