"""The pre-meeting with the job centre on the coordinator's page: set its time (both get a
calendar invitation), and once it is held, record it with the program changes agreed there,
seeing the new program's clock times before confirming."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from schemas.order.commands import PremeetingDone, PremeetingSchedule
from schemas.package.model import ProgramVariant
from schemas.package.program import ProgramChanges, adjusted, schedule
from schemas.shared.errors import DomainError, StepRejected
from schemas.views.coordinator import CoordinatorView
from web.config import WebConfig
from web.deps import Backend, ConfigDep, PagesDep
from web.forms import capital, form_values
from web.pages import Pages
from web.routes.coordinator_base import CoordinatorLink, coordinator_page, gone, load_view

router = APIRouter()
TEMPLATE = "coordinator_premeeting.html"


def _program(view: CoordinatorView, config: WebConfig, variant: str | None) -> ProgramVariant:
    package = config.catalog.package(view.overview.order.package)
    if variant not in {p.id for p in package.programs}:
        variant = None  # not one of the package's: the order's own
    return package.program(variant or view.overview.order.meeting.program_variant)


def _items(program: ProgramVariant) -> list[tuple[int, str, int]]:
    items = [item for block in program.blocks for item in block.items]
    return [(n, item.title, item.minutes) for n, item in enumerate(items)]


def _changes(values: dict[str, str], program: ProgramVariant) -> ProgramChanges:
    minutes = {}
    for n, title, current in _items(program):
        typed = values.get(f"item{n}", "").strip()
        if not typed.isdigit():
            raise DomainError(f"item{n}", f"'{title}': skriv minutterne som et helt tal")
        if int(typed) != current:
            minutes[title] = int(typed)
    topics = [t.strip() for t in values.get("topics", "").splitlines() if t.strip()]
    if len(topics) > 10:
        raise DomainError("topics", "højst 10 ekstra emner")
    return ProgramChanges(
        variant=values.get("variant") or None, minutes=minutes, added_topics=topics
    )


def _page(
    request: Request,
    pages: Pages,
    config: WebConfig,
    view: CoordinatorView,
    token: str,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
    preview: list[Any] | None = None,
) -> HTMLResponse:
    values = values or {}
    program = _program(view, config, values.get("variant"))
    package = config.catalog.package(view.overview.order.package)
    return coordinator_page(
        request,
        pages,
        TEMPLATE,
        view,
        token,
        status,
        values=values,
        errors=errors or {},
        done=done,
        items=_items(program),
        variants=package.programs,
        current_variant=values.get("variant") or program.id,
        preview=preview,
        now=view.overview.now,
    )


@router.get("/k/{token}/formoede", response_class=HTMLResponse)
async def premeeting_page(
    request: Request,
    token: str,
    link: CoordinatorLink,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    view = await load_view(link, backend)
    if (answer := _no_premeeting(request, pages, config, view)) is not None:
        return answer
    return _page(request, pages, config, view, token)


def _no_premeeting(
    request: Request, pages: Pages, config: WebConfig, view: CoordinatorView
) -> HTMLResponse | None:
    """A package without a pre-meeting has no such page (a link typed or kept from another)."""
    if config.catalog.package(view.overview.order.package).process.premeeting:
        return None
    return pages.message(
        request,
        404,
        "Klyngepakken har intet formøde",
        "Jeres klyngepakke holdes uden formøde. Alt om bestillingen står på din side.",
    )


@router.post("/k/{token}/formoede", response_class=HTMLResponse)
async def premeeting_change(
    request: Request,
    token: str,
    link: CoordinatorLink,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    view = await load_view(link, backend)
    if (answer := gone(request, pages, view, token)) is not None:
        return answer
    if (answer := _no_premeeting(request, pages, config, view)) is not None:
        return answer
    values, _, _ = await form_values(request, max_fields=60)
    action = values.get("action", "")
    try:
        if action == "planlaeg":
            day, at = values.get("date", "").strip(), values.get("time", "").strip()
            try:
                when = datetime.fromisoformat(f"{day}T{at}")
            except ValueError:
                raise DomainError("date", "skriv formødets dato og klokkeslæt") from None
            accepted = await backend.orders.premeeting_schedule(
                link.target, PremeetingSchedule(at=when)
            )
        else:
            program = _program(view, config, values.get("variant"))
            if values.get("shown", program.id) != program.id:
                # Another program was chosen: its own items, at their own minutes, first.
                values = {k: v for k, v in values.items() if not k.startswith("item")}
                values |= {f"item{n}": str(m) for n, _, m in _items(program)}
                action = "vis"
            changes = _changes(values, program)
            new_program = adjusted(program, changes)
            if action != "registrer":  # the preview: the new clock times, then confirm
                preview = schedule(new_program, view.overview.order.meeting.start)
                return _page(request, pages, config, view, token, values=values, preview=preview)
            accepted = await backend.orders.premeeting_done(
                link.target,
                PremeetingDone(
                    notes=values.get("notes", "").strip()[:2000] or None, program=changes
                ),
            )
    except DomainError as exc:
        key = (
            exc.field if exc.field in ("date", "topics") or exc.field.startswith("item") else "top"
        )
        return _page(request, pages, config, view, token, 422, values, {key: capital(exc.message)})
    except StepRejected as exc:
        field, _, text = exc.message.partition(": ")
        key = "date" if field == "at" else "top"
        return _page(
            request,
            pages,
            config,
            view,
            token,
            422,
            values,
            {key: capital(text if key == "date" else exc.message)},
        )
    return _page(
        request, pages, config, await load_view(link, backend), token, done=accepted.message
    )
