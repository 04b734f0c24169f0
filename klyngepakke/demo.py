"""The demo: one full order against the running stack, with a simulated consultant and
coordinator, on compressed time (one planned day per second by default)."""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import httpx
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from catalog import Catalog
from klyngepakke.client import OrdersClient, StepRejected
from klyngepakke.demo_jobcenter import act_as_jobcenter
from klyngepakke.order_file import load_order
from klyngepakke.settings import PROJECT_ROOT, Settings
from schemas.business_days import add_business_days, on_or_after
from schemas.commands import (
    AgreementDoneCommand,
    ConsultationDone,
    MeetingRecord,
    PremeetingDone,
    PremeetingSchedule,
)
from schemas.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order import COPENHAGEN, ContactBy, OrderRequest
from schemas.program import ProgramChanges
from schemas.state import OrderStatus
from schemas.steps import Step, StepState
from schemas.survey import SurveyResponse, parse_survey_export

EXAMPLES = PROJECT_ROOT / "examples"
TRANSIENT = (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, httpx.TransportError)


def demo_order(now: datetime) -> OrderRequest:
    """examples/order.yaml, moved so the meeting lies just over 8 weeks from now."""
    order = load_order(EXAMPLES / "order.yaml")
    local = now.astimezone(COPENHAGEN)
    meeting_day = on_or_after((local + timedelta(weeks=8, days=3)).date())
    meeting = order.meeting.model_copy(
        update={"start": datetime.combine(meeting_day, time(16, 0), COPENHAGEN)}
    )
    call_at = datetime.combine(add_business_days(local.date(), 1), time(10, 0), COPENHAGEN)
    return order.model_copy(update={"meeting": meeting, "call_at": call_at})


def _state(status: OrderStatus, step: Step) -> StepState:
    return next(s.state for s in status.steps if s.name == step)


