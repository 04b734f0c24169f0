"""What the coordinator's page shows across the order, its survey round and its follow-up
meeting, and the one next step it asks of them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.follow_up.meeting import FollowUpStatus
from schemas.order.overview import OrderOverview
from schemas.order.steps import Step, StepState
from schemas.shared.danish_format import date_long, datetime_long
from schemas.shared.links import COORDINATOR_LINK_AFTER_END
from schemas.survey_round.round import RoundEditor


class CoordinatorView(BaseModel):
    """The overview with the survey round's and the follow-up meeting's state beside it."""

    overview: OrderOverview
    survey: RoundEditor | None = None
    follow_up: FollowUpStatus | None = None


STATE_DA = {
    StepState.PENDING: "Venter",
    StepState.ACTIVE: "I gang",
    StepState.DONE: "Færdig",
    StepState.OVERDUE: "Forsinket",
    StepState.SKIPPED: "Sprunget over",
}


class Next(BaseModel):
    """What the coordinator should do now, and what comes to them from whom."""

    you: str | None = Field(description="What is asked of the coordinator now, if anything")
    coming: str | None = Field(description="What comes next, from whom and when")


def _state(view: CoordinatorView, step: Step) -> StepState:
    # A stage the package leaves out is, for the coordinator, one that never comes.
    return next((s.state for s in view.overview.status.steps if s.name == step), StepState.SKIPPED)


def _has(view: CoordinatorView, step: Step) -> bool:
    return any(s.name == step for s in view.overview.status.steps)


def next_step(view: CoordinatorView) -> Next:
    """The one thing the coordinator should know first, in Danish."""
    overview = view.overview
    status, order, timeline = overview.status, overview.order, overview.timeline
    if status.status == "cancelled":
        return Next(you=None, coming=f"Bestillingen er annulleret: {overview.cancel_reason}")
    if status.status == "completed":
        return Next(you=None, coming="Bestillingen er afsluttet. Tak for samarbejdet.")
    if status.awaiting_approval or timeline is None:
        return Next(
            you=None,
            coming="KiAP ser på din sene bestilling og giver dig svar på mail snarest.",
        )
    due = timeline.due
    partner = overview.partner
    if _state(view, Step.CONSULTATION) in (StepState.ACTIVE, StepState.OVERDUE):
        return Next(
            you="Hav kalenderen klar: I aftaler pakken, jeres ønsker og hvem der kontakter"
            f" {partner.definite}."
            if partner is not None
            else "Hav kalenderen klar: I aftaler pakken og jeres ønsker til mødet.",
            coming=f"En konsulent fra KiAP ringer til dig {datetime_long(order.call_at)}.",
        )
    survey = view.survey
    if survey is not None and not survey.dispatched and not survey.closed:
        return Next(
            you="Gennemse spørgeskemaet, ret spørgsmålene, hvis I vil, og send det til"
            " medlemmerne.",
            coming=f"Ellers sendes det automatisk {datetime_long(survey.dispatch_at)}.",
        )
    if survey is not None and survey.dispatched and not survey.closed and survey.undelivered:
        lost = survey.undelivered
        return Next(
            you=f"{lost} {'invitation' if lost == 1 else 'invitationer'} kom ikke frem: ret "
            "adressen under Medlemmer – fjern medlemmet og tilføj det igen med den rigtige "
            "adresse, så får medlemmet sit link med det samme.",
            coming=f"{survey.answered} af {survey.invited} har svaret. Spørgeskemaet lukker "
            f"{datetime_long(survey.close_at)}.",
        )
    if survey is not None and survey.dispatched and not survey.closed:
        return Next(
            you=f"{survey.answered} af {survey.invited} har svaret. Skriv evt. til dem, der"
            " mangler – de får selv en påmindelse.",
            coming=f"Spørgeskemaet lukker {datetime_long(survey.close_at)}.",
        )
    if not any(s.name == Step.ARTIFACTS and s.state == StepState.DONE for s in status.steps):
        return Next(
            you=f"Aftal et formøde med {partner.definite} efter, at I har fået PowerPointen."
            if partner is not None and _has(view, Step.PREMEETING)
            else None,
            coming=f"KiAP sender PowerPoint, uddelingskopier og praksisark senest"
            f" {date_long(due[Step.ARTIFACTS])}.",
        )
    if _state(view, Step.PREMEETING) in (StepState.ACTIVE, StepState.OVERDUE):
        if overview.premeeting_at is None:
            return Next(
                you=f"Sæt tidspunktet for formødet med {overview.partner_definite}, så får I"
                " begge en kalenderinvitation.",
                coming=f"Formødet bør holdes senest {date_long(due[Step.PREMEETING])}.",
            )
        return Next(
            you="Registrér formødet, når det er holdt, og skriv ændringer i programmet ind.",
            coming=f"Formødet er {datetime_long(overview.premeeting_at)}.",
        )
    if _state(view, Step.MEETING) in (StepState.PENDING, StepState.ACTIVE, StepState.OVERDUE):
        if overview.now < order.meeting.start:
            return Next(
                you="Sørg for lokale, projektor og lyd – tjeklisten kommer på mail.",
                coming=f"Klyngemødet er {datetime_long(order.meeting.start)}.",
            )
        return Next(
            you="Udfyld referatet med aftalerne fra mødet.",
            coming="Opsummeringen sendes til medlemmerne"
            + (f" og {partner.definite}" if partner is not None else "")
            + " dagen efter.",
        )
    open_agreements = [a for a in status.agreements if a.state == "open"]
    if open_agreements:
        first = min(open_agreements, key=lambda a: a.due)
        return Next(
            you=f"{len(open_agreements)} aftaler er åbne. Markér dem som udført, når de er"
            " gennemført.",
            coming=f"Den ansvarlige for '{first.text}' får en påmindelse før"
            f" {date_long(first.due)}.",
        )
    return Next(you=None, coming="Aftalerne er fulgt op.")


def link_expired(view: CoordinatorView) -> bool:
    """Whether the coordinator's link has expired: the order ended longer ago than
    COORDINATOR_LINK_AFTER_END, and no follow-up meeting is still ahead."""
    ended = view.overview.status.ended_at
    if ended is None:
        return False
    if view.follow_up is not None and view.follow_up.status == "active":
        return False
    return view.overview.now - ended > COORDINATOR_LINK_AFTER_END
