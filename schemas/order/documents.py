"""What documents may be rendered from: everything the order knows at render time, and the
package it was ordered in by reference (its content's SHA-256), so a render's input in history
carries the order's facts and not the package's texts again every time."""

from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import Comparison
from schemas.order.agreements import AgreementView
from schemas.order.events import ConsultationCompleted
from schemas.order.extract import AnonymisedExtract
from schemas.order.minutes import Minutes
from schemas.order.request import OrderRequest
from schemas.order.timeline import Timeline
from schemas.package.model import Package, ProgramVariant
from schemas.package.program import ProgramChanges, adjusted
from schemas.shared.people import Person
from schemas.survey.answers import SurveyResults


class DocumentFacts(BaseModel):
    """The order's own facts at render time: what a render activity's input carries."""

    order_id: str
    order: OrderRequest
    consultant: Person
    timeline: Timeline
    consultation: ConsultationCompleted | None = None
    survey_results: SurveyResults | None = None
    premeeting_at: datetime | None = None
    minutes: Minutes | None = None
    program_changes: ProgramChanges | None = None
    extract: AnonymisedExtract | None = Field(
        default=None, description="The job centre's figures, anonymised; None until received"
    )
    # A follow-up meeting's documents compare with the first meeting.
    first_round: SurveyResults | None = None
    first_round_invited: int | None = Field(
        default=None, description="Members the first round invited (the follow-up deck)"
    )
    second_round_invited: int | None = Field(
        default=None, description="Members the follow-up's round invited; None: it did not run"
    )
    first_extract: AnonymisedExtract | None = None
    agreements: list[AgreementView] = Field(default_factory=list)
    comparison: Comparison | None = Field(
        default=None,
        description="The other clusters' figures (national and regional), as disclosure allows",
    )


class DocumentSource(DocumentFacts):
    """The facts with their package: what a renderer reads."""

    package: Package
    templates: dict[str, bytes] = Field(
        default_factory=dict,
        exclude=True,
        repr=False,
        description="The package folder's Word templates (documents/<kind>.docx) by renderer "
        "kind, from the render worker's catalog; never in a workflow's history",
    )

    def template(self, kind: str) -> bytes:
        try:
            return self.templates[kind]
        except KeyError:
            raise ValueError(
                f"pakken '{self.package.id}' har ingen skabelon documents/{kind}.docx"
            ) from None

    def program(self) -> ProgramVariant:
        """The meeting's program: the order's variant, as the pre-meeting adjusted it."""
        changes = self.program_changes
        variant = (changes.variant if changes and changes.variant else None) or (
            self.order.meeting.program_variant
        )
        return adjusted(self.package.program(variant), changes)


class PackageRef(BaseModel):
    """A package by its id and the SHA-256 of its content, as the order loaded it."""

    id: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


def package_ref(package: Package) -> PackageRef:
    """The reference that names exactly this content of the package."""
    digest = hashlib.sha256(package.model_dump_json().encode()).hexdigest()
    return PackageRef(id=package.id, sha256=digest)
