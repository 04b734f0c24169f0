"""What every coordinator page shares: the signed link, the order's view, the answer for an
order that has been cancelled, and the page frame with the order's menu."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from schemas.shared.links import COORDINATOR
from schemas.views.coordinator import CoordinatorView, link_expired, next_step
from web.backend import Backend as BackendPort
from web.deps import ExpiredLink, Link, UnknownLink, of_this_run, signed
from web.pages import Pages

CoordinatorLink = Annotated[Link, Depends(signed(COORDINATOR))]
# The coordinator's own name in events ("who did it").
BY_COORDINATOR = "koordinatoren (egen side)"


async def load_view(link: Link, backend: BackendPort) -> CoordinatorView:
    view: CoordinatorView | None = await backend.orders.coordinator_view(link.target)
    if view is None:
        raise UnknownLink()
    of_this_run(link, view.overview.status.run)
    if link_expired(view):
        raise ExpiredLink()
    return view


def gone(request: Request, pages: Pages, view: CoordinatorView, token: str) -> HTMLResponse | None:
    """A change asked of an order that is cancelled or over: 410 with what to do instead."""
    status = view.overview.status.status
    if status == "cancelled":
        return pages.message(
            request,
            410,
            "Bestillingen er annulleret",
            f"{view.overview.cancel_reason or ''} Vil klyngen bestille igen, så brug"
            " bestillingsformularen.",
            back=("Til bestillingsformularen", "/bestil"),
        )
    if status == "completed":
        return pages.message(
            request,
            410,
            "Bestillingen er afsluttet",
            "Der kan ikke længere ændres i den. Dokumenterne kan stadig hentes på din side.",
            back=("Til din bestilling", f"/k/{token}"),
        )
    return None


def coordinator_page(
    request: Request,
    pages: Pages,
    template: str,
    view: CoordinatorView,
    token: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    return pages.page(
        request,
        template,
        status,
        view=view,
        o=view.overview,
        order=view.overview.order,
        token=token,
        base=f"/k/{token}",
        next=next_step(view),
        **context,
    )
