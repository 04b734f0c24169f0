"""An agreement's owner marks it done from the link in their reminder (``/a/<token>``): GET
shows the agreement and one button; only the POST from that page changes anything, so a mail
scanner that follows links changes nothing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from schemas.order.agreements import AgreementView
from schemas.order.commands import AgreementDoneCommand
from schemas.order.status import OrderStatus
from schemas.shared.errors import StepRejected
from schemas.shared.links import AGREEMENT
from web.backend import Backend as BackendPort
from web.deps import Backend, Link, PagesDep, UnknownLink, of_this_run, signed
from web.forms import form_values
from web.pages import Pages

router = APIRouter()
AgreementLink = Annotated[Link, Depends(signed(AGREEMENT))]
BY_OWNER = "den ansvarlige (link i påmindelsen)"


async def _agreement(link: Link, backend: BackendPort) -> tuple[OrderStatus, AgreementView]:
    status: OrderStatus | None = await backend.orders.order_page(link.target)
    if status is not None:
        of_this_run(link, status.run)
    found = [a for a in status.agreements if a.number == link.number] if status else []
    if status is None or not found:
        raise UnknownLink()
    return status, found[0]


def _settled(request: Request, pages: Pages, status: OrderStatus, view: AgreementView) -> Any:
    if view.state == "done":
        when = view.done_at.date() if view.done_at else None
        return pages.message(
            request,
            410,
            "Aftalen er allerede udført",
            f"'{view.text}' blev markeret som udført"
            + (f" den {when.day}.{when.month}.{when.year}" if when else "")
            + ". Der kommer ikke flere påmindelser om den.",
        )
    if status.status != "active":
        return pages.message(
            request,
            410,
            "Opfølgningen er afsluttet",
            "Bestillingen er afsluttet, så aftalerne følges ikke længere op her. Skriv til "
            "klyngens koordinator om aftalen.",
        )
    return None


@router.get("/a/{token}", response_class=HTMLResponse)
async def agreement_page(
    request: Request, link: AgreementLink, backend: Backend, pages: PagesDep
) -> Any:
    status, view = await _agreement(link, backend)
    if (answer := _settled(request, pages, status, view)) is not None:
        return answer
    return pages.page(request, "agreement.html", 200, agreement=view, cluster=status.cluster)


@router.post("/a/{token}", response_class=HTMLResponse)
async def mark_done(
    request: Request, link: AgreementLink, backend: Backend, pages: PagesDep
) -> Any:
    status, view = await _agreement(link, backend)
    if (answer := _settled(request, pages, status, view)) is not None:
        return answer
    await form_values(request, max_fields=2)
    try:
        accepted = await backend.orders.agreement_done(
            link.target, AgreementDoneCommand(number=link.number, by=BY_OWNER)
        )
    except StepRejected as exc:
        return pages.message(request, 422, "Aftalen blev ikke markeret", exc.message)
    return pages.message(request, 200, "Tak – aftalen er markeret som udført", accepted.message)
