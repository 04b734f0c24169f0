"""KiAP's preview of a package: every mail and document it sends, rendered for a sample order
(the demo cluster) – once in full, and again for each meeting mode, program variant and region
only where the result differs. Rendered on the render queue (activities/package_preview.py),
kept as artifacts; the workbench (/konsulent/pakker/<id>) only shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.order.extract import AnonymisedExtract
from schemas.order.minutes import Minutes
from schemas.order.request import MeetingMode, OrderRequest
from schemas.package.model import Package
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.people import Person
from schemas.shared.region import Region
from schemas.survey.answers import SurveyResults

# The artifact owner and kind the preview's manifest is kept under (one owner per package
# content: a changed package is a new preview, the old one stays readable).
MANIFEST_KIND = "package_preview"
OWNER_PREFIX = "preview-"


def preview_owner(package_id: str, package_sha256: str) -> str:
    return f"{OWNER_PREFIX}{package_id}-{package_sha256[:12]}"


class PreviewSample(BaseModel):
    """The sample order the preview renders for: the demo cluster's order with its answers,
    its job centre's figures and its minutes (examples/, put together by the composition
    root). Fictional people only."""

    order: OrderRequest
    consultant: Person
    planned_at: datetime = Field(description="When the sample order was placed")
    survey_results: SurveyResults
    extract: AnonymisedExtract | None = None
    minutes: Minutes


class PreviewRequest(BaseModel):
    """What the preview workflow and its activity get: the package and the sample order."""

    package_id: str
    package_sha256: str = Field(description="The catalog folder's digest the caller saw")
    sample: PreviewSample


def preview_workflow_id(package_id: str, package_sha256: str) -> str:
    """One preview per package content: started again for the same content, it is the same
    workflow (rendered once)."""
    return f"package-preview-{package_id}-{package_sha256[:12]}"


class PreviewVariant(BaseModel):
    """One way the sample order is set: meeting mode, program variant and region."""

    id: str
    mode: MeetingMode
    program: str
    region: Region
    label: str = Field(description="Danish, as the page names it")
    compare_to: str | None = Field(
        default=None,
        description="The variant this one shows only its differences from; None: the full set",
    )


def preview_variants(package: Package, region: Region) -> list[PreviewVariant]:
    """The sample as ordered (a physical meeting, the package's default program, the demo
    cluster's region) first; then a virtual meeting, each other program variant, and each
    other region with a virtual meeting (where the region's virtual-room help and its quality
    unit both show)."""
    default = package.default_program

    def variant(
        mode: MeetingMode, program: str, where: Region, compare_to: PreviewVariant | None = None
    ) -> PreviewVariant:
        title = package.program(program).title
        meeting = "Fysisk møde" if mode == MeetingMode.PHYSICAL else "Virtuelt møde"
        return PreviewVariant(
            id=f"{mode.value}-{program}-{where.name.lower()}",
            mode=mode,
            program=program,
            region=where,
            label=f"{meeting} · {title} · Region {where.value}",
            compare_to=compare_to.id if compare_to is not None else None,
        )

    base = variant(MeetingMode.PHYSICAL, default, region)
    virtual = variant(MeetingMode.VIRTUAL, default, region, base)
    found = [base, virtual]
    found += [
        variant(MeetingMode.PHYSICAL, p.id, region, base)
        for p in package.programs
        if p.id != default
    ]
    found += [variant(MeetingMode.VIRTUAL, default, r, virtual) for r in Region if r != region]
    return found


class PreviewItem(BaseModel):
    """One mail or document in one variant: a mail as HTML, a document as its file and its
    pages as PNG."""

    variant: str
    kind: str = Field(description="'mail' or 'document'")
    name: str = Field(description="The mail template or the renderer kind")
    title: str = Field(description="The mail's subject or the document's file name")
    recipient: str | None = Field(default=None, description="Who gets the mail (a role, Danish)")
    html: ArtifactRef | None = None
    file: ArtifactRef | None = None
    pages: list[ArtifactRef] = Field(default_factory=list)
    problem: str | None = Field(default=None, description="Why it could not be rendered")


class PackagePreview(BaseModel):
    """The manifest: what the page lists, in order."""

    package_id: str
    package_title: str
    package_sha256: str
    rendered_at: datetime
    sample_cluster: str
    variants: list[PreviewVariant]
    items: list[PreviewItem]

    def of(self, variant: str) -> list[PreviewItem]:
        return [item for item in self.items if item.variant == variant]

    def variant(self, variant_id: str) -> PreviewVariant | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    def ref(self, sha256: str) -> ArtifactRef | None:
        """A file the preview lists, by its digest (the page's links name it so)."""
        for item in self.items:
            for ref in (item.html, item.file, *item.pages):
                if ref is not None and ref.sha256 == sha256:
                    return ref
        return None
