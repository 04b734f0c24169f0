"""The render activity: renderers by kind, their bytes into the artifact store, refs out."""

from __future__ import annotations

import hashlib
from datetime import datetime

import structlog
from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

import renderers
from activities.heartbeat import heartbeating
from activities.pdf_conversion import PdfConverter
from renderers import RenderedDocument
from renderers.course_program import CourseProgram
from schemas.artifacts import ArtifactRef
from schemas.course import CourseDefinition, CourseRequest
from schemas.documents import DocumentSource
from storage.artifact_store import ArtifactStore

log = structlog.get_logger(__name__)


class RenderRequest(BaseModel):
    kinds: list[str] = Field(min_length=1)
    source: DocumentSource


class RenderResult(BaseModel):
    artifacts: list[ArtifactRef]


class CourseProgramRequest(BaseModel):
    course_id: str
    course: CourseRequest
    definition: CourseDefinition
    planned_at: datetime


# One printable page each: delivered as PDF where LibreOffice is installed.
PRINTABLE = frozenset({"handouts", "practice_sheet"})
PDF = "application/pdf"


class RenderActivities:
    def __init__(self, store: ArtifactStore, pdf: PdfConverter | None = None) -> None:
        self.store = store
        self.pdf = pdf

    @activity.defn(name="render_documents")
    def render_documents(self, request: RenderRequest) -> RenderResult:
        with heartbeating():
            return self._render_documents(request)

    def _render_documents(self, request: RenderRequest) -> RenderResult:
        refs: list[ArtifactRef] = []
        for kind in request.kinds:
            try:
                renderer = renderers.get(kind)
            except KeyError as exc:
                raise ApplicationError(str(exc), non_retryable=True) from None
            document = renderer.render(renderer.context(request.source))
            order_id = request.source.order_id
            source_sha256 = None
            if kind in PRINTABLE and self.pdf is not None:
                source_sha256 = hashlib.sha256(document.content).hexdigest()
                # The same page as before: its PDF, not a new one (whose bytes would differ).
                done = self.store.converted(order_id, kind, source_sha256)
                if done is not None:
                    refs.append(done)
                    continue
                stamp = request.source.timeline.planned_at.isoformat()
                document = RenderedDocument(
                    filename=document.filename.rsplit(".", 1)[0] + ".pdf",
                    media_type=PDF,
                    content=self.pdf.convert(document.content, document.filename, stamp),
                )
            refs.append(
                self.store.put(
                    order_id,
                    kind,
                    document.filename,
                    document.media_type,
                    document.content,
                    source_sha256=source_sha256,
                )
            )
        log.info("documents_rendered", kinds=request.kinds, versions=[r.version for r in refs])
        return RenderResult(artifacts=refs)

    @activity.defn(name="render_course_program")
    def render_course_program(self, request: CourseProgramRequest) -> ArtifactRef:
        renderer = CourseProgram()
        stamp = request.planned_at.date().isoformat() + "T00:00:00Z"
        with heartbeating():
            document = renderer.render(renderer.context(request.course, request.definition, stamp))
        return self.store.put(
            request.course_id,
            renderer.kind,
            document.filename,
            document.media_type,
            document.content,
        )
