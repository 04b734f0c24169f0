"""The coordinator's minutes page: a signed link from the checklist mail, one form with the
minute-taker, the participants, up to eight agreements and the follow-up the cluster chose.
The minutes go to the order as the validated Update ``meeting_record``; a refusal keeps
everything typed and names the field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from activities.survey_links import MINUTES, LinkSigner
from klyngepakke.client import StepRejected
from schemas.commands import MeetingRecord, StepAccepted
from schemas.danish_format import datetime_long
from schemas.errors import DomainErrors, from_validation_error
from schemas.minutes import Minutes
from schemas.state import MinutesPage
from web.pages import Pages

AGREEMENT_ROWS = 8
_AGREEMENT_FIELDS = ("text", "owner", "owner_email", "due")
_CHOICES = ("board_meeting", "klu", "repeat_survey", "new_extract")


class MinutesBackend(Protocol):
    async def minutes_page(self, order_id: str) -> MinutesPage | None: ...

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted: ...


def minutes_from_form(fields: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the minutes file has them; empty agreement rows are left out."""
    agreements = []
    for row in range(AGREEMENT_ROWS):
        values = {k: fields.get(f"a{row}_{k}", "").strip() for k in _AGREEMENT_FIELDS}
        if any(values.values()):
            agreements.append({k: v for k, v in values.items() if v or k != "owner_email"})
    follow_up: dict[str, Any] = {k: fields.get(k) == "ja" for k in _CHOICES}
    follow_up["contact_person"] = fields.get("contact_person", "").strip() or None
    follow_up["follow_up_meeting"] = fields.get("follow_up_meeting", "").strip() or None
    return {
        "minute_taker": fields.get("minute_taker", "").strip(),
        "participants": fields.get("participants", "").strip() or None,
        "agreements": agreements,
        "follow_up": follow_up,
    }


def _form_key(field: str, rows: list[int]) -> str:
    """'agreements[1].due' -> 'a<row>_due' for the row the person typed it in."""
    if field.startswith("agreements["):
        index, _, rest = field.removeprefix("agreements[").partition("]")
        if index.isdigit() and int(index) < len(rows):
            return f"a{rows[int(index)]}_{rest.lstrip('.') or 'text'}"
    return field.removeprefix("follow_up.")


def add_minutes_routes(
    app: FastAPI,
    backend: Callable[[], Awaitable[MinutesBackend]],
    signer: LinkSigner,
    pages: Pages,
) -> None:
    async def _open(request: Request, token: str) -> tuple[str, MinutesPage] | HTMLResponse:
        target = signer.verify(token, MINUTES)
        if target is None:
            return pages.unknown_link(request)
        order_id, _ = target
        page = await (await backend()).minutes_page(order_id)
        if page is None:
            return pages.unknown_link(request)
        if page.recorded:
            return pages.message(
                request,
                410,
                "Referatet er registreret",
                "Referatet fra klyngemødet er allerede registreret. Kontakt KiAP, hvis der skal "
                "rettes i det.",
            )
        return order_id, page

    def _form(
        request: Request,
        page: MinutesPage,
        status: int,
        values: dict[str, str],
        errors: dict[str, str],
        message: str = "",
    ) -> HTMLResponse:
        return pages.page(
            request,
            "minutes.html",
            status,
            page=page,
            meeting=datetime_long(page.meeting),
            values=values,
            errors=errors,
            message=message,
            rows=range(AGREEMENT_ROWS),
        )

    @app.get("/m/{token}", response_class=HTMLResponse)
    async def minutes_form(request: Request, token: str) -> HTMLResponse:
        opened = await _open(request, token)
        if isinstance(opened, HTMLResponse):
            return opened
        return _form(request, opened[1], 200, {}, {})

    @app.post("/m/{token}", response_class=HTMLResponse)
    async def record(request: Request, token: str) -> HTMLResponse:
        opened = await _open(request, token)
        if isinstance(opened, HTMLResponse):
            return opened
        order_id, page = opened
        raw = await request.form(max_files=0, max_fields=60)
        values = {key: str(value)[:2000] for key, value in raw.items()}
        data = minutes_from_form(values)
        rows = [
            r
            for r in range(AGREEMENT_ROWS)
            if any(values.get(f"a{r}_{k}", "").strip() for k in _AGREEMENT_FIELDS)
        ]
        try:
            minutes = Minutes.model_validate(data)
        except ValidationError as exc:
            problems = from_validation_error(exc)
            return _form(request, page, 422, values, _field_messages(problems, rows))
        try:
            accepted = await (await backend()).meeting_record(
                order_id, MeetingRecord(minutes=minutes)
            )
        except StepRejected as exc:
            field, _, text = exc.message.partition(": ")
            key = _form_key(field, rows) if text else ""
            if key in _form_fields():
                return _form(request, page, 422, values, {key: text[:1].upper() + text[1:]})
            return _form(request, page, 422, values, {}, exc.message)
        return pages.message(request, 200, "Referatet er registreret", accepted.message)


def _form_fields() -> set[str]:
    agreement_fields = {f"a{r}_{k}" for r in range(AGREEMENT_ROWS) for k in _AGREEMENT_FIELDS}
    return (
        {"minute_taker", "participants", "contact_person", "follow_up_meeting"}
        | set(_CHOICES)
        | agreement_fields
    )


def _field_messages(exc: DomainErrors, rows: list[int]) -> dict[str, str]:
    messages: dict[str, str] = {}
    for error in exc.errors:
        messages.setdefault(
            _form_key(error.field, rows), error.message[:1].upper() + error.message[1:]
        )
    return messages
