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
from catalog import Catalog
from renderers import RenderedDocument
from renderers.course_program import CourseProgram
from schemas.course.definition import CourseDefinition
from schemas.course.request import CourseRequest
from schemas.order.documents import DocumentFacts, DocumentSource, PackageRef, package_ref
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.errors import CatalogError, Failure
from storage.artifact_store import ArtifactStore

log = structlog.get_logger(__name__)


class RenderRequest(BaseModel):
    kinds: list[str] = Field(min_length=1)
    # The facts with the package by reference; the whole source where the catalog changed
    # since the order loaded its package (and in renders scheduled before references).
    source: DocumentSource | DocumentFacts = Field(union_mode="left_to_right")
    package: PackageRef | None = Field(
        default=None, description="The order's package by content, read from this worker's catalog"
    )


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
    def __init__(
        self, store: ArtifactStore, pdf: PdfConverter | None = None, catalog: Catalog | None = None
    ) -> None:
        self.store = store
        self.pdf = pdf
        self.catalog = catalog or Catalog()

    @activity.defn(name="render_documents")
    def render_documents(self, request: RenderRequest) -> RenderResult:
        with heartbeating():
            return self._render_documents(request)

    def _source(self, request: RenderRequest) -> DocumentSource:
        """The renderers' source: the facts with the package the reference names."""
        if isinstance(request.source, DocumentSource):
            return self._completed(request.source)
        if request.package is None:
            raise ApplicationError("A render needs its package", non_retryable=True)
        try:
            package = self.catalog.package(request.package.id)
        except CatalogError:
            package = None
        if package is None or package_ref(package) != request.package:
            # Not retried: the workflow sends the package itself instead.
            raise ApplicationError(
                "The catalog's package differs from the order's",
                type=Failure.PACKAGE_CHANGED.value,
                non_retryable=True,
            )
        return DocumentSource(
            package=package, templates=self.catalog.documents(package.id), **dict(request.source)
        )

    def _completed(self, source: DocumentSource) -> DocumentSource:
        """A source the workflow sent whole (the catalog changed since the order loaded its
        package): the Word templates are this worker's catalog's, and a package recorded
        before packages carried their words borrows the catalog's words."""
        try:
            known = self.catalog.package(source.package.id)
        except CatalogError:
            raise ApplicationError(
                f"Pakken '{source.package.id}' findes ikke i kataloget", non_retryable=True
            ) from None
        package = source.package
        if package.texts is None:
            package = package.model_copy(update={"texts": known.texts, "extract": known.extract})
        templates = self.catalog.documents(known.id)
        return source.model_copy(update={"package": package, "templates": templates})

    def _render_documents(self, request: RenderRequest) -> RenderResult:
        refs: list[ArtifactRef] = []
        source = self._source(request)
        for kind in request.kinds:
            try:
                renderer = renderers.get(kind)
            except KeyError as exc:
                raise ApplicationError(str(exc), non_retryable=True) from None
            document = renderer.render(renderer.context(source))
            order_id = source.order_id
            source_sha256 = None
            if kind in PRINTABLE and self.pdf is not None:
                source_sha256 = hashlib.sha256(document.content).hexdigest()
                # The same page as before: its PDF, not a new one (whose bytes would differ).
                done = self.store.converted(order_id, kind, source_sha256)
                if done is not None:
                    refs.append(done)
                    continue
                stamp = source.timeline.planned_at.isoformat()
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
