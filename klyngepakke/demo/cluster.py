"""The demo's cluster and its coordinator's year: KiAP registers the cluster (as an operator
does with `klyngepakke cluster start`), and the coordinator works the year on the cluster's
page from the links in the mails, on a compressed clock of the cluster's own that starts on
1 October: the member list confirmed in December, the grant in February, a payout
recorded and reported after SKAT's reminder, and the general assembly prepared."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from client.facade import KlyngepakkeClient
from klyngepakke.config import Settings
from klyngepakke.demo import people
from klyngepakke.demo.mailbox import mailbox
from schemas.cluster.input import ClusterInput, cluster_id
from schemas.order.request import OrderRequest
from schemas.shared.clock import SECONDS_PER_DAY
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import StepRejected


class DemoCluster:
    """The demo cluster, its page and its clock (planned time runs ``speed`` times real)."""

    def __init__(
        self, workflow_id: str, page: str, planned_start: datetime, seconds_per_day: float
    ) -> None:
        self.id, self.page = workflow_id, page
        self.planned_start = planned_start
        self.real_start = datetime.now(UTC)
        self.speed = SECONDS_PER_DAY / seconds_per_day

    def today(self) -> date:
        now = self.planned_start + (datetime.now(UTC) - self.real_start) * self.speed
        return now.astimezone(COPENHAGEN).date()


async def start_demo_cluster(
    client: KlyngepakkeClient,
    settings: Settings,
    order: OrderRequest,
    seconds_per_day: float,
    say: Callable[[str], object],
) -> DemoCluster:
    """Register the demo order's cluster with its members; its year starts on 1 October, so
    its first reminder (the member list, in December) comes after the order's first survey
    round has closed: the two demos do not crowd the same seconds."""
    year = datetime.now(UTC).year
    planned_start = datetime(year, 10, 1, 10, 0, tzinfo=COPENHAGEN)
    inp = ClusterInput(
        cluster=order.cluster,
        coordinator=order.coordinator,
        members=order.members,
        seconds_per_day=seconds_per_day,
        accepted_at=planned_start,
    )
    try:
        workflow_id = await client.clusters.start(inp)
    except StepRejected:
        # The demo run before left its cluster running: start it afresh.
        await client.temporal.get_workflow_handle(cluster_id(order.cluster)).terminate("ny demo")
        workflow_id = await client.clusters.start(inp)
    say(f"KiAP oprettede {order.cluster.name} som klynge: {workflow_id}")
    await _mail(settings, workflow_id, "cluster_started", None)
    page = people.mail_links(settings, workflow_id, "cluster_started", "/kl/")[0]
    return DemoCluster(workflow_id, page, planned_start, seconds_per_day)


async def order_token(cluster: DemoCluster) -> str:
    """The coordinator opens the cluster's page and follows "Bestil en klyngepakke"."""
    async with people.browser() as http:
        page = await people.get_page(http, cluster.page)
    found = re.search(r'href="/bestil\?klynge=([^"]+)"', page.text)
    if found is None:
        raise RuntimeError("the cluster page offers no order form")
    return html.unescape(found.group(1))


async def run_cluster_year(
    settings: Settings, cluster: DemoCluster, say: Callable[[str], object]
) -> None:
    """The coordinator's year, each step taken from the mail that asks for it."""
    year = cluster.planned_start.year
    assembly = date(year + 1, 4, 15)
    said = await _act(cluster, {"action": "generalforsamling", "on": assembly.isoformat()})
    say(f"Koordinatoren satte generalforsamlingen på klyngens side: {said}")

    await _mail(settings, cluster.id, "cluster_reminder", "medlemsliste")
    said = await _act(cluster, {"action": "bekraeft", "duty": "member_list", "year": str(year + 1)})
    say(f"Påmindelse om medlemslisten; koordinatoren bekræftede den: {said}")

    await _mail(settings, cluster.id, "cluster_reminder", "driftstilskud")
    said = await _act(cluster, {"action": "bekraeft", "duty": "grant", "year": str(year + 1)})
    say(f"Tjek af driftstilskuddet; koordinatoren svarede: {said}")

    paid_on = cluster.today() - timedelta(days=1)
    said = await _act(
        cluster,
        {"action": "udbetaling", "paid_on": paid_on.isoformat(), "purpose": "Honorar til kasserer"},
    )
    say(f"Koordinatoren registrerede en udbetaling: {said}")
    await _mail(settings, cluster.id, "cluster_reminder", "SKAT")
    said = await _act(cluster, {"action": "indberettet", "payout": "1"})
    say(f"Påmindelse om SKAT; koordinatoren markerede udbetalingen: {said}")

    await _mail(settings, cluster.id, "cluster_reminder", "generalforsamlingen")
    say("Påmindelse om budget og regnskab til generalforsamlingen er kommet.")
    kinds = sorted(
        str(m["Subject"]).split(": ", 1)[-1]
        for m in mailbox(settings.mail_dir).messages(cluster.id, None)
    )
    say(f"Klyngens mails i {settings.mail_dir}: " + "; ".join(kinds))


async def _act(cluster: DemoCluster, fields: dict[str, str]) -> str:
    async with people.browser() as http:
        answer = await people.post_form(http, cluster.page, data=fields)
    if answer.status_code != 200:
        raise RuntimeError(f"the cluster page refused {fields['action']}: {answer.status_code}")
    done = re.search(r'<div class="besked" role="status"><p>(.*?)</p>', answer.text, re.S)
    return html.unescape(done.group(1)) if done else "(ingen besked)"


async def _mail(settings: Settings, workflow_id: str, kind: str, about: str | None) -> EmailMessage:
    """Until the cluster's ``kind`` mail (whose subject says ``about``) is in the inbox."""
    for _ in range(2400):
        for message in mailbox(settings.mail_dir).messages(workflow_id, kind):
            if about is None or about in str(message["Subject"]):
                return message
        await asyncio.sleep(0.25)
    raise RuntimeError(f"no {kind} mail about {about!r} came")