async def run_demo(
    orders: OrdersClient,
    settings: Settings,
    seconds_per_day: float,
    say: Callable[[str], object] = print,
    order_id: str | None = None,
    look_every: float | None = None,
) -> OrderStatus:
    """One order through every stage, its people acting when the order's status says it is
    their turn; they look every ``look_every`` seconds (default: 8 times a planned day, at
    most every quarter second)."""
    order = demo_order(datetime.now(UTC))
    stamp = datetime.now(UTC).strftime("%H%M%S")
    order_id = await orders.start(
        order,
        order_id=order_id or f"demo-{order.meeting.start.date()}-{stamp}",
        seconds_per_day=seconds_per_day,
    )
    say(f"Ordre startet: {order_id} (1 planlagt dag = {seconds_per_day:g} s)")
    template = Catalog().package(order.package).survey
    export = EXAMPLES / "spoergeskema-eksport.csv"
    premeeting_at: datetime | None = None
    answered = False
    extract_sent = False
    while True:
        try:
            # A failed order still answers its status query as it stood: ask how it ended.
            await orders.raise_if_died(order_id)
            status = await orders.status(order_id)
            if status.status != "active":
                break
            now = status.clock.planned(datetime.now(UTC))
            if (
                _state(status, Step.CONSULTATION) in (StepState.ACTIVE, StepState.OVERDUE)
                and now >= order.call_at
            ):
                say(
                    (
                        await orders.consultation_done(
                            order_id,
                            ConsultationDone(
                                contact_by=ContactBy.KIAP,
                                notes="Klyngen ønsker fokus på LÆ 265 og svartider",
                                practice_labels_by_mail=True,
                            ),
                        )
                    ).message
                )
            elif not extract_sent and _state(status, Step.JOBCENTER) in (
                StepState.ACTIVE,
                StepState.OVERDUE,
            ):
                extract_sent = await act_as_jobcenter(settings, order_id, say)
            elif status.survey is not None and not answered:
                # Members open the personal links from their mails and answer on the form; one
                # stays silent, so the reminders show they go only to those who have not answered.
                answered = True
                sent = await answer_as_members(
                    settings, order_id, parse_survey_export(template, export.read_bytes())
                )
                say(f"{sent} af {len(order.members)} medlemmer svarede via deres personlige link.")
            elif _state(status, Step.PREMEETING) == StepState.ACTIVE and premeeting_at is None:
                premeeting_at = (
                    (now + timedelta(days=2))
                    .astimezone(COPENHAGEN)
                    .replace(hour=14, minute=0, second=0, microsecond=0)
                )
                # Running late (a worker restarting on compressed time): halfway to the meeting.
                premeeting_at = min(premeeting_at, now + (order.meeting.start - now) / 2)
                try:
                    scheduled = await orders.premeeting_schedule(
                        order_id, PremeetingSchedule(at=premeeting_at)
                    )
                    say(scheduled.message)
                except StepRejected as exc:
                    # On compressed time the chosen day may have passed before the order read
                    # the Update (a worker restarting): the coordinator picks another day.
                    say(f"Formødet blev ikke sat: {exc.message} Vælger en ny dag.")
                    premeeting_at = None
            elif (
                premeeting_at
                and now > premeeting_at
                and _state(status, Step.PREMEETING) == StepState.ACTIVE
            ):
                say(
                    (
                        await orders.premeeting_done(
                            order_id,
                            PremeetingDone(
                                notes="Programmet er godkendt; jobcenteret holder begge oplæg",
                                program=ProgramChanges(
                                    minutes={"Oplæg fra jobcenteret": 25, "Attestrejsen": 15},
                                    added_topics=["Fast telefontid for lægerne i jobcenteret"],
                                ),
                            ),
                        )
                    ).message
                )
            elif _state(status, Step.MEETING) in (
                StepState.ACTIVE,
                StepState.OVERDUE,
            ) and now >= order.meeting.start + timedelta(hours=3):
                say(await record_as_coordinator(settings, orders, order_id, demo_minutes(order)))
            elif (
                any(e.type == "AgreementReminderSent" for e in status.events)
                and status.agreements
                and status.agreements[0].state == "open"
            ):
                # The job centre reports its phone line is open: the coordinator marks it done.
                say((await orders.agreement_done(order_id, AgreementDoneCommand(number=1))).message)
        except TRANSIENT as exc:
            # Temporal restarting, or a worker gone: the people simply try again a bit later.
            say(f"Kunne ikke nå Temporal ({type(exc).__name__}); prøver igen.")
        await asyncio.sleep(look_every or min(0.25, seconds_per_day / 8))
    final = await orders.status(order_id)
    say(f"Ordren er {final.status}.")
    mails = Counter(
        path.name.split("-", 1)[1].removesuffix(".eml")
        for path in Path(settings.mail_dir).glob("*.eml")
        if _order_of(path) == order_id
    )
    say(
        f"Mails i {settings.mail_dir}: " + ", ".join(f"{k} ({v})" for k, v in sorted(mails.items()))
    )
    say(
        f"Dokumenter i {settings.artifact_dir / order_id}: "
        + ", ".join(a.name for a in final.artifacts)
    )
    for agreement in final.agreements:
        say(f"Aftale {agreement.number}: {agreement.text} – {agreement.state}")
    if final.follow_up_meeting:
        say(
            f"Det opfølgende møde kører videre som workflow {final.follow_up_meeting} "
            "(barn af ordren; gentager spørgeskemaet)."
        )
    say(
        f"Temporal UI: http://localhost:{settings.ui_port}/namespaces/"
        f"{settings.temporal_namespace}/workflows/{order_id}"
    )
    return final


def _mail_links(settings: Settings, order_id: str, mail: str, path: str) -> list[str]:
    """The links under ``path`` in the ``mail`` mails this order sent (as people see them)."""
    found = []
    for file in sorted(Path(settings.mail_dir).glob(f"*-{mail}.eml")):
        if _order_of(file) != order_id:
            continue
        message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        found += re.findall(rf"https?://\S+{path}\S+", text)
    return found


