"""What one order shares with the national figures: aggregates only, never a name, a provider
number or a practice. Per closed question the count per option and how many answered it, the
response rate, and the partner's figures per certificate type for the cluster as a whole.

Only questions the coordinator left as the package has them are shared: a question whose text,
type or options were edited (or one the coordinator added) is the cluster's own, since shares
of different options, or answers to another wording, cannot be added up.
"""

from __future__ import annotations

import hashlib
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from schemas.package.model import QuestionType, SurveyTemplate
from schemas.shared.region import Region
from schemas.survey.answers import SurveyResults


class QuestionFigures(BaseModel):
    """One closed question of the package: the count per option (the package's own option
    texts, 'Ved ikke' included where offered) and how many answered it."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    answered: int = Field(ge=0)
    counts: dict[str, int]


class SurveyFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    respondents: int = Field(ge=0)
    invited: int = Field(ge=0)
    questions: list[QuestionFigures]


class TypeFigure(BaseModel):
    """One certificate type for the cluster as a whole: the count summed over its practices,
    the cluster's median answer time and the number of requests behind it (None where the
    partner gave none), so a national median can be weighted by requests."""

    model_config = ConfigDict(frozen=True)

    certificate_type: str
    received: int = Field(ge=0)
    requests: int | None = Field(default=None, ge=0)
    median_days: float | None = Field(default=None, ge=0)

    @property
    def weight(self) -> int:
        """What the median stands for: the requests, or the certificates where the partner
        gave no request count."""
        return self.requests if self.requests is not None else self.received


class BenchmarkKey(BaseModel):
    """Whose figures: the order (so a later import or extract replaces them), the cluster as
    an opaque id, the round (1: the meeting, 2: the follow-up meeting), the package, the
    region and the meeting's date (the period the figures count in)."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    cluster: str = Field(pattern=r"^[0-9a-f]{16}$")
    round: int = Field(ge=1, le=2)
    package_id: str
    region: Region
    meeting_on: date


class OrderFigures(BaseModel):
    """One order's row in the benchmark store."""

    model_config = ConfigDict(frozen=True)

    key: BenchmarkKey
    survey: SurveyFigures | None = None
    types: list[TypeFigure] = Field(default_factory=list)
    demo: bool = Field(
        default=False, description="Seeded by the demo (make run), never a real cluster's"
    )


def cluster_key(name: str, region: Region) -> str:
    """The cluster as the store knows it: the same cluster (as its coordinator spells it,
    case and spacing aside) gives the same id, and the id gives back no name."""
    spelled = " ".join(name.casefold().split())
    return hashlib.sha256(f"klynge|{region.value}|{spelled}".encode()).hexdigest()[:16]


def comparable_questions(template: SurveyTemplate, results: SurveyResults) -> list[QuestionFigures]:
    """The closed questions answered as the package asks them, with their counts."""
    by_id = {q.id: q for q in template.questions}
    shared = []
    for result in results.questions:
        question = by_id.get(result.question_id)
        if question is None or question.type == QuestionType.FREE_TEXT:
            continue
        as_asked = [o.option for o in result.options]
        if result.text != question.text or result.type != question.type:
            continue
        if as_asked != question.choices:
            continue
        shared.append(
            QuestionFigures(
                question_id=result.question_id,
                answered=result.answered,
                counts={o.option: o.count for o in result.options},
            )
        )
    return shared


def survey_figures(
    template: SurveyTemplate, results: SurveyResults | None, invited: int
) -> SurveyFigures | None:
    if results is None or not results.respondents:
        return None
    return SurveyFigures(
        respondents=results.respondents,
        invited=invited,
        questions=comparable_questions(template, results),
    )
