"""The order form (``/bestil``, public): a coordinator orders a package for their cluster.

Validated on the server with the same models as the CLI's order file; every problem is shown
beside its field, everything typed is kept (an uploaded member list too, as lines), and the
same form sent twice makes one order (its submission key). A meeting less than 8 weeks ahead
says how many weeks are missing and the earliest date that works, and can be sent to KiAP as
a late order instead, which an operator approves or refuses."""

from __future__ import annotations

import secrets
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from temporalio.service import RPCError

from schemas.cluster.commands import MeetingNote
from schemas.cluster.view import ClusterPage
from schemas.order.extract import MAX_BYTES
from schemas.order.request import MeetingMode, OrderRequest
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import (
    DomainError,
    DomainErrors,
    LateOrder,
    StepRejected,
    UnknownOrder,
    from_validation_error,
)
from schemas.shared.links import CLUSTER
from schemas.shared.member_list import member_lines, parse_member_lines, parse_member_list
from schemas.shared.region import Region
from web.backend import Backend as BackendPort
from web.config import WebConfig
from web.deps import Backend, ConfigDep, PagesDep, UnknownLink
from web.forms import capital, form_values
from web.pages import Pages

router = APIRouter()
log = structlog.get_logger(__name__)

# Form field -> its label, in the order of the form (the error summary follows it).
LABELS = {
    "package": "Klyngepakke",
    "cluster.name": "Klyngens navn",
    "cluster.region": "Region",
    "coordinator.name": "Dit navn",
    "coordinator.email": "Din e-mail",
    "meeting.date": "Mødets dato",
    "meeting.time": "Mødets starttid",
    "meeting.mode": "Fysisk eller virtuelt møde",
    "meeting.location": "Sted eller link",
    "meeting.program_variant": "Program",
    "call.date": "Dato for opkaldet",
    "call.time": "Klokkeslæt for opkaldet",
    "members": "Klyngens medlemmer",
    "municipality.name": "Kommune",
    "municipality.jobcenter_contact.name": "Kontaktperson i jobcenteret",
    "municipality.jobcenter_contact.email": "Kontaktpersonens e-mail",
}
# What to say when a required field was left empty (the model's own message is for files).
EMPTY = {
    "package": "Vælg en klyngepakke",
    "cluster.name": "Skriv klyngens navn",
    "cluster.region": "Vælg klyngens region",
    "coordinator.name": "Skriv dit navn",
    "coordinator.email": "Skriv din e-mail, fx navn@laegehuset.dk",
    "meeting.date": "Skriv dato og starttid for klyngemødet",
    "call.date": "Skriv dato og klokkeslæt for opkaldet",
    "municipality.name": "Skriv kommunens navn, fx Aalborg Kommune",
    "municipality.jobcenter_contact.name": "Skriv navnet på jeres kontakt i jobcenteret",
    "municipality.jobcenter_contact.email": "Skriv kontaktpersonens e-mail",
}
# Where a model's field lands on the form.
TO_FIELD = {
    "meeting.start": "meeting.date",
    "meeting": "meeting.date",
    "call_at": "call.date",
    "members": "members",
    "members_file": "members",
}


_PARTNER_FIELDS = ("name", "jobcenter_contact.name", "jobcenter_contact.email")


def _order_data(values: dict[str, str]) -> dict[str, Any]:
    """The form as the order file would say it."""

    def moment(prefix: str) -> str | None:
        day, at = values.get(f"{prefix}.date", "").strip(), values.get(f"{prefix}.time", "").strip()
        return f"{day}T{at}" if day and at else None

    return {
        "package": values.get("package", ""),
        "cluster": {
            "name": values.get("cluster.name", ""),
            "region": values.get("cluster.region", ""),
        },
        "coordinator": {
            "name": values.get("coordinator.name", ""),
            "email": values.get("coordinator.email", ""),
        },
        "members": [],
        # Left empty for a package without a partner; the plan asks for it where one is met.
        "municipality": {
            "name": values.get("municipality.name", ""),
            "jobcenter_contact": {
                "name": values.get("municipality.jobcenter_contact.name", ""),
                "email": values.get("municipality.jobcenter_contact.email", ""),
            },
        }
        if any(values.get(f"municipality.{k}", "").strip() for k in _PARTNER_FIELDS)
        else None,
        "meeting": {
            "start": moment("meeting"),
            "mode": values.get("meeting.mode") or MeetingMode.PHYSICAL.value,
            "location": values.get("meeting.location", "").strip() or None,
            "program_variant": values.get("meeting.program_variant") or None,
        },
        "call_at": moment("call"),
    }


