"""The coordinator's page of an order (``/k/<token>``, the signed link in every mail to the
coordinator): where the order stands and what comes next, the documents, the members, the
agreements, rescheduling and cancelling. The survey and the pre-meeting have pages of their
own (coordinator_survey.py, coordinator_premeeting.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from schemas.order.commands import (
    AgreementDoneCommand,
    BenchmarkConsent,
    Cancel,
    MembersChange,
    Reschedule,
)
from schemas.package.process import PartnerTexts
from schemas.shared.errors import DomainError, DomainErrors, StepRejected, from_validation_error
from schemas.shared.member_list import parse_member_lines
from schemas.views.coordinator import STATE_DA, CoordinatorView
from web.config import WebConfig
from web.deps import Backend, ConfigDep, Link, PagesDep, UnknownLink
from web.forms import capital, form_values
from web.routes.coordinator_base import (
    BY_COORDINATOR,
    CoordinatorLink,
    coordinator_page,
    gone,
    load_view,
)

router = APIRouter()
DOCUMENTS = {
    "deck": "PowerPoint til klyngemødet",
    "handouts": "Uddelingskopi til deltagerne",
    "practice_sheet": "Praksisark",
    "partner_guide": "Drejebog til samarbejdspartneren",
    "extract_template": "Skabelon til datatrækket",
    "meeting_summary": "Opsummering af mødet",
}


def document_label(kind: str, partner: PartnerTexts | None) -> str:
    """What the page calls a document; the partner's documents name the package's partner."""
    if partner is not None and kind == "partner_guide":
        return f"Drejebog til {partner.definite}"
    if partner is not None and kind == "extract_template":
        return f"Skabelon til {partner.of} datatræk"
    return DOCUMENTS[kind]


@router.get("/k/{token}", response_class=HTMLResponse)
async def overview(
    request: Request,
    token: str,
    link: CoordinatorLink,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    view = await load_view(link, backend)
    return coordinator_page(
        request, pages, "coordinator.html", view, token, **_overview(view, link, config)
    )


def _overview(view: CoordinatorView, link: Link, config: WebConfig) -> dict[str, Any]:
    """What the overview shows beside the view: the documents, the minutes' and the
    cluster's links."""
    documents = [
        (document_label(a.kind, view.overview.partner), a)
        for a in view.overview.status.artifacts
        if a.kind in DOCUMENTS
    ]
    cluster = view.overview.cluster_id
    return {
        "states": STATE_DA,
        "documents": documents,
        "minutes_link": config.signer.minutes_link("", link.target, view.overview.status.run),
        "cluster_link": config.signer.cluster_link("", cluster) if cluster else None,
    }


@router.get("/k/{token}/dokumenter/{name}")
async def download(
    token: str, name: str, link: CoordinatorLink, backend: Backend, config: ConfigDep
) -> Response:
    view = await load_view(link, backend)
    listed = {a.name for a in view.overview.status.artifacts if a.kind in DOCUMENTS}
    store = config.artifacts
    found = store.named(link.target, name) if name in listed and store is not None else None
    if found is None:
        raise UnknownLink()
    ref, data = found
    return Response(
        data,
        media_type=ref.media_type,
        headers={"Content-Disposition": f'attachment; filename="{ref.name}"'},
    )


