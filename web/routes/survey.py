"""A member's survey form: GET shows the questions, POST sends the answers to the round as a
validated Temporal Update and shows its result. No JavaScript; Danish; bounded input."""

from __future__ import annotations

from typing import Annotated, Any

from cachetools import TTLCache
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from schemas.package.model import QuestionType, SurveyTemplate
from schemas.shared.errors import DomainErrors, StepRejected
from schemas.shared.links import SURVEY
from schemas.survey.answers import MAX_FREE_TEXT, SurveyResponse, check_response
from schemas.survey_round.round import SurveyForm
from web.backend import Backend as BackendPort
from web.deps import Backend, Link, PagesDep, UnknownLink, of_this_run, signed
from web.forms import capital, form_values
from web.pages import Pages

router = APIRouter()
MemberLink = Annotated[Link, Depends(signed(SURVEY))]
# A sent round's questions no longer change: an answer is checked against the questions read
# when the member opened the page, not a fresh query per submission. Whether the round is
# still open is the Update's to say.
_sent_forms: TTLCache[str, SurveyForm] = TTLCache(maxsize=2000, ttl=600)


def response_from_form(template: SurveyTemplate, fields: dict[str, list[str]]) -> SurveyResponse:
    answers: dict[str, str | list[str] | None] = {}
    for question in template.questions:
        values = [v.strip() for v in fields.get(f"q_{question.id}", []) if v.strip()]
        if question.type == QuestionType.MULTIPLE_CHOICE:
            answers[question.id] = values
        elif question.type == QuestionType.FREE_TEXT:
            answers[question.id] = values[0] if values else None
        else:
            answers[question.id] = values[0] if len(values) == 1 else (values or None)
    return SurveyResponse(answers=answers)


def _field_errors(exc: DomainErrors) -> dict[str, str]:
    messages: dict[str, str] = {}
    for error in exc.errors:
        qid = error.field.rsplit(".", 1)[-1]
        messages.setdefault(qid, capital(error.message))
    return messages


def closed(request: Request, pages: Pages) -> HTMLResponse:
    return pages.message(
        request,
        410,
        "Spørgeskemaet er lukket",
        "Der kan ikke længere svares. Tak for din interesse – resultaterne vises på klyngemødet.",
    )


async def _open_form(
    request: Request, link: Link, backend: BackendPort, pages: Pages
) -> SurveyForm | HTMLResponse:
    form: SurveyForm | None = await backend.surveys.form(link.target, link.number)
    if form is not None:
        of_this_run(link, form.run)
    if form is None or not form.dispatched:
        raise UnknownLink()
    if form.member_left:
        return pages.message(
            request,
            410,
            "Du er ikke længere på listen",
            "Koordinatoren har taget dig af klyngens medlemsliste for dette møde, så dit svar "
            "kommer ikke med. Kontakt koordinatoren, hvis det er en fejl.",
        )
    if not form.open:
        return closed(request, pages)
    _sent_forms[link.target] = form.model_copy(update={"previous": None})
    return form


def render_form(
    request: Request,
    pages: Pages,
    form: SurveyForm,
    answers: dict[str, Any],
    errors: dict[str, str],
    status: int,
    preview: bool = False,
) -> HTMLResponse:
    return pages.page(
        request,
        "form.html",
        status,
        form=form,
        answers=answers,
        errors=errors,
        max_text=MAX_FREE_TEXT,
        preview=preview,
    )


@router.get("/s/{token}", response_class=HTMLResponse)
async def show(request: Request, link: MemberLink, backend: Backend, pages: PagesDep) -> Any:
    opened = await _open_form(request, link, backend, pages)
    if isinstance(opened, HTMLResponse):
        return opened
    previous = opened.previous.answers if opened.previous else {}
    return render_form(request, pages, opened, previous, {}, 200)


@router.post("/s/{token}", response_class=HTMLResponse)
async def submit(request: Request, link: MemberLink, backend: Backend, pages: PagesDep) -> Any:
    form = _sent_forms.get(link.target)
    if form is None:
        opened = await _open_form(request, link, backend, pages)
        if isinstance(opened, HTMLResponse):
            return opened
        form = opened
    of_this_run(link, form.run)
    _, fields, _ = await form_values(request)
    response = response_from_form(form.template, fields)
    try:
        check_response(form.template, response, "svar")
    except DomainErrors as exc:
        return render_form(request, pages, form, response.answers, _field_errors(exc), 422)
    try:
        accepted = await backend.surveys.answer(link.target, link.number, response)
    except StepRejected as exc:
        if exc.closed:
            return closed(request, pages)
        return pages.message(request, 422, "Svaret blev ikke gemt", exc.message)
    return pages.message(request, 200, "Tak for dit svar", accepted.message)
