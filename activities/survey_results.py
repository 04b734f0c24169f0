"""The aggregation activity: answers → counts and shares per option, with pandas."""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel
from temporalio import activity

from schemas.catalog import DONT_KNOW, QuestionType, SurveyTemplate
from schemas.survey import (
    SMALL_SAMPLE,
    OptionCount,
    QuestionResult,
    SurveyResponse,
    SurveyResults,
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
        answered = int(rows["respondent"].nunique())
        if question.type == QuestionType.FREE_TEXT:
            texts = sorted(" ".join(str(c).split()) for c in rows["choice"])
            results.append(
                QuestionResult(
                    question_id=question.id,
                    text=question.text,
                    type=question.type,
                    answered=answered,
                    free_texts=texts,
                )
            )
            continue
        counts = rows["choice"].value_counts()
        options = [
            OptionCount(
                option=o,
                count=int(counts.get(o, 0)),
                share=float(counts.get(o, 0)) / answered if answered else 0.0,
            )
            for o in question.choices
        ]
        dont_know = None
        if question.dont_know:
            dont_know = float(counts.get(DONT_KNOW, 0)) / answered if answered else 0.0
        results.append(
            QuestionResult(
                question_id=question.id,
                text=question.text,
                type=question.type,
                answered=answered,
                options=options,
                dont_know_share=dont_know,
            )
        )
    return SurveyResults(
        respondents=len(responses), small_sample=len(responses) < SMALL_SAMPLE, questions=results
    )


@activity.defn(name="aggregate_answers")
def aggregate_answers(request: AggregateRequest) -> SurveyResults:
    return aggregate_with_pandas(request.template, request.responses)
