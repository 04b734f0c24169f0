"""Survey answers and their aggregation into the results the deck shows."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from schemas.package.model import DONT_KNOW, Question, QuestionType, SurveyTemplate
from schemas.shared.errors import DomainError, DomainErrors
from schemas.shared.spreadsheet import decode_text, first_line_delimiter, read_csv_rows

MAX_FREE_TEXT = 2000
SMALL_SAMPLE = 3
Answer = str | list[str] | None


class SurveyResponse(BaseModel):
    """One respondent's answers, by question id; no name or address attached."""

    model_config = ConfigDict(frozen=True)

    answers: dict[str, Answer]


class OptionCount(BaseModel):
    option: str
    count: int
    share: float = Field(description="Share of those who answered the question, 0..1")


class QuestionResult(BaseModel):
    question_id: str
    text: str
    type: QuestionType
    answered: int
    options: list[OptionCount] = Field(default_factory=list)
    dont_know_share: float | None = None
    free_texts: list[str] = Field(default_factory=list)


class SurveyResults(BaseModel):
    respondents: int
    small_sample: bool = Field(description="Fewer than 3 respondents: show, but flag")
    questions: list[QuestionResult]


def check_response(template: SurveyTemplate, response: SurveyResponse, where: str) -> None:
    """Refuse answers to unknown questions, unknown options, missing required ones."""
    by_id = {q.id: q for q in template.questions}
    problems: list[DomainError] = []
    for qid in response.answers:
        if qid not in by_id:
            problems.append(DomainError(f"{where}.{qid}", "ukendt spørgsmål – fjern kolonnen"))
    for question in template.questions:
        value = response.answers.get(question.id)
        field = f"{where}.{question.id}"
        empty = value is None or value == "" or value == []
        if empty:
            if question.required:
                problems.append(DomainError(field, "mangler svar på et obligatorisk spørgsmål"))
            continue
        if question.type == QuestionType.FREE_TEXT:
            if not isinstance(value, str) or len(value) > MAX_FREE_TEXT:
                problems.append(DomainError(field, f"fritekst på højst {MAX_FREE_TEXT} tegn"))
            continue
        chosen = value if isinstance(value, list) else [value]
        if question.type != QuestionType.MULTIPLE_CHOICE and len(chosen) != 1:
            problems.append(DomainError(field, "vælg præcis én svarmulighed"))
        unknown = [c for c in chosen if c not in question.choices]
        if unknown:
            problems.append(
                DomainError(
                    field,
                    f"'{unknown[0]}' er ikke en svarmulighed; brug en af: "
                    + " / ".join(question.choices),
                )
            )
    if problems:
        raise DomainErrors(problems)


def _answered(value: Answer) -> bool:
    return not (value is None or value == "" or value == [])


def question_result(
    question: Question, answered: int, counts: dict[str, int], free_texts: list[str]
) -> QuestionResult:
    """One question's result from its counts; shares are of those who answered it."""
    if question.type == QuestionType.FREE_TEXT:
        return QuestionResult(
            question_id=question.id,
            text=question.text,
            type=question.type,
            answered=answered,
            free_texts=sorted(free_texts),
        )

    def share(count: int) -> float:
        return count / answered if answered else 0.0

    return QuestionResult(
        question_id=question.id,
        text=question.text,
        type=question.type,
        answered=answered,
        options=[
            OptionCount(option=o, count=counts.get(o, 0), share=share(counts.get(o, 0)))
            for o in question.choices
        ],
        dont_know_share=share(counts.get(DONT_KNOW, 0)) if question.dont_know else None,
    )


def results_of(questions: list[QuestionResult], respondents: int) -> SurveyResults:
    return SurveyResults(
        respondents=respondents, small_sample=respondents < SMALL_SAMPLE, questions=questions
    )


def aggregate(template: SurveyTemplate, responses: list[SurveyResponse]) -> SurveyResults:
    """Counts and shares per option, 'Ved ikke' separately; free texts sorted, no names."""
    results: list[QuestionResult] = []
    for question in template.questions:
        given = [v for v in (r.answers.get(question.id) for r in responses) if _answered(v)]
        counts: dict[str, int] = {}
        for value in given:
            for choice in value if isinstance(value, list) else [value]:
                counts[str(choice)] = counts.get(str(choice), 0) + 1
        texts = [" ".join(str(v).split()) for v in given]
        results.append(question_result(question, len(given), counts, texts))
    return results_of(results, len(responses))


def _key(text: str) -> str:
    text = re.sub(r"^\s*(spørgsmål\s*)?\d+\s*[.):]\s*", "", text.strip().lower())
    return re.sub(r"[^\wæøå]+", " ", text).strip()


def _match_columns(template: SurveyTemplate, header: list[str]) -> dict[int, Question]:
    wanted = {}
    for question in template.questions:
        wanted[question.id.lower()] = question
        wanted[_key(question.text)] = question
    mapping: dict[int, Question] = {}
    for index, cell in enumerate(header):
        found = wanted.get(cell.strip().lower()) or wanted.get(_key(cell))
        if found is not None:
            mapping[index] = found
    return mapping


def parse_survey_export(template: SurveyTemplate, data: bytes) -> list[SurveyResponse]:
    """Responses from the survey tool's CSV export: one row per respondent, a column per
    question (its id or its text), several choices in one cell separated by '|'.

    Columns that are not questions (time stamp, respondent number) are ignored; answers
    are checked against the template and every problem is reported with its row.
    """
    text = decode_text(data)
    if not text.strip():
        raise DomainError("file", "filen er tom – eksportér svarene som CSV igen")
    delimiter = first_line_delimiter(text)
    rows = [r for r in read_csv_rows(text, delimiter, "file") if any(c.strip() for c in r)]
    if not rows:
        raise DomainError("file", "filen er tom – eksportér svarene som CSV igen")
    mapping = _match_columns(template, rows[0])
    missing = [q for q in template.questions if q not in mapping.values()]
    if not mapping or any(q.required for q in missing):
        names = ", ".join(q.id for q in missing) or "alle"
        raise DomainError(
            "file",
            f"kolonner for spørgsmålene mangler: {names} – overskriften skal være"
            " spørgsmålets id eller tekst",
        )
    responses: list[SurveyResponse] = []
    problems: list[DomainError] = []
    for row_number, row in enumerate(rows[1:], start=2):
        answers: dict[str, Answer] = {}
        for index, question in mapping.items():
            cell = row[index].strip() if index < len(row) else ""
            if not cell:
                answers[question.id] = None
            elif question.type == QuestionType.MULTIPLE_CHOICE:
                answers[question.id] = [part.strip() for part in cell.split("|") if part.strip()]
            else:
                answers[question.id] = cell
        response = SurveyResponse(answers=answers)
        try:
            check_response(template, response, f"række {row_number}")
        except DomainErrors as exc:
            problems.extend(exc.errors)
            continue
        responses.append(response)
    if problems:
        raise DomainErrors(problems)
    if not responses:
        raise DomainError("file", "filen har ingen besvarelser under overskriften")
    return responses
