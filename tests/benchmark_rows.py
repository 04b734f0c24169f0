"""Other clusters' figures for tests of the national figures: each cluster its own answers,
made from the package's own survey so every question and option is the package's."""

from __future__ import annotations

from datetime import date

from schemas.benchmark.figures import (
    BenchmarkKey,
    OrderFigures,
    TypeFigure,
    cluster_key,
    survey_figures,
)
from schemas.package.model import Package, QuestionType
from schemas.shared.region import Region
from schemas.survey.answers import SurveyResponse, aggregate


def cluster_answers(package: Package, seed: int, respondents: int = 6) -> list[SurveyResponse]:
    """``respondents`` answers, each closed question answered by turns through its options
    from ``seed`` on (so two clusters' answers differ)."""
    out = []
    for n in range(respondents):
        answers: dict[str, str | list[str] | None] = {}
        for i, q in enumerate(package.survey.questions):
            if q.type == QuestionType.FREE_TEXT:
                answers[q.id] = ""
                continue
            choice = q.choices[(seed + n * (i + 1)) % len(q.choices)]
            answers[q.id] = [choice] if q.type == QuestionType.MULTIPLE_CHOICE else choice
        out.append(SurveyResponse(answers=answers))
    return out


def cluster_row(
    package: Package,
    number: int,
    region: Region,
    meeting_on: date,
    respondents: int = 6,
    invited: int = 9,
    median_days: float | None = None,
) -> OrderFigures:
    results = aggregate(package.survey, cluster_answers(package, number, respondents))
    types = []
    if median_days is not None:
        types = [
            TypeFigure(certificate_type="LÆ 125", received=10, requests=12, median_days=median_days)
        ]
    return OrderFigures(
        key=BenchmarkKey(
            order_id=f"tidligere-{number}",
            cluster=cluster_key(f"Klynge {number}", region),
            round=1,
            package_id=package.id,
            region=region,
            meeting_on=meeting_on,
        ),
        survey=survey_figures(package.survey, results, invited),
        types=types,
    )
