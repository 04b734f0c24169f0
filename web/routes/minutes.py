"""The coordinator's minutes page: a signed link from the checklist mail (and from the
coordinator's page), one form with the minute-taker, the participants, up to eight agreements
and the follow-up the cluster chose. The minutes go to the order as the validated Update
``meeting_record``; a refusal keeps everything typed and names the field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from schemas.order.commands import MeetingRecord
from schemas.order.minutes import Minutes
from schemas.order.status import MinutesPage
from schemas.shared.errors import DomainErrors, StepRejected, from_validation_error
from schemas.shared.links import MINUTES
from web.backend import Backend as BackendPort
from web.deps import Backend, Link, PagesDep, UnknownLink, of_this_run, signed
from web.forms import capital, form_values
from web.pages import Pages

router = APIRouter()
MinutesLink = Annotated[Link, Depends(signed(MINUTES))]
AGREEMENT_ROWS = 8
_AGREEMENT_FIELDS = ("text", "owner", "owner_email", "due")
_CHOICES = ("board_meeting", "klu", "repeat_survey", "new_extract")
FIELD_NAMES = {
    "minute_taker": "Referent",
    "participants": "Antal deltagere",
    "contact_person": "Kontaktperson",
    "follow_up_meeting": "Opfølgende klyngemøde",
    "text": "Hvad er aftalt",
    "owner": "Ansvarlig",
    "owner_email": "Ansvarliges e-mail",
    "due": "Frist",
}


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


def _form_fields() -> set[str]:
    agreement_fields = {f"a{r}_{k}" for r in range(AGREEMENT_ROWS) for k in _AGREEMENT_FIELDS}
    return (
        {"minute_taker", "participants", "contact_person", "follow_up_meeting"}
        | set(_CHOICES)
        | agreement_fields
    )


def label_of(key: str) -> str:
    """The Danish name of a form field, for the error summary: 'Aftale 2: Frist'."""
    if key[:1] == "a" and "_" in key and key[1:2].isdigit():
        row, _, field = key[1:].partition("_")
        return f"Aftale {int(row) + 1}: {FIELD_NAMES.get(field, field)}"
    return FIELD_NAMES.get(key, key)


def _field_messages(exc: DomainErrors, rows: list[int]) -> dict[str, str]:
    messages: dict[str, str] = {}
    for error in exc.errors:
        messages.setdefault(_form_key(error.field, rows), capital(error.message))
    return messages


async def _open(request: Request, link: Link, backend: BackendPort, pages: Pages) -> Any:
    page: MinutesPage | None = await backend.orders.minutes_page(link.target)
    if page is not None:
        of_this_run(link, page.run)
    if page is None:
        raise UnknownLink()
    if page.recorded:
        return pages.message(
            request,
            410,
            "Referatet er registreret",
            "Referatet fra klyngemødet er allerede registreret. Aftalerne kan følges og markeres"
            " som udført fra linket i påmindelserne. Kontakt KiAP, hvis der skal rettes i"
            " referatet.",
        )
    return page


def _form(
    request: Request,
    pages: Pages,
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
        values=values,
        errors=errors,
        labels={key: label_of(key) for key in errors},
        message=message,
        rows=range(AGREEMENT_ROWS),
    )


@router.get("/m/{token}", response_class=HTMLResponse)
async def minutes_form(
    request: Request, link: MinutesLink, backend: Backend, pages: PagesDep
) -> Any:
    opened = await _open(request, link, backend, pages)
    if isinstance(opened, HTMLResponse):
        return opened
    return _form(request, pages, opened, 200, {}, {})


@router.post("/m/{token}", response_class=HTMLResponse)
async def record(request: Request, link: MinutesLink, backend: Backend, pages: PagesDep) -> Any:
    opened = await _open(request, link, backend, pages)
    if isinstance(opened, HTMLResponse):
        return opened
    page = opened
    values, _, _ = await form_values(request, max_fields=60)
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
        return _form(request, pages, page, 422, values, _field_messages(problems, rows))
    try:
        accepted = await backend.orders.meeting_record(link.target, MeetingRecord(minutes=minutes))
    except StepRejected as exc:
        field, _, text = exc.message.partition(": ")
        key = _form_key(field, rows) if text else ""
        if key in _form_fields():
            return _form(request, pages, page, 422, values, {key: capital(text)})
        return _form(request, pages, page, 422, values, {}, exc.message)
    return pages.message(request, 200, "Referatet er registreret", accepted.message)