async def _members(
    values: dict[str, str], files: dict[str, UploadFile], errors: dict[str, str]
) -> list[dict[str, str]]:
    """The members from the uploaded file (then shown back as lines) or the typed lines."""
    sent = files.get("members_file")
    if sent is not None and sent.filename:
        data = await sent.read(MAX_BYTES + 1)
        try:
            members = parse_member_list(data, sent.filename)
        except (DomainError, DomainErrors) as exc:
            first = exc.errors[0] if isinstance(exc, DomainErrors) else exc
            where = first.field.removeprefix("members_file").strip(" ,")
            errors["members"] = f"Filen {sent.filename[:60]} kan ikke bruges: " + (
                f"{where}: {first.message}" if where else first.message
            )
            return []
        values["members"] = member_lines(members)
        return [m.model_dump() for m in members]
    text = values.get("members", "")
    if not text.strip():
        errors["members"] = (
            "Skriv klyngens medlemmer, én pr. linje (navn;email;ydernummer), eller vælg en fil"
        )
        return []
    try:
        return [m.model_dump() for m in parse_member_lines(text)]
    except (DomainError, DomainErrors) as exc:
        first = exc.errors[0] if isinstance(exc, DomainErrors) else exc
        errors["members"] = capital(first.message)
        return []


def _variant_ok(config: WebConfig, values: dict[str, str], errors: dict[str, str]) -> None:
    package = config.catalog.packages.get(values.get("package", ""))
    if package is None:
        errors.setdefault("package", "Vælg en klyngepakke")
        return
    variant = values.get("meeting.program_variant") or package.default_program
    if variant not in {p.id for p in package.programs}:
        errors["meeting.program_variant"] = "Vælg et af pakkens programmer"


def _page(
    request: Request,
    pages: Pages,
    config: WebConfig,
    status: int,
    values: dict[str, str],
    errors: dict[str, str],
    late: bool = False,
) -> HTMLResponse:
    for field, message in EMPTY.items():
        parts = [field] if not field.endswith(".date") else [field, field[:-4] + "time"]
        if field in errors and not all(values.get(p, "").strip() for p in parts):
            errors[field] = message
    # The summary lists the problems in the order of the form.
    order = list(LABELS)
    errors = dict(sorted(errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99))
    return pages.page(
        request,
        "order_form.html",
        status,
        packages=list(config.catalog.packages.values()),
        regions=[r.value for r in Region],
        values=values,
        errors=errors,
        labels=LABELS,
        late=late,
        dev_time_scale=config.dev_time_scale,
    )


@router.get("/bestil", response_class=HTMLResponse)
async def order_form(
    request: Request,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
    klynge: str | None = None,
) -> Any:
    packages = list(config.catalog.packages)
    values = {"submission": secrets.token_urlsafe(18), "meeting.mode": "fysisk"}
    if len(packages) == 1:
        values["package"] = packages[0]
    if klynge is not None:
        # Ordered from the cluster's page: the cluster, its coordinator and members filled in.
        cluster = await _cluster(config, backend, klynge)
        values |= {
            "klynge": klynge,
            "cluster.name": cluster.name,
            "cluster.region": cluster.region,
            "coordinator.name": cluster.coordinator.name,
            "coordinator.email": cluster.coordinator.email,
            "members": member_lines(cluster.members),
        }
    return _page(request, pages, config, 200, values, {})