async def answer_as_members(
    settings: Settings, order_id: str, responses: list[SurveyResponse]
) -> int:
    """Every member but the last answers through the web form, one export row each."""
    links = _mail_links(settings, order_id, "survey_invitation", "/s/")[:-1]
    sent = 0
    async with httpx.AsyncClient(timeout=30) as http:
        for url, response in zip(links, responses, strict=False):
            fields = {f"q_{qid}": value for qid, value in response.answers.items() if value}
            sent += await _answer(http, url, fields)
    return sent


async def _answer(http: httpx.AsyncClient, url: str, fields: dict[str, str | list[str]]) -> int:
    """One member: open the link and send; when the page says the survey cannot be reached
    right now (503, Temporal restarting), try again a little later, as the page asks."""
    for attempt in range(8):
        try:
            if (await http.get(url)).status_code == 200:
                posted = await http.post(url, data=fields)
                if posted.status_code == 200:
                    return 1
                if posted.status_code != 503:
                    return 0
        except httpx.TransportError:
            pass
        await asyncio.sleep(1 + attempt)
    return 0


def _order_of(path: Path) -> str | None:
    with path.open("rb") as handle:
        headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
    value = headers.get("X-Klyngepakke-Order")
    return str(value) if value is not None else None


def demo_minutes(order: OrderRequest) -> Minutes:
    day = order.meeting.start.date()
    follow_up = datetime.combine(day + timedelta(weeks=8), time(16, 0), COPENHAGEN)
    return Minutes(
        minute_taker=order.members[1].name if len(order.members) > 1 else order.coordinator.name,
        participants=len(order.members) + 2,
        agreements=[
            Agreement(
                text="Jobcenteret opretter en direkte telefonlinje til lægerne",
                owner="Jobcenteret",
                due=day + timedelta(days=14),
            ),
            Agreement(
                text="Hver praksis aftaler, hvem der håndterer attestanmodninger",
                owner="Alle praksisser",
                due=day + timedelta(days=21),
            ),
        ],
        follow_up=FollowUpChoices(
            board_meeting=True,
            klu=True,
            contact_person=order.coordinator.name,
            follow_up_meeting=on_or_after_weekday(follow_up),
            repeat_survey=True,
        ),
    )


def on_or_after_weekday(moment: datetime) -> datetime:
    day = on_or_after(moment.date())
    return moment.replace(year=day.year, month=day.month, day=day.day)


async def record_as_coordinator(
    settings: Settings, orders: OrdersClient, order_id: str, minutes: Minutes
) -> str:
    """The coordinator opens the minutes link from the checklist mail and fills in the form."""
    link = next(iter(_mail_links(settings, order_id, "practical_checklist", "/m/")), None)
    if link is None:
        return (await orders.meeting_record(order_id, MeetingRecord(minutes=minutes))).message
    fields: dict[str, str] = {
        "minute_taker": minutes.minute_taker,
        "participants": str(minutes.participants),
        "contact_person": minutes.follow_up.contact_person or "",
    }
    for row, agreement in enumerate(minutes.agreements):
        fields[f"a{row}_text"] = agreement.text
        fields[f"a{row}_owner"] = agreement.owner
        fields[f"a{row}_due"] = agreement.due.isoformat()
    for key in ("board_meeting", "klu", "repeat_survey", "new_extract"):
        if getattr(minutes.follow_up, key):
            fields[key] = "ja"
    if minutes.follow_up.follow_up_meeting:
        fields["follow_up_meeting"] = minutes.follow_up.follow_up_meeting.strftime("%Y-%m-%dT%H:%M")
    async with httpx.AsyncClient(timeout=30) as http:
        page = await http.post(link, data=fields)
    found = re.search(r"<p>(Referatet.*?)</p>", page.text)
    shown = html.unescape(found.group(1)) if found else page.text[:200]
    return f"Koordinatoren udfyldte referatsiden ({page.status_code}): {shown}"
