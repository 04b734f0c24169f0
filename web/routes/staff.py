"""KiAP's staff workbench (``/konsulent``, behind the login): the human tasks of every running
order in one list by due date (consultations, late orders, escalations, extracts and
agreements past their date, failures to look at), all orders with filters, and an order's
staff page with the forms that complete its steps. Everything is read from Temporal's
visibility (search attributes); every action is an Update carrying the staff user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from schemas.order.commands import Cancel, ConsultationDone, LateDecision, Reschedule, RetryRender
from schemas.order.request import ContactBy, MeetingMode
from schemas.order.steps import Step
from schemas.shared.assignment import TaskAction, TaskAssign
from schemas.shared.business_days import is_business_day
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import StepRejected, UnknownOrder, from_validation_error
from schemas.shared.people import Actor
from schemas.shared.region import Region
from schemas.views.coordinator import STATE_DA
from schemas.views.workbench import PARTNER_STEPS, TASKS, Team, task_rows
from web.backend import Backend as BackendPort
from web.backend import ClusterPages, CoursePages
from web.config import WebConfig
from web.deps import Backend, ConfigDep, PagesDep, UnknownLink
from web.forms import capital, form_values
from web.pages import Pages
from web.staff_auth import DRIFT, Operations, Staff, StaffUser

router = APIRouter()
audit = structlog.get_logger("audit")
STEPS = {step.value: step.label for step in Step} | {
    "late_request": "Sen bestilling",
    "completed": "Afsluttet",
    "cancelled": "Annulleret",
}


def _page(request: Request, pages: Pages, name: str, user: StaffUser, **context: Any) -> Any:
    status = context.pop("status", 200)
    return pages.page(request, name, status, user=user, steps=STEPS, **context)


# The task list's views: everyone's tasks, those of the user, and those nobody has (or whose
# holder is away today).
VIEWS = {"alle": "Alle", "mine": "Mine", "ufordelt": "Ikke tildelt"}


@router.get("/konsulent", response_class=HTMLResponse)
async def tasks(
    request: Request,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
    vis: str = "alle",
) -> Any:
    listing = await _task_list(user, backend, config, vis)
    return _page(request, pages, "staff_tasks.html", user, errors={}, values={}, done="", **listing)


async def _task_page(
    request: Request,
    pages: Pages,
    user: StaffUser,
    backend: BackendPort,
    config: WebConfig,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
) -> Any:
    """The task list (everyone's), with a notice or what to fix."""
    listing = await _task_list(user, backend, config, "alle")
    return _page(
        request,
        pages,
        "staff_tasks.html",
        user,
        status=status,
        errors=errors or {},
        values=values or {},
        done=done,
        **listing,
    )


async def _task_list(
    user: StaffUser, backend: BackendPort, config: WebConfig, vis: str
) -> dict[str, Any]:
    now = datetime.now(COPENHAGEN)
    found = [
        (label, await backend.orders.list_orders(conditions=[condition], running=True, limit=500))
        for label, condition in TASKS
    ]
    rows = task_rows(found, now)
    others = [
        (other, config.ui_link(other.id))
        for other in await backend.orders.others_needing_attention()
    ]
    team = _team(config, now)
    views = {
        "alle": rows,
        "mine": [r for r in rows if r.holder == user.id],
        "ufordelt": [r for r in rows if team.free(r)],
    }
    shown = vis if vis in VIEWS else "alle"
    return {
        "rows": views[shown],
        "counts": {key: len(found) for key, found in views.items()},
        "view": shown,
        "views": VIEWS,
        "team": team,
        "workload": team.workload(rows),
        "me": team.members.get(user.id),
        "colleagues": [(m.id, m.name) for m in team.colleagues(user.id)],
        "now": now,
        "others": others,
    }


def _team(config: WebConfig, now: datetime) -> Team:
    directory = config.staff_directory
    found = directory.members() if directory is not None else []
    return Team(members={m.id: m for m in found}, today=now.date())


@router.get("/konsulent/ordrer", response_class=HTMLResponse)
async def orders(
    request: Request,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    region: str = "",
    kommune: str = "",
    trin: str = "",
    fra: str = "",
    til: str = "",
    overskredet: str = "",
) -> Any:
    where: dict[str, str] = {}
    conditions: list[str] = []
    errors: dict[str, str] = {}
    if region in {r.value for r in Region}:
        where["Region"] = region
    if kommune.strip():
        where["Municipality"] = kommune.strip()[:100]
    if trin == Step.PARTNER:
        conditions.append(f"CurrentStep IN {PARTNER_STEPS}")
    elif trin in STEPS:
        where["CurrentStep"] = trin
    for key, value, op in (("fra", fra, ">="), ("til", til, "<")):
        if not value:
            continue
        try:
            day = datetime.fromisoformat(value[:10]).replace(tzinfo=COPENHAGEN)
        except ValueError:
            errors[key] = "Skriv datoen som åååå-mm-dd"
            continue
        day += timedelta(days=1) if op == "<" else timedelta(0)
        conditions.append(f"MeetingDate {op} '{day.isoformat()}'")
    if overskredet == "ja":
        conditions.append("Overdue = true")
    found = await backend.orders.list_orders(where=where, conditions=conditions, limit=500)
    filters = {
        "region": region,
        "kommune": kommune,
        "trin": trin,
        "fra": fra,
        "til": til,
        "overskredet": overskredet,
    }
    return _page(
        request,
        pages,
        "staff_orders.html",
        user,
        orders=found,
        regions=[r.value for r in Region],
        values=filters,
        errors=errors,
    )


async def _view(backend: BackendPort, order_id: str) -> Any:
    view = await backend.orders.coordinator_view(order_id)
    if view is None:
        raise UnknownLink()
    return view


@dataclass
class _Desk:
    """One staff request on one order: it shows the order's page (with errors, a notice or
    the values sent back) and runs the staff member's Updates."""

    request: Request
    user: StaffUser
    backend: BackendPort
    pages: Pages
    config: WebConfig
    order_id: str

    async def page(
        self,
        status: int = 200,
        errors: dict[str, str] | None = None,
        done: str = "",
        values: dict[str, str] | None = None,
    ) -> Any:
        view = await _view(self.backend, self.order_id)
        return _page(
            self.request,
            self.pages,
            "staff_order.html",
            self.user,
            status=status,
            view=view,
            o=view.overview,
            order=view.overview.order,
            order_id=self.order_id,
            states=STATE_DA,
            errors=errors or {},
            done=done,
            values=values or {},
            ui_link=self.config.ui_link(self.order_id),
            # The coordinator's page acts without a role check (its link is the key): only
            # drift, who may move and cancel for anyone, is handed it.
            coordinator_link=self.config.signer.coordinator_link(
                "", self.order_id, view.overview.status.run
            )
            if DRIFT in self.user.roles
            else None,
            step_state={s.name.value: s.state.value for s in view.overview.status.steps},
            holder=view.overview.status.holder,
            colleagues=[
                (m.id, m.name)
                for m in _team(self.config, datetime.now(COPENHAGEN)).colleagues(self.user.id)
            ],
        )

    async def refuse(self, errors: dict[str, str], values: dict[str, str]) -> Any:
        """The page again with what was sent and what to fix; nothing was changed."""
        return await self.page(422, errors=errors, values=values)

    async def act(self, action: str, call: Any, values: dict[str, str]) -> Any:
        """Run one staff Update; the audit line says who did what to which order."""
        try:
            accepted = await call
        except StepRejected as exc:
            return await self.refuse({"top": exc.message}, values)
        except UnknownOrder:
            raise UnknownLink() from None
        audit.info("staff_action", actor=self.user.id, action=action, order=self.order_id)
        return await self.page(done=accepted.message)


def _desk(
    request: Request,
    order_id: str,
    user: StaffUser,
    backend: BackendPort,
    pages: Pages,
    config: WebConfig,
) -> _Desk:
    return _Desk(request, user, backend, pages, config, order_id)


def _by(user: StaffUser) -> str:
    return user.name[:80] if len(user.name) >= 2 else "drift"


@router.get("/konsulent/ordre/{order_id}", response_class=HTMLResponse)
async def order_page(
    request: Request,
    order_id: str,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    return await _desk(request, order_id, user, backend, pages, config).page()


def _refused(exc: ValidationError) -> dict[str, str]:
    return {e.field.split(".")[0]: capital(e.message) for e in from_validation_error(exc).errors}


@router.post("/konsulent/ordre/{order_id}/samtale", response_class=HTMLResponse)
async def consultation(
    request: Request,
    order_id: str,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    values, _, _ = await form_values(request, max_fields=8)
    try:
        cmd = ConsultationDone(
            contact_by=ContactBy(values.get("contact_by", "")),
            mode=MeetingMode(values["mode"]) if values.get("mode") else None,
            notes=values.get("notes", "").strip()[:2000] or None,
            practice_labels_by_mail=values.get("practice_labels") == "ja",
            actor=user.actor,
        )
    except ValueError:
        return await desk.refuse({"contact_by": "Vælg, hvem der tager den første kontakt"}, values)
    return await desk.act(
        "consultation_done", backend.orders.consultation_done(order_id, cmd), values
    )


@router.post("/konsulent/ordre/{order_id}/opgave", response_class=HTMLResponse)
async def assign(
    request: Request,
    order_id: str,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    """Tag opgaven, giv den videre til en kollega, eller slip den (an Update with the actor;
    a colleague's task only with the confirmation)."""
    desk = _desk(request, order_id, user, backend, pages, config)
    values, _, _ = await form_values(request, max_fields=6)
    try:
        action = TaskAction(values.get("action", ""))
    except ValueError:
        return await desk.refuse({"top": "Vælg, om du tager, giver videre eller slipper"}, values)
    to, to_email = None, None
    if action == TaskAction.ASSIGN:
        try:
            to, to_email = _colleague(config, user, values.get("til"))
        except LookupError as exc:
            return await desk.refuse({"til": str(exc.args[0])}, values)
    try:
        cmd = TaskAssign(
            actor=user.actor,
            action=action,
            to=to,
            to_email=to_email,
            takeover="ja" in (values.get("overtag"), values.get("overtag_videre")),
        )
    except ValidationError:
        # The colleague's address from their provider is not one a mail can go to.
        return await desk.refuse({"til": _no_address(to.name if to else "Kollegaen")}, values)
    try:
        accepted = await backend.orders.assign_task(order_id, cmd)
    except StepRejected as exc:
        confirm = "overtag_videre" if action == TaskAction.ASSIGN else "overtag"
        field = confirm if "bekræft" in exc.message else "top"
        return await desk.refuse({field: exc.message}, values)
    except UnknownOrder:
        raise UnknownLink() from None
    audit.info("staff_action", actor=user.id, action=f"task_{action.value}", order=order_id)
    back = values.get("tilbage", "")
    if back in {f"/konsulent?vis={key}" for key in VIEWS}:
        return RedirectResponse(back, status_code=303)  # the task list it was taken from
    return await desk.page(done=accepted.message)


@router.post("/konsulent/forloeb/{kind}/{workflow_id}/opgave", response_class=HTMLResponse)
async def assign_other(
    request: Request,
    kind: str,
    workflow_id: str,
    user: Staff,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    """A course's or a cluster's tasks (a mail that did not arrive), from the task list: take
    them, give them to a colleague (told at once by mail), let them go, or take them over from
    a colleague with the confirmation."""
    parts: dict[str, CoursePages | ClusterPages] = {
        "kursus": backend.courses,
        "klynge": backend.clusters,
    }
    part = parts.get(kind)
    values, _, _ = await form_values(request, max_fields=4)
    if part is None:
        raise UnknownLink()
    try:
        action = TaskAction(values.get("action", ""))
        to, to_email = None, None
        if action == TaskAction.ASSIGN:
            to, to_email = _colleague(config, user, values.get("til"))
        cmd = TaskAssign(
            actor=user.actor,
            action=action,
            to=to,
            to_email=to_email,
            takeover=values.get("overtag") == "ja",
        )
        await part.assign_task(workflow_id, cmd)
    except LookupError as exc:
        errors = {"top": str(exc.args[0])}
    except ValidationError:
        errors = {"top": _no_address("Kollegaen")}
    except ValueError:
        errors = {"top": "Vælg, om du tager, giver videre eller slipper opgaven"}
    except StepRejected as exc:
        errors = {"top": exc.message}
    except UnknownOrder:
        raise UnknownLink() from None
    else:
        audit.info("staff_action", actor=user.id, action=f"task_{action.value}", order=workflow_id)
        return RedirectResponse("/konsulent", status_code=303)
    return await _task_page(request, pages, user, backend, config, status=422, errors=errors)


@router.post("/konsulent/morgenoversigt", response_class=HTMLResponse)
async def morning_overview_now(
    request: Request, user: Operations, backend: Backend, pages: PagesDep, config: ConfigDep
) -> Any:
    """Drift's button: the morning overview now (a person who has had today's gets no second)."""
    errors: dict[str, str] = {}
    done = ""
    try:
        await backend.schedules.trigger()
    except StepRejected as exc:
        errors["top"] = exc.message
    else:
        audit.info("staff_action", actor=user.id, action="morning_overview_now")
        today = datetime.now(COPENHAGEN).date()
        done = (
            "Morgenoversigten sendes nu til dem, der ikke har fået dagens."
            if is_business_day(today)
            else "I dag er ikke en hverdag: morgenoversigten sender ikke noget."
        )
    return await _task_page(
        request,
        pages,
        user,
        backend,
        config,
        status=422 if errors else 200,
        errors=errors,
        done=done,
    )


def _colleague(config: WebConfig, user: StaffUser, chosen: str | None) -> tuple[Actor, str]:
    """The colleague chosen on the form, and where they are told; LookupError with the fix."""
    team = _team(config, datetime.now(COPENHAGEN))
    colleague = next((m for m in team.colleagues(user.id) if m.id == chosen), None)
    if colleague is None:
        raise LookupError("Vælg en kollega på listen")
    if not colleague.email:
        raise LookupError(_no_address(colleague.name))
    return Actor(id=colleague.id, name=colleague.name), colleague.email


def _no_address(name: str) -> str:
    return (
        f"{name} har ingen e-mailadresse på arbejdsbordet og kan ikke få besked – bed "
        f"{name} logge ind én gang, eller vælg en anden kollega"
    )


@router.post("/konsulent/fravaer", response_class=HTMLResponse)
async def away(
    request: Request, user: Staff, backend: Backend, pages: PagesDep, config: ConfigDep
) -> Any:
    """Mark oneself away (from–to, both days included) or back: one's tasks in the period show
    as not assigned to the others."""
    values, _, _ = await form_values(request, max_fields=4)
    directory = config.staff_directory
    errors: dict[str, str] = {}
    start = end = None
    if values.get("tilbage") != "ja":
        try:
            start = date.fromisoformat(values.get("fra", "")[:10])
        except ValueError:
            errors["fra"] = "Skriv den første dag, du er væk, som åååå-mm-dd"
        try:
            end = date.fromisoformat(values.get("til", "")[:10])
        except ValueError:
            errors["til"] = "Skriv den sidste dag, du er væk, som åååå-mm-dd"
        if start is not None and end is not None and end < start:
            errors["til"] = "Den sidste dag kan ikke ligge før den første"
    if directory is None or directory.member(user.id) is None:
        errors["top"] = "Log ud og ind igen, så arbejdsbordet kender dig"
    if errors:
        return await _task_page(
            request, pages, user, backend, config, status=422, errors=errors, values=values
        )
    assert directory is not None
    directory.set_away(user.id, start, end)
    audit.info("staff_away", actor=user.id, away=start is not None)
    return RedirectResponse("/konsulent", status_code=303)


@router.post("/konsulent/ordre/{order_id}/sen", response_class=HTMLResponse)
async def late(
    request: Request,
    order_id: str,
    user: Operations,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    values, _, _ = await form_values(request, max_fields=6)
    if values.get("decision") not in ("ja", "nej"):
        return await desk.refuse({"decision": "Vælg, om den sene bestilling godkendes"}, values)
    try:
        cmd = LateDecision(
            approve=values["decision"] == "ja",
            reason=values.get("reason", "").strip() or None,
            by=_by(user),
            actor=user.actor,
        )
    except ValidationError as exc:
        return await desk.refuse(_refused(exc), values)
    return await desk.act("decide_late", backend.orders.decide_late(order_id, cmd), values)


@router.post("/konsulent/ordre/{order_id}/dokumenter", response_class=HTMLResponse)
async def render_again(
    request: Request,
    order_id: str,
    user: Operations,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    await form_values(request, max_fields=2)
    retry = RetryRender(by=_by(user), actor=user.actor)
    return await desk.act("retry_render", backend.orders.retry_render(order_id, retry), {})


@router.post("/konsulent/ordre/{order_id}/flyt", response_class=HTMLResponse)
async def move(
    request: Request,
    order_id: str,
    user: Operations,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    values, _, _ = await form_values(request, max_fields=6)
    try:
        cmd = Reschedule(
            meeting=datetime.fromisoformat(f"{values.get('date', '')}T{values.get('time', '')}"),
            allow_late=values.get("allow_late") == "ja",
            actor=user.actor,
        )
    except ValueError:
        return await desk.refuse({"date": "Skriv mødets nye dato og starttid"}, values)
    return await desk.act("reschedule", backend.orders.reschedule(order_id, cmd), values)


@router.post("/konsulent/ordre/{order_id}/annuller", response_class=HTMLResponse)
async def cancel(
    request: Request,
    order_id: str,
    user: Operations,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    values, _, _ = await form_values(request, max_fields=4)
    try:
        cmd = Cancel(reason=values.get("cancel_reason", "").strip(), actor=user.actor)
    except ValidationError:
        reason = "Skriv en begrundelse (mindst 3 tegn) til dem, der får besked"
        return await desk.refuse({"cancel_reason": reason}, values)
    if values.get("confirm") != "ja":
        confirm = "Sæt flueben ved, at bestillingen skal annulleres"
        return await desk.refuse({"confirm": confirm}, values)
    return await desk.act("cancel", backend.orders.cancel(order_id, cmd), values)


@router.post("/konsulent/ordre/{order_id}/reparer", response_class=HTMLResponse)
async def repair(
    request: Request,
    order_id: str,
    user: Operations,
    backend: Backend,
    pages: PagesDep,
    config: ConfigDep,
) -> Any:
    desk = _desk(request, order_id, user, backend, pages, config)
    await form_values(request, max_fields=2)
    try:
        repaired = await backend.orders.repair(order_id)
    except UnknownOrder:
        raise UnknownLink() from None
    audit.info("staff_action", actor=user.id, action="repair", order=order_id)
    done = (
        "Nulstillet: " + ", ".join(r.workflow_id for r in repaired)
        if repaired
        else "Intet at reparere: ordren og dens underforløb kører normalt."
    )
    return await desk.page(done=done)
