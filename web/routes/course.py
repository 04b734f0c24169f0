"""A course teacher's page (``/c/<token>``, in every mail to the teachers): the checklist
with each task's state, ticking a task done, the participant list, and the notes taken during
the course (good examples among them go into the follow-up mail)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from schemas.course.commands import CourseNoteCommand, ParticipantsCommand
from schemas.course.participants import parse_participants
from schemas.course.status import CourseStatus
from schemas.order.extract import MAX_BYTES
from schemas.shared.errors import DomainError, DomainErrors, StepRejected
from schemas.shared.links import COURSE
from web.backend import Backend as BackendPort
from web.deps import Backend, Link, PagesDep, UnknownLink, of_this_run, signed
from web.forms import capital, form_values
from web.pages import Pages

router = APIRouter()
CourseLink = Annotated[Link, Depends(signed(COURSE))]
STATES = {"open": "Åben", "done": "Udført", "not_done": "Ikke udført"}
WHO = {"jobcenter": "Jobcenteret", "praksiskonsulent": "Praksiskonsulenten", "begge": "Begge"}


async def _status(link: Link, backend: BackendPort) -> CourseStatus:
    status: CourseStatus | None = await backend.courses.page(link.target)
    if status is not None:
        of_this_run(link, status.run)
    if status is None:
        raise UnknownLink()
    return status


def _page(
    request: Request,
    pages: Pages,
    status: CourseStatus,
    code: int = 200,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    return pages.page(
        request,
        "course.html",
        code,
        course=status,
        states=STATES,
        who=WHO,
        done=done,
        errors=errors or {},
        values=values or {},
    )


@router.get("/c/{token}", response_class=HTMLResponse)
async def course_page(request: Request, link: CourseLink, backend: Backend, pages: PagesDep) -> Any:
    return _page(request, pages, await _status(link, backend))


@router.post("/c/{token}", response_class=HTMLResponse)
async def course_action(
    request: Request, link: CourseLink, backend: Backend, pages: PagesDep
) -> Any:
    status = await _status(link, backend)
    if status.status != "active":
        return pages.message(
            request,
            410,
            "Kurset er afsluttet",
            "Tjeklisten er lukket; det, der ikke blev gjort, står i afslutningsmailen.",
        )
    values, _, files = await form_values(request, max_fields=6, max_files=1)
    action = values.get("action", "")
    try:
        if action == "opgave":
            accepted = await backend.courses.task_done(link.target, values.get("task", ""))
        elif action == "note":
            try:
                note = CourseNoteCommand(
                    text=values.get("text", "").strip(),
                    good_example=values.get("good_example") == "ja",
                )
            except ValidationError:
                return _page(
                    request,
                    pages,
                    status,
                    422,
                    errors={"text": "Skriv noten (højst 2000 tegn)"},
                    values=values,
                )
            accepted = await backend.courses.note(link.target, note)
        elif action == "deltagere":
            sent = files.get("fil")
            if sent is None or not sent.filename:
                return _page(request, pages, status, 422, errors={"fil": "Vælg deltagerlisten"})
            data = await sent.read(MAX_BYTES + 1)
            try:
                people = parse_participants(data, sent.filename)
                cmd = ParticipantsCommand(participants=people)
            except (DomainError, DomainErrors, ValidationError) as exc:
                first = exc.errors[0] if isinstance(exc, DomainErrors) else exc
                text = first.message if isinstance(first, DomainError) else str(first)
                return _page(request, pages, status, 422, errors={"fil": capital(text)})
            accepted = await backend.courses.participants(link.target, cmd)
        else:
            raise UnknownLink()
    except StepRejected as exc:
        return _page(request, pages, status, 422, errors={"top": exc.message}, values=values)
    return _page(request, pages, await _status(link, backend), done=accepted.message)
