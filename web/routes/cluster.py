"""The coordinator's cluster page (``/kl/<token>``, the signed link in every mail of the
cluster): the member list (upload the CSV/XLSX Danish Excel saves), the year's duties with
their state (mark them done once they are due), the payouts of fees (record one, mark it
reported to SKAT) and the general assembly's date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from schemas.cluster.commands import (
    AssemblySet,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    MembersReplace,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.view import ClusterPage
from schemas.order.extract import MAX_BYTES
from schemas.shared.errors import DomainError, DomainErrors, StepRejected, from_validation_error
from schemas.shared.links import CLUSTER
from schemas.shared.member_list import parse_member_lines, parse_member_list
from web.backend import Backend as BackendPort
from web.config import WebConfig
from web.deps import Backend, Link, PagesDep, UnknownLink, of_this_run, signed
from web.forms import capital, form_values
from web.pages import Pages

router = APIRouter()
ClusterLink = Annotated[Link, Depends(signed(CLUSTER))]
LABELS = {
    "fil": "Medlemsliste",
    "paid_on": "Udbetalt den",
    "purpose": "Hvad udbetalingen var for",
    "on": "Generalforsamlingens dato",
    "member": "Nyt medlem",
    "new.name": "Den nye koordinators navn",
    "new.email": "Den nye koordinators e-mail",
    "top": "Opgaven",
}


async def _view(link: Link, backend: BackendPort) -> ClusterPage:
    page: ClusterPage | None = await backend.clusters.page(link.target)
    if page is not None:
        of_this_run(link, page.run)
    if page is None:
        raise UnknownLink()
    return page


def _page(
    request: Request,
    pages: Pages,
    view: ClusterPage,
    code: int = 200,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    config: WebConfig = request.app.state.config
    # Each order placed from the cluster, with the link to its own page.
    orders = sorted(
        (on, config.signer.coordinator_link("", order_id)) for order_id, on in view.orders.items()
    )
    token = request.path_params["token"]
    return pages.page(
        request,
        "cluster.html",
        code,
        c=view,
        orders=orders,
        order_form=f"/bestil?klynge={token}",
        checklist=config.catalog.cluster_year().handover.checklist,
        guide=config.catalog.cluster_year().handover.guide,
        done=done,
        errors=errors or {},
        labels=LABELS,
        values=values or {},
    )


@router.get("/kl/{token}", response_class=HTMLResponse)
async def cluster_page(
    request: Request, link: ClusterLink, backend: Backend, pages: PagesDep
) -> Any:
    return _page(request, pages, await _view(link, backend))


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(field, "skriv datoen som åååå-mm-dd, fx 2027-03-31") from None


def _problems(exc: DomainError | DomainErrors | ValidationError, field: str) -> dict[str, str]:
    """Each problem beside its field; a list's rows all go under the file field."""
    if isinstance(exc, ValidationError):
        exc = from_validation_error(exc)
    found = exc.errors if isinstance(exc, DomainErrors) else [exc]
    if field == "member":
        # One row typed into the form: "ydernummer: …", not "members linje 1, ydernummer: …".
        return {field: capital("; ".join(f"{e.field.split(', ')[-1]}: {e.message}" for e in found))}
    if field == "fil":
        return {field: capital("; ".join(f"{e.field}: {e.message}" for e in found[:5]))}
    return {e.field if e.field in LABELS else field: capital(e.message) for e in found}


@router.post("/kl/{token}", response_class=HTMLResponse)
async def cluster_action(
    request: Request, link: ClusterLink, backend: Backend, pages: PagesDep
) -> Any:
    view = await _view(link, backend)
    values, _, files = await form_values(request, max_fields=6, max_files=1)
    action = values.get("action", "")
    target = link.target
    field = {
        "medlemsliste": "fil",
        "udbetaling": "paid_on",
        "generalforsamling": "on",
        "koordinator": "new.email",
        "tilfoej": "member",
    }.get(action, "top")
    try:
        if action == "medlemsliste":
            sent = files.get("fil")
            if sent is None or not sent.filename:
                return _page(request, pages, view, 422, errors={"fil": "Vælg medlemslisten"})
            data = await sent.read(MAX_BYTES + 1)
            cmd = MembersReplace(members=parse_member_list(data, sent.filename))
            accepted = await backend.clusters.members_replace(target, cmd)
        elif action == "tilfoej":
            line = ";".join(values.get(k, "").strip() for k in ("name", "email", "ydernummer"))
            added = parse_member_lines(line)
            cmd = MembersReplace(members=[*view.members, *added])
            accepted = await backend.clusters.members_replace(target, cmd)
        elif action == "fjern":
            kept = [m for m in view.members if m.email != values.get("remove", "")]
            if len(kept) == len(view.members):
                raise UnknownLink()
            cmd = MembersReplace(members=kept)
            accepted = await backend.clusters.members_replace(target, cmd)
        elif action == "bekraeft":
            confirm = DutyConfirm.model_validate(
                {
                    "duty": values.get("duty", ""),
                    "year": values.get("year", ""),
                    "received": values.get("received", "ja") == "ja",
                }
            )
            accepted = await backend.clusters.duty_confirm(target, confirm)
        elif action == "udbetaling":
            record = PayoutRecord(
                paid_on=_day(values.get("paid_on", ""), "paid_on"),
                purpose=values.get("purpose", "").strip(),
            )
            accepted = await backend.clusters.payout_record(target, record)
        elif action == "indberettet":
            reported = PayoutReported.model_validate({"payout": values.get("payout", "")})
            accepted = await backend.clusters.payout_reported(target, reported)
        elif action == "koordinator":
            change = CoordinatorChange.model_validate(
                {"new": {"name": values.get("new.name", ""), "email": values.get("new.email", "")}}
            )
            accepted = await backend.clusters.coordinator_change(target, change)
        elif action == "overdragelse":
            confirm_side = HandoverConfirm.model_validate({"side": values.get("side", "")})
            accepted = await backend.clusters.handover_confirm(target, confirm_side)
        elif action == "generalforsamling":
            assembly = AssemblySet(on=_day(values.get("on", ""), "on"))
            accepted = await backend.clusters.assembly_set(target, assembly)
        else:
            raise UnknownLink()
    except (DomainError, DomainErrors, ValidationError) as exc:
        errors = _problems(exc, field)
        return _page(request, pages, view, 422, errors=errors, values=values)
    except StepRejected as exc:
        # A refusal names its field first ("paid_on: …"): put it beside that field.
        name, _, message = exc.message.partition(": ")
        errors = {name: capital(message)} if name in LABELS else {field: exc.message}
        return _page(request, pages, view, 422, errors=errors, values=values)
    return _page(request, pages, await _view(link, backend), done=accepted.message)
