"""What documents may be rendered from: everything the order knows at render time."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from schemas.catalog import Package
from schemas.events import ConsultationCompleted
from schemas.minutes import Minutes
from schemas.order import OrderRequest
from schemas.people import Person
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
