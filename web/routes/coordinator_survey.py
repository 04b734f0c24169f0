"""The coordinator's survey page: edit the questions until the survey is sent, preview it as
a member will see it, send it now (or leave it to its planned day), follow the response rate
(counts only: who answered is never shown), close it early, or bring in the answers from
KiAP's own survey tool."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from schemas.order.commands import SurveyImport
from schemas.order.extract import MAX_BYTES
from schemas.shared.errors import DomainError, DomainErrors, StepRejected, from_validation_error
from schemas.survey.answers import parse_survey_export
from schemas.survey_round.round import SurveyForm
from schemas.views.coordinator import CoordinatorView
from web.deps import Backend, PagesDep
from web.forms import capital, form_values
from web.pages import Pages
from web.routes.coordinator_base import CoordinatorLink, coordinator_page, gone, load_view
from web.routes.survey import render_form
from web.survey_editor import TYPES, rows, template_fields, template_from

router = APIRouter()
TEMPLATE = "coordinator_survey.html"


def _page(
    request: Request,
    pages: Pages,
    view: CoordinatorView,
    token: str,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
) -> HTMLResponse:
    survey = view.survey
    values = values if values is not None else (template_fields(survey.template) if survey else {})
    numbers = rows(values)
    if survey is not None and not survey.dispatched:
        numbers.append(max(numbers, default=-1) + 1)  # an empty question to add
    return coordinator_page(
        request,
        pages,
        TEMPLATE,
        view,
        token,
        status,
        survey=survey,
        values=values,
        errors=errors or {},
        numbers=numbers,
        types=TYPES,
        done=done,
        labels={key: _label(key) for key in errors or {}},
    )


PART_LABELS = {
    "text": "spørgsmålet",
    "type": "svartype",
    "options": "svarmuligheder",
    "place": "placering",
    "id": "spørgsmålet",
    "dont_know": "ved ikke",
    "required": "skal besvares",
}


def _label(key: str) -> str:
    """'q2_options' -> 'Spørgsmål 3, svarmuligheder'."""
    if key.startswith("q") and "_" in key and key[1:].split("_", 1)[0].isdigit():
        number, _, part = key[1:].partition("_")
        return f"Spørgsmål {int(number) + 1}, {PART_LABELS.get(part, part)}"
    return {"title": "Titel", "fil": "Fil med svar"}.get(key, "")


@router.get("/k/{token}/spoergeskema", response_class=HTMLResponse)
async def survey_page(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    return _page(request, pages, await load_view(link, backend), token)


@router.get("/k/{token}/spoergeskema/vis", response_class=HTMLResponse)
async def preview(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if view.survey is None:
        return _page(request, pages, view, token)
    form = SurveyForm(
        open=True,
        dispatched=True,
        cluster=view.overview.order.cluster.name,
        template=view.survey.template,
        close_at=view.survey.close_at,
        previous=None,
    )
    return render_form(request, pages, form, {}, {}, 200, preview=True)


@router.post("/k/{token}/spoergeskema", response_class=HTMLResponse)
async def change_survey(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=200)
    action = values.pop("action", "gem")
    survey = view.survey
    if survey is None or survey.closed:
        return pages.message(
            request,
            410,
            "Spørgeskemaet er lukket",
            "Svarene er opgjort og kommer med i PowerPointen. Se dem på din side.",
            back=("Til din bestilling", f"/k/{token}"),
        )
    try:
        if action == "luk":
            accepted = await backend.surveys.close(link.target)
        elif action == "send":
            accepted = await backend.surveys.dispatch(link.target)
        else:
            if survey.dispatched:
                return pages.message(
                    request,
                    410,
                    "Spørgeskemaet er sendt",
                    "Spørgsmålene kan ikke ændres, når medlemmerne har fået deres link. Du kan "
                    "følge, hvor mange der har svaret, og lukke spørgeskemaet tidligt.",
                    back=("Til spørgeskemaet", f"/k/{token}/spoergeskema"),
                )
            try:
                template = template_from(values)
            except DomainErrors as exc:
                errors = {e.field: capital(e.message) for e in reversed(exc.errors)}
                return _page(request, pages, view, token, 422, values, errors)
            accepted = await backend.surveys.edit(link.target, template)
    except StepRejected as exc:
        return _page(request, pages, view, token, 422, values, {"top": exc.message})
    return _page(request, pages, await load_view(link, backend), token, done=accepted.message)


@router.post("/k/{token}/spoergeskema/import", response_class=HTMLResponse)
async def import_answers(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    _, _, files = await form_values(request, max_fields=4, max_files=1)
    sent: UploadFile | None = files.get("fil")
    if sent is None or not sent.filename:
        return _page(request, pages, view, token, 422, errors={"fil": "Vælg CSV-filen med svarene"})
    template = view.survey.template if view.survey else None
    if template is None:
        return _page(request, pages, view, token, 422, errors={"fil": "Spørgeskemaet er ikke klar"})
    data = await sent.read(MAX_BYTES + 1)
    try:
        responses = parse_survey_export(template, data)
        accepted = await backend.orders.survey_import(
            link.target, SurveyImport(source=sent.filename[:200], responses=responses)
        )
    except (DomainError, DomainErrors, ValidationError) as exc:
        if isinstance(exc, ValidationError):
            exc = from_validation_error(exc)
        errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
        text = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        return _page(request, pages, view, token, 422, errors={"fil": capital(text)})
    except StepRejected as exc:
        return _page(request, pages, view, token, 422, errors={"fil": exc.message})
    return _page(request, pages, await load_view(link, backend), token, done=accepted.message)
