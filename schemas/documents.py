"""What documents may be rendered from: everything the order knows at render time."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.agreements import AgreementView
from schemas.catalog import Package, ProgramVariant
from schemas.events import ConsultationCompleted
from schemas.extract import AnonymisedExtract
from schemas.minutes import Minutes
from schemas.order import OrderRequest
from schemas.people import Person
from schemas.program import ProgramChanges, adjusted
from schemas.survey import SurveyResults
from schemas.timeline import Timeline


class DocumentSource(BaseModel):
    order_id: str
    order: OrderRequest
    consultant: Person
    package: Package
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

    def program(self) -> ProgramVariant:
        """The meeting's program: the order's variant, as the pre-meeting adjusted it."""
        changes = self.program_changes
        variant = (changes.variant if changes and changes.variant else None) or (
            self.order.meeting.program_variant
        )
        return adjusted(self.package.program(variant), changes)