async def _cluster(config: WebConfig, backend: BackendPort, token: str) -> ClusterPage:
    """The cluster a signed cluster link names; an unknown link is refused like any other."""
    found = config.signer.verify(token, CLUSTER)
    page: ClusterPage | None = await backend.clusters.page(found[0]) if found else None
    if page is None:
        raise UnknownLink()
    return page


@router.post("/bestil", response_class=HTMLResponse)
async def place_order(
    request: Request, backend: Backend, pages: PagesDep, config: ConfigDep
) -> Any:
    values, _, files = await form_values(request, max_fields=40, max_files=1)
    values.setdefault("submission", secrets.token_urlsafe(18))
    errors: dict[str, str] = {}
    data = _order_data(values)
    data["members"] = await _members(values, files, errors)
    _variant_ok(config, values, errors)
    order: OrderRequest | None = None
    try:
        order = OrderRequest.model_validate(data)
    except ValidationError as exc:
        _place(from_validation_error(exc), errors)
    if errors or order is None:
        return _page(request, pages, config, 422, values, errors)
    found = config.signer.verify(values["klynge"], CLUSTER) if values.get("klynge") else None
    cluster_id = found[0] if found else None
    try:
        # The client refuses a plan that cannot be made before anything starts (the workflow
        # plans the same way); a late order is sent to KiAP only when the person asked for it.
        started = await backend.orders.place(
            order,
            late_request=values.get("late_request") == "ja",
            submission=values["submission"],
            seconds_per_day=_time_scale(config, values),
            cluster_id=cluster_id,
        )
    except LateOrder as exc:
        errors["meeting.date"] = capital(exc.message)
        return _page(request, pages, config, 422, values, errors, late=True)
    except (DomainError, DomainErrors) as exc:
        _place(exc, errors)
        return _page(request, pages, config, 422, values, errors)
    order_id, late = started.order_id, started.awaiting_approval
    if cluster_id is not None:
        await _note_meeting(backend, cluster_id, order, order_id)
    return pages.page(
        request,
        "order_receipt.html",
        200,
        order=order,
        order_id=order_id,
        late=late,
        package=config.catalog.packages[order.package],
    )


async def _note_meeting(
    backend: BackendPort, cluster_id: str, order: OrderRequest, order_id: str
) -> None:
    """The cluster learns of its order's meeting (no nudge to plan one; the order on its page).
    The order stands even if the cluster cannot be told now: it is logged for KiAP."""
    note = MeetingNote(on=order.meeting.start.astimezone(COPENHAGEN).date(), order_id=order_id)
    try:
        await backend.clusters.meeting_note(cluster_id, note)
    except (StepRejected, UnknownOrder, RPCError) as exc:
        log.warning("cluster_not_told", cluster=cluster_id, error=type(exc).__name__)


def _time_scale(config: WebConfig, values: dict[str, str]) -> float | None:
    """Development only: one planned day in this many seconds (klyngepakke dev's form)."""
    typed = values.get("demo_seconds_per_day", "").strip().replace(",", ".")
    if not config.dev_time_scale or not typed:
        return None
    try:
        seconds = float(typed)
    except ValueError:
        return None
    return seconds if 0.05 <= seconds <= 86_400 else None


def _place(exc: DomainError | DomainErrors, errors: dict[str, str]) -> None:
    """Each problem beside the form field it is about."""
    for error in exc.errors if isinstance(exc, DomainErrors) else [exc]:
        field, message = error.field, error.message
        named, _, rest = message.partition(": ")
        if field == "(input)" and rest and " " not in named:
            field, message = named, rest  # a check across fields names its field first
        if field.startswith("members"):
            field = "members"
        field = TO_FIELD.get(field, field)
        if field not in LABELS:
            head = field.split(".", 1)[0]
            field = {"meeting": "meeting.date", "municipality": "municipality.name"}.get(
                head, "cluster.name" if head == "cluster" else "package"
            )
        errors.setdefault(field, capital(message))
