"""The render activity: renderers by kind, their bytes into the artifact store, refs out."""

from __future__ import annotations

import structlog
from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

import renderers
from activities.artifact_store import ArtifactStore
from schemas.artifacts import ArtifactRef
from schemas.documents import DocumentSource

log = structlog.get_logger(__name__)


class RenderRequest(BaseModel):
    kinds: list[str] = Field(min_length=1)
    source: DocumentSource


class RenderResult(BaseModel):
    artifacts: list[ArtifactRef]


class RenderActivities:
    def __init__(self, store: ArtifactStore) -> None:
        self.store = store

    @activity.defn(name="render_documents")
    def render_documents(self, request: RenderRequest) -> RenderResult:
        refs: list[ArtifactRef] = []
        for kind in request.kinds:
            try:
                renderer = renderers.get(kind)
            except KeyError as exc:
                raise ApplicationError(str(exc), non_retryable=True) from None
            document = renderer.render(renderer.context(request.source))
            refs.append(
                self.store.put(
                    request.source.order_id,
                    kind,
                    document.filename,
                    document.media_type,
                    document.content,
                )
            )
        log.info("documents_rendered", kinds=request.kinds, versions=[r.version for r in refs])
        return RenderResult(artifacts=refs)
