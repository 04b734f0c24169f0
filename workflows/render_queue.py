"""Where a workflow sends its renders, and what it sends: the render workers' queue beside its
own, the order's facts with the package by reference.

Workflows, mail and look-ups run on the workflow queue (``klyngepakke``); rendering and PDF
conversion on its own queue beside it (``klyngepakke-render``), served by render workers with
a bounded number of slots, so a burst of renders never holds the GIL of the process that runs
workflow tasks."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.rendering import RenderActivities, RenderRequest
    from schemas.order.documents import DocumentFacts, DocumentSource, package_ref
    from schemas.package.model import Package
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.errors import Failure
    from workflows import activity_options


RENDER_SUFFIX = "-render"


def render_queue_of(workflow_queue: str) -> str:
    """The render queue that belongs to a workflow queue (a test's own queue has its own)."""
    return workflow_queue + RENDER_SUFFIX


def render_queue() -> str:
    """The render queue for this workflow's renders. No patch guards it: an activity's task
    queue is an option, not part of what a replay compares (the recorded histories in
    tests/histories, scheduled on the workflow queue, replay unchanged)."""
    return render_queue_of(workflow.info().task_queue)


async def render_documents(
    kinds: list[str], facts: DocumentFacts, package: Package
) -> list[ArtifactRef]:
    """Render ``kinds`` from ``facts``, naming the package by its content's SHA-256 (the
    render worker reads it from its catalog), so the package's 14 KB of texts do not enter
    history with every render. Where the worker's catalog holds another version of the
    package (a deploy changed it while the order ran), the package goes along itself."""
    request = RenderRequest(kinds=kinds, source=facts, package=package_ref(package))
    try:
        return await _render(request)
    except ActivityError as exc:
        cause = exc.cause
        if not (isinstance(cause, ApplicationError) and cause.type == Failure.PACKAGE_CHANGED):
            raise
    whole = DocumentSource(package=package, **dict(facts))
    return await _render(RenderRequest(kinds=kinds, source=whole))


async def _render(request: RenderRequest) -> list[ArtifactRef]:
    result = await workflow.execute_activity_method(
        RenderActivities.render_documents,
        request,
        summary=f"Dokumenter: {', '.join(request.kinds)}",
        task_queue=render_queue(),
        start_to_close_timeout=activity_options.RENDER_TIMEOUT,
        heartbeat_timeout=activity_options.RENDER_HEARTBEAT,
        retry_policy=activity_options.RENDER_RETRY,
    )
    artifacts: list[ArtifactRef] = result.artifacts
    return artifacts
