"""The survey form: GET shows a member their questions, POST sends the answers to the round
as a validated Temporal Update and shows its result. No JavaScript; Danish; bounded input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from cachetools import TTLCache
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from activities.extract_file import MAX_BYTES
from activities.survey_links import LinkSigner
from klyngepakke.client import StepRejected
from schemas.catalog import QuestionType, SurveyTemplate
from schemas.commands import StepAccepted
from schemas.danish_format import date_long
from schemas.errors import DomainErrors
from schemas.survey import MAX_FREE_TEXT, SurveyResponse, check_response
from schemas.survey_round import SurveyForm
from web.minutes import MinutesBackend, add_minutes_routes
from web.pages import Pages
from web.rate_limit import RateLimits, RequestLimiter
from web.upload import UploadBackend, add_upload_routes

HERE = Path(__file__).resolve().parent
MAX_BODY = 32 * 1024
# The extract may be up to 2 MB; the multipart envelope adds a little.
MAX_UPLOAD_BODY = MAX_BYTES + 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The token is in the path: never hand it to another site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class SurveyBackend(UploadBackend, MinutesBackend, Protocol):
    """What the web app asks of Temporal (klyngepakke.client.OrdersClient in production)."""

    async def survey_form(self, workflow_id: str, member: int) -> SurveyForm | None: ...

    async def survey_answer(
        self, workflow_id: str, member: int, response: SurveyResponse
    ) -> StepAccepted: ...


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
        messages.setdefault(qid, error.message[:1].upper() + error.message[1:])
    return messages


def create_app(
    backend: Callable[[], Awaitable[SurveyBackend]],
    signer: LinkSigner,
    limits: RateLimits | None = None,
) -> FastAPI:
    app = FastAPI(title="klyngepakke – spørgeskema", docs_url=None, redoc_url=None)
    limiter = RequestLimiter(limits or RateLimits())
    # A sent round's questions no longer change: an answer is checked against the questions
    # read when the member opened the page, not a fresh query per submission. Whether the
    # round is still open is the Update's to say.
    sent_forms: TTLCache[str, SurveyForm] = TTLCache(maxsize=2000, ttl=600)
    pages = Pages()
    page, message, unknown_link = pages.page, pages.message, pages.unknown_link

    def closed(request: Request) -> HTMLResponse:
        return message(
            request,
            410,
            "Spørgeskemaet er lukket",
            "Der kan ikke længere svares. Tak for din interesse – resultaterne "
            "vises på klyngemødet.",
        )

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length")
        limit = MAX_UPLOAD_BODY if request.url.path.startswith("/u/") else MAX_BODY
        response: Response
        address = request.client.host if request.client else "unknown"
        wait = (
            None
            if request.url.path == "/healthz"
            else limiter.retry_after(address, request.url.path, request.method)
        )
        if wait is not None:
            response = PlainTextResponse(
                f"For mange forespørgsler på kort tid. Prøv igen om {wait} sekunder.",
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        elif request.method == "POST" and declared is None:
            # Without a declared length the body could be any size: ask for one.
            response = PlainTextResponse("Forespørgslen mangler sin længde.", status_code=411)
        elif declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = PlainTextResponse("For stor forespørgsel.", status_code=413)
        else:
            try:
                response = await call_next(request)
            except Exception:  # the round or Temporal unreachable: no stack trace, no 500
                response = PlainTextResponse(
                    "Spørgeskemaet kan ikke nås lige nu. Dit svar er ikke gemt – prøv igen om "
                    "lidt.",
                    status_code=503,
                )
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return unknown_link(request)
        return PlainTextResponse("Forespørgslen kan ikke behandles.", status_code=exc.status_code)

    @app.get("/static/form.css")
    async def stylesheet() -> FileResponse:
        return FileResponse(HERE / "form.css", media_type="text/css")

    @app.get("/healthz")
    async def health() -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def _open_form(
        request: Request, token: str
    ) -> tuple[str, int, SurveyForm] | HTMLResponse:
        """The round, member and form behind a link – or the page to show instead."""
        identity = signer.verify(token)
        if identity is None:
            return unknown_link(request)
        round_id, member = identity
        form = await (await backend()).survey_form(round_id, member)
        if form is None or not form.dispatched:
            return unknown_link(request)
        if not form.open:
            return closed(request)
        sent_forms[round_id] = form.model_copy(update={"previous": None})
        return round_id, member, form

    def _render_form(
        request: Request,
        form: SurveyForm,
        answers: dict[str, Any],
        errors: dict[str, str],
        status: int,
    ) -> HTMLResponse:
        return page(
            request,
            "form.html",
            status,
            form=form,
            answers=answers,
            errors=errors,
            close_at=date_long(form.close_at),
            max_text=MAX_FREE_TEXT,
        )

    @app.get("/s/{token}", response_class=HTMLResponse)
    async def show(request: Request, token: str) -> HTMLResponse:
        opened = await _open_form(request, token)
        if isinstance(opened, HTMLResponse):
            return opened
        _, _, form = opened
        previous = form.previous.answers if form.previous else {}
        return _render_form(request, form, previous, {}, 200)

    @app.post("/s/{token}", response_class=HTMLResponse)
    async def submit(request: Request, token: str) -> HTMLResponse:
        identity = signer.verify(token)
        cached = sent_forms.get(identity[0]) if identity else None
        if identity is not None and cached is not None:
            (round_id, member), form = identity, cached
        else:
            opened = await _open_form(request, token)
            if isinstance(opened, HTMLResponse):
                return opened
            round_id, member, form = opened
        raw = await request.form()
        fields = {key: [str(v) for v in raw.getlist(key)] for key in raw}
        response = response_from_form(form.template, fields)
        try:
            check_response(form.template, response, "svar")
        except DomainErrors as exc:
            return _render_form(request, form, response.answers, _field_errors(exc), 422)
        try:
            accepted = await (await backend()).survey_answer(round_id, member, response)
        except StepRejected as exc:
            if "lukket" in exc.message:
                return closed(request)
            return message(request, 422, "Svaret blev ikke gemt", exc.message)
        return message(request, 200, "Tak for dit svar", accepted.message)

    add_upload_routes(app, backend, signer, pages)
    add_minutes_routes(app, backend, signer, pages)
    return app
