"""The demo: one full order against the running stack on compressed time (one planned day per
second by default). The coordinator orders on the form and works the order from their page,
the members answer on theirs, the job centre uploads, an agreement's owner marks it done from
the link in the reminder (klyngepakke/demo/people.py); the consultant, at KiAP, uses the
client."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import httpx
from temporalio.client import WorkflowQueryFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.config import PROJECT_ROOT, Settings
from klyngepakke.demo import people
from klyngepakke.demo.cluster import DemoCluster, order_token
from klyngepakke.demo.jobcenter import act_as_jobcenter
from klyngepakke.demo.mailbox import mailbox
from klyngepakke.order_file import load_order
from schemas.order.commands import ConsultationDone
from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import ContactBy, OrderRequest, default_order_id
from schemas.order.status import OrderStatus
from schemas.order.steps import Step, StepState
from schemas.shared.business_days import add_business_days, on_or_after
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.answers import parse_survey_export

EXAMPLES = PROJECT_ROOT / "examples"
# What a person meets as "try again in a moment": Temporal restarting, a worker gone, a cold
# worker's replay of a query failing until the order's next task (seen after a SIGKILL).
TRANSIENT = (
    RPCError,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    httpx.TransportError,
    people.PageUnavailable,
)


def demo_order(now: datetime, label: str | None = None) -> OrderRequest:
    """examples/order.yaml, moved so the meeting lies just over 8 weeks from now; ``label``
    names another cluster (several demo orders at once, as in the benchmarks)."""
    order = load_order(EXAMPLES / "order.yaml")
    local = now.astimezone(COPENHAGEN)
    meeting_day = on_or_after((local + timedelta(weeks=8, days=3)).date())
    meeting = order.meeting.model_copy(
        update={"start": datetime.combine(meeting_day, time(16, 0), COPENHAGEN)}
    )
    call_at = datetime.combine(add_business_days(local.date(), 1), time(10, 0), COPENHAGEN)
    cluster = order.cluster
    if label:
        cluster = cluster.model_copy(update={"name": f"{cluster.name} {label}"})
    return order.model_copy(update={"meeting": meeting, "call_at": call_at, "cluster": cluster})


def demo_order_id(label: str) -> str:
    """The id the order form gives the demo order named ``label`` (its cluster and day)."""
    return default_order_id(demo_order(datetime.now(UTC), label))


async def run_demo(
    client: KlyngepakkeClient,
    settings: Settings,
    seconds_per_day: float,
    say: Callable[[str], object] = print,
    label: str | None = None,
    look_every: float | None = None,
    follow_up: bool = False,
    cluster: DemoCluster | None = None,
) -> OrderStatus:
    """One order through every stage, its people acting through the pages and the links in
    their mails when the order's status says it is their turn (KiAP's consultant on the
    workbench, or through the client where the stack has no login); they look every
    ``look_every`` seconds (default: 8 times a planned day, at most every quarter second).
    With ``follow_up`` the members also answer the follow-up meeting's second round, and the
    demo ends when the coordinator has the follow-up deck."""
    order = demo_order(datetime.now(UTC), label or datetime.now(UTC).strftime("%H-%M-%S"))
    order_id = default_order_id(order)
    klynge = await order_token(cluster) if cluster is not None else None
    receipt = await people.order_on_the_form(settings, order, seconds_per_day, klynge)
    said = people.shown(receipt, "bekræftelse")
    where = "fra klyngens side" if cluster is not None else f"på {settings.public_base_url}/bestil"
    say(f"Koordinatoren bestilte {where}: {said}")
    if receipt.status_code != 200:
        raise RuntimeError(f"the order form answered {receipt.status_code}")
    say(f"Ordre: {order_id} (1 planlagt dag = {seconds_per_day:g} s)")
    # KiAP's consultant works from the workbench where the stack has a login.
    workbench = await people.staff_login(settings, "kiap-konsulent")
    try:
        return await _until_done(
            client,
            settings,
            order,
            order_id,
            say,
            look_every,
            seconds_per_day,
            workbench,
            follow_up,
        )
    finally:
        if workbench is not None:
            await workbench.aclose()


async def _until_done(
    client: KlyngepakkeClient,
    settings: Settings,
    order: OrderRequest,
    order_id: str,
    say: Callable[[str], object],
    look_every: float | None,
    seconds_per_day: float,
    workbench: httpx.AsyncClient | None,
    follow_up: bool,
) -> OrderStatus:
    template = bootstrap.catalog(settings).package(order.package).survey
    page: str | None = None
    premeeting_at: datetime | None = None
    done: set[str] = set()
    # The first round's answers, and the second round's after the meeting (the follow-up
    # deck compares them).
    responses = [
        parse_survey_export(template, (EXAMPLES / name).read_bytes())
        for name in ("spoergeskema-eksport.csv", "spoergeskema-eksport-runde-2.csv")
    ]
    # The members read their own mail and answer on their own time, beside the loop below
    # (a slow look at the order, or a worker restarting, must not make them miss the round).
    stop = asyncio.Event()
    rounds = 2 if follow_up else 1
    members = asyncio.create_task(
        people.members_answering_their_mail(settings, order, order_id, responses[:rounds], stop)
    )
    try:
        while True:
            try:
                # A failed order still answers its status query as it stood: ask how it ended.
                await client.raise_if_died(order_id)
                status = await client.orders.status(order_id)
                if status.status != "active":
                    break
                now = status.clock.planned(datetime.now(UTC))
                if page is None:
                    found = people.mail_links(settings, order_id, "order_confirmation", "/k/")
                    page = found[0] if found else None
                step = {s.name: s.state for s in status.steps}
                if (
                    step[Step.CONSULTATION] in (StepState.ACTIVE, StepState.OVERDUE)
                    and now >= order.call_at
                ):
                    if workbench is not None:
                        said = await people.consultation_on_the_workbench(
                            settings, workbench, order_id
                        )
                        say(f"Konsulenten på arbejdsbordet: {said}")
                    else:
                        accepted = await client.orders.consultation_done(
                            order_id,
                            ConsultationDone(
                                contact_by=ContactBy.KIAP,
                                notes="Klyngen ønsker fokus på LÆ 265 og svartider",
                                practice_labels_by_mail=True,
                            ),
                        )
                        say(f"Konsulenten: {accepted.message}")
                elif "survey" not in done and page and people.mails(settings, order_id, "material"):
                    said = await people.edit_and_send_survey(page)
                    done.add("survey")
                    say(f"Koordinatoren på sin side: {said}")
                elif "extract" not in done and step[Step.PARTNER] in (
                    StepState.ACTIVE,
                    StepState.OVERDUE,
                ):
                    if await act_as_jobcenter(settings, order_id, say):
                        done.add("extract")
                elif page and step[Step.PREMEETING] == StepState.ACTIVE and premeeting_at is None:
                    premeeting_day = on_or_after(
                        (now + timedelta(days=2)).astimezone(COPENHAGEN).date()
                    )
                    premeeting_at = datetime.combine(premeeting_day, time(14, 0), COPENHAGEN)
                    # Running late (a worker restarting on compressed time): halfway to the meeting.
                    premeeting_at = min(premeeting_at, now + (order.meeting.start - now) / 2)
                    answer = await people.set_premeeting(page, premeeting_at)
                    if answer.status_code == 200:
                        say(f"Koordinatoren satte formødet: {people.shown(answer, 'sat til')}")
                    else:
                        # On compressed time the chosen day may have passed before the order read
                        # it (a worker restarting): the coordinator picks another day.
                        say(f"Formødet blev ikke sat ({answer.status_code}); vælger en ny dag.")
                        premeeting_at = None
                elif (
                    page
                    and premeeting_at
                    and now > premeeting_at
                    and step[Step.PREMEETING] == StepState.ACTIVE
                ):
                    say(
                        await people.hold_premeeting(
                            page,
                            {"Oplæg fra jobcenteret": 25, "Attestrejsen": 15},
                            "Fast telefontid for lægerne i jobcenteret",
                        )
                    )
                elif (
                    page
                    and "v2" not in done
                    and any(a.name == "klyngemoede-v2.pptx" for a in status.artifacts)
                ):
                    size = await people.download(page, "klyngemoede-v2.pptx")
                    done.add("v2")
                    kb = size // 1024
                    say(f"Koordinatoren hentede klyngemoede-v2.pptx fra sin side ({kb} KB).")
                elif step[Step.MEETING] in (
                    StepState.ACTIVE,
                    StepState.OVERDUE,
                ) and now >= order.meeting.start + timedelta(hours=3):
                    recorded = await record_as_coordinator(
                        settings, client, order_id, demo_minutes(order)
                    )
                    if recorded:
                        say(recorded)
                elif (
                    "agreement" not in done
                    and status.agreements
                    and status.agreements[0].state == "open"
                ):
                    # The job centre reports its phone line is open: it follows the link in its
                    # reminder and marks the agreement done.
                    links = people.mail_links(settings, order_id, "agreement_reminder", "/a/")
                    if links:
                        said = await people.mark_agreement_done(links[0])
                        done.add("agreement")
                        say(f"Jobcenteret fra påmindelsen: {said}")
            except TRANSIENT as exc:
                # Temporal restarting, or a worker gone: the people simply try again a bit later.
                say(f"Kunne ikke nå Temporal ({type(exc).__name__}); prøver igen.")
            await asyncio.sleep(look_every or min(0.25, seconds_per_day / 8))
        final = await _status_when_reachable(client, order_id, say)
        if follow_up and final.follow_up_meeting:
            await _until_follow_up_deck(client, settings, order_id, final.follow_up_meeting, say)
    except BaseException:
        members.cancel()
        raise
    stop.set()
    confirmed = await members
    say(f"{confirmed[0]} af {len(order.members)} medlemmer svarede via deres personlige link.")
    if follow_up and final.follow_up_meeting:
        say(f"I 2. runde svarede {confirmed[1]} af {len(order.members)} medlemmer.")
    say(f"Ordren er {final.status}.")
    counted = Counter(
        str(m["X-Klyngepakke-Mail"]) for m in mailbox(settings.mail_dir).messages(order_id, None)
    )
    say(
        f"Mails i {settings.mail_dir}: "
        + ", ".join(f"{k} ({v})" for k, v in sorted(counted.items()))
    )
    where = (
        f"databasen (hent dem med klyngepakke artifacts {order_id} --save-to MAPPE)"
        if settings.database_url
        else str(settings.artifact_dir / order_id)
    )
    say(f"Dokumenter i {where}: " + ", ".join(a.name for a in final.artifacts))
    for agreement in final.agreements:
        say(f"Aftale {agreement.number}: {agreement.text} – {agreement.state}")
    if final.follow_up_meeting:
        say(
            f"Det opfølgende møde kører videre som workflow {final.follow_up_meeting} "
            "(barn af ordren; gentager spørgeskemaet)."
        )
    say(f"Koordinatorens side: {page}")
    say(
        f"Temporal UI: http://localhost:{settings.ui_port}/namespaces/"
        f"{settings.temporal_namespace}/workflows/{order_id}"
    )
    return final


async def _until_follow_up_deck(
    client: KlyngepakkeClient,
    settings: Settings,
    order_id: str,
    follow_up_id: str,
    say: Callable[[str], object],
) -> None:
    """Until the coordinator has the follow-up deck in their mail (the second round closed
    and compared with the first); stops at a follow-up meeting that died."""
    while not people.mails(settings, order_id, "follow_up_deck"):
        try:
            await client.raise_if_died(follow_up_id)
        except TRANSIENT as exc:
            say(f"Kunne ikke nå Temporal ({type(exc).__name__}); prøver igen.")
        await asyncio.sleep(0.5)
    say("Koordinatoren fik PowerPointen til det opfølgende møde med begge runder.")


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


async def _status_when_reachable(
    client: KlyngepakkeClient, order_id: str, say: Callable[[str], object]
) -> OrderStatus:
    """The order's status, asked again while Temporal is busy or restarting (a query can
    time out on a loaded machine; the order is no worse for it)."""
    for attempt in range(30):
        try:
            return await client.orders.status(order_id)
        except TRANSIENT as exc:
            say(f"Kunne ikke nå Temporal ({type(exc).__name__}); prøver igen.")
            await asyncio.sleep(min(1 + attempt, 10))
    return await client.orders.status(order_id)


def on_or_after_weekday(moment: datetime) -> datetime:
    day = on_or_after(moment.date())
    return moment.replace(year=day.year, month=day.month, day=day.day)


async def record_as_coordinator(
    settings: Settings, client: KlyngepakkeClient, order_id: str, minutes: Minutes
) -> str:
    """The coordinator opens the minutes link from the checklist mail and fills in the form."""
    link = next(iter(people.mail_links(settings, order_id, "practical_checklist", "/m/")), None)
    if link is None:
        return ""  # the checklist mail is still on its way (a busy worker): look again later
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
    async with people.browser(30) as http:
        page = await people.post_form(http, link, data=fields)
    return f"Koordinatoren udfyldte referatsiden: {people.shown(page, 'Referatet')}"