@router.get("/k/{token}/medlemmer", response_class=HTMLResponse)
async def members(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    return coordinator_page(request, pages, "coordinator_members.html", view, token, errors={})


@router.post("/k/{token}/medlemmer", response_class=HTMLResponse)
async def change_members(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=10)
    errors: dict[str, str] = {}
    try:
        if "remove" in values:
            change = MembersChange(remove=[values["remove"]])
        else:
            line = ";".join(values.get(k, "").strip() for k in ("name", "email", "ydernummer"))
            change = MembersChange(add=parse_member_lines(line))
    except (DomainError, DomainErrors, ValidationError) as exc:
        errors["new"] = capital(_first_message(exc))
        return coordinator_page(
            request,
            pages,
            "coordinator_members.html",
            view,
            token,
            422,
            errors=errors,
            values=values,
        )
    try:
        accepted = await backend.orders.change_members(link.target, change)
    except StepRejected as exc:
        return _refused(request, pages, view, token, exc, "coordinator_members.html", values)
    view = await load_view(link, backend)
    return coordinator_page(
        request,
        pages,
        "coordinator_members.html",
        view,
        token,
        errors={},
        done=accepted.message,
    )


@router.get("/k/{token}/aftaler", response_class=HTMLResponse)
async def agreements(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    return coordinator_page(request, pages, "coordinator_agreements.html", view, token)


@router.post("/k/{token}/aftaler", response_class=HTMLResponse)
async def agreement_done(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=4)
    number = values.get("number", "")
    if not number.isdigit():
        raise UnknownLink()
    try:
        accepted = await backend.orders.agreement_done(
            link.target, AgreementDoneCommand(number=int(number), by=BY_COORDINATOR)
        )
    except (StepRejected, ValidationError) as exc:
        return _refused(request, pages, view, token, exc, "coordinator_agreements.html", values)
    view = await load_view(link, backend)
    return coordinator_page(
        request, pages, "coordinator_agreements.html", view, token, done=accepted.message
    )


@router.post("/k/{token}/landstal", response_class=HTMLResponse)
async def benchmark_consent(
    request: Request,
    token: str,
    link: CoordinatorLink,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    """ "Vores tal må ikke indgå i landstal", or that they may again (the overview's button)."""
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=2)
    choice = values.get("landstal", "")
    if choice not in ("fravalgt", "tilvalgt"):
        raise UnknownLink()
    try:
        accepted = await backend.orders.benchmark_consent(
            link.target, BenchmarkConsent(opted_out=choice == "fravalgt")
        )
    except StepRejected as exc:
        return coordinator_page(
            request,
            pages,
            "coordinator.html",
            view,
            token,
            409,
            refused=exc.message,
            **_overview(view, link, config),
        )
    view = await load_view(link, backend)
    return coordinator_page(
        request,
        pages,
        "coordinator.html",
        view,
        token,
        done=accepted.message,
        **_overview(view, link, config),
    )


@router.get("/k/{token}/flyt", response_class=HTMLResponse)
async def reschedule_form(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    return coordinator_page(request, pages, "coordinator_move.html", view, token, errors={})


@router.post("/k/{token}/flyt", response_class=HTMLResponse)
async def reschedule(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=6)
    day, at = values.get("date", "").strip(), values.get("time", "").strip()
    try:
        cmd = Reschedule(meeting=datetime.fromisoformat(f"{day}T{at}"))
    except ValueError:
        return coordinator_page(
            request,
            pages,
            "coordinator_move.html",
            view,
            token,
            422,
            errors={"date": "Skriv mødets nye dato og starttid"},
            values=values,
        )
    try:
        accepted = await backend.orders.reschedule(link.target, cmd)
    except StepRejected as exc:
        message = exc.message.removeprefix("meeting: ")
        return coordinator_page(
            request,
            pages,
            "coordinator_move.html",
            view,
            token,
            422,
            errors={"date": capital(message)},
            values=values,
        )
    view = await load_view(link, backend)
    return coordinator_page(
        request, pages, "coordinator_move.html", view, token, errors={}, done=accepted.message
    )


@router.get("/k/{token}/annuller", response_class=HTMLResponse)
async def cancel_form(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    return coordinator_page(request, pages, "coordinator_cancel.html", view, token, errors={})


@router.post("/k/{token}/annuller", response_class=HTMLResponse)
async def cancel(
    request: Request, token: str, link: CoordinatorLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=4)
    reason = values.get("reason", "").strip()
    try:
        cmd = Cancel(reason=reason)
    except ValidationError:
        return coordinator_page(
            request,
            pages,
            "coordinator_cancel.html",
            view,
            token,
            422,
            errors={"reason": "Skriv kort, hvorfor mødet aflyses (mindst 3 tegn)"},
            values=values,
        )
    if values.get("confirm") != "ja":
        # The confirmation step: the same reason, and one button that does it.
        return coordinator_page(
            request,
            pages,
            "coordinator_cancel.html",
            view,
            token,
            errors={},
            values=values,
            confirming=True,
        )
    try:
        accepted = await backend.orders.cancel(link.target, cmd)
    except StepRejected as exc:
        return _refused(request, pages, view, token, exc, "coordinator_cancel.html", values)
    return pages.message(
        request,
        200,
        "Bestillingen er annulleret",
        accepted.message,
        back=("Til din bestilling", f"/k/{token}"),
    )


def _first_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        exc = from_validation_error(exc)
    if isinstance(exc, DomainErrors):
        exc = exc.errors[0]
    if isinstance(exc, DomainError):
        return exc.message.split(": ", 1)[-1] if exc.field == "members" else exc.message
    return str(exc)


def _refused(
    request: Request,
    pages: Any,
    view: Any,
    token: str,
    exc: Exception,
    template: str,
    values: dict[str, str],
) -> HTMLResponse:
    """The order's own reason, on the page the person was on; nothing typed is lost."""
    message = exc.message if isinstance(exc, StepRejected) else _first_message(exc)
    return coordinator_page(
        request,
        pages,
        template,
        view,
        token,
        422,
        errors={"top": capital(message)},
        values=values,
    )
