"""The aggregation activity: answers → counts and shares per option, with pandas."""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel
from temporalio import activity

from schemas.package.model import SurveyTemplate
from schemas.survey.answers import (
    QuestionResult,
    SurveyResponse,
    SurveyResults,
    question_result,
    results_of,
)


class AggregateRequest(BaseModel):
    template: SurveyTemplate
    responses: list[SurveyResponse]


def aggregate_with_pandas(
    template: SurveyTemplate, responses: list[SurveyResponse]
) -> SurveyResults:
    """One row per (respondent, question, choice); shares are of those who answered."""
    records = [
        {"respondent": n, "question": qid, "choice": choice}
        for n, response in enumerate(responses)
        for qid, value in response.answers.items()
        if value not in (None, "", [])
        for choice in (value if isinstance(value, list) else [value])
    ]
    frame = pd.DataFrame(records, columns=["respondent", "question", "choice"])
    results: list[QuestionResult] = []
    for question in template.questions:
        rows = frame[frame["question"] == question.id]
        counts = {str(k): int(v) for k, v in rows["choice"].value_counts().items()}
        texts = [" ".join(str(c).split()) for c in rows["choice"]]
        results.append(question_result(question, int(rows["respondent"].nunique()), counts, texts))
    return results_of(results, len(responses))


@activity.defn(name="aggregate_answers")
def aggregate_answers(request: AggregateRequest) -> SurveyResults:
    return aggregate_with_pandas(request.template, request.responses)
