"""The demo's coordinator, members and agreement owners: they act only through the pages and
the links in their mails, as the people would in a browser (plain HTTP forms, no JavaScript).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import ssl
from collections import Counter
from collections.abc import Collection
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx

from klyngepakke.config import Settings
from klyngepakke.demo.mailbox import mailbox
from schemas.order.request import OrderRequest
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.member_list import member_lines
from schemas.survey.answers import SurveyResponse


class PageUnavailable(RuntimeError):
    """A page kept saying "try again in a moment" (503) or could not be reached: the person
    comes back on a later look, as they would with a browser."""


# A browser posting a page's own form says so (Fetch Metadata); the pages require it.
BROWSER = {"sec-fetch-site": "same-origin"}
# One TLS context for every simulated browser: httpx builds a new one per client otherwise,
# loading the system's certificates each time (29 % of a burst driver's CPU with 100 orders).
_TLS = ssl.create_default_context()


def browser(timeout: float = 60) -> httpx.AsyncClient:
    """A person's browser: a fresh client (its own cookies), the shared TLS context."""
    return httpx.AsyncClient(timeout=timeout, verify=_TLS)


def mails(settings: Settings, order_id: str, kind: str) -> list[EmailMessage]:
    """The ``kind`` mails this order sent, in the order they arrived."""
    return mailbox(settings.mail_dir).messages(order_id, kind)


def mail_links(settings: Settings, order_id: str, kind: str, path: str) -> list[str]:
    """The links under ``path`` in the ``kind`` mails this order sent (as people see them)."""
    return [link for message in mails(settings, order_id, kind) for link in _links(message, path)]


def _links(message: EmailMessage, path: str) -> list[str]:
    """The links under ``path`` in one mail's text, as its reader sees them."""
    part = message.get_body(("plain",))
    text = part.get_content() if part is not None else ""
    return re.findall(rf"https?://\S+{path}\S+", text)


def shown(page: httpx.Response, pattern: str) -> str:
    """The first paragraph or heading on a page that says ``pattern``, as a person reads it."""
    for block in re.findall(r"<(?:p|h1)\b[^>]*>(.*?)</(?:p|h1)>", page.text, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", block)).strip()
        if re.search(pattern, text):
            return text
    return f"(siden svarede {page.status_code})"


async def post_form(http: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """Send a form; when the page says to try again in a moment (503), do so."""
    for attempt in range(8):
        try:
            response = await http.post(url, headers=BROWSER, **kwargs)
            if response.status_code != 503:
                return response
        except httpx.TransportError:
            pass
        await asyncio.sleep(1 + attempt)
    raise PageUnavailable(f"the page {url.split('/')[3]} could not be reached")


async def get_page(http: httpx.AsyncClient, url: str) -> httpx.Response:
    """Open a page; while the site cannot be reached or asks to try again, try again."""
    for attempt in range(8):
        try:
            response = await http.get(url)
            if response.status_code != 503:
                return response
        except httpx.TransportError:
            pass
        await asyncio.sleep(1 + attempt)
    raise PageUnavailable(f"the page {url.split('/')[3]} could not be reached")


async def order_on_the_form(
    settings: Settings, order: OrderRequest, seconds_per_day: float, klynge: str | None = None
) -> httpx.Response:
    """The coordinator fills in the order form at /bestil (the development stack lets the
    demo compress time there)."""
    base = settings.public_base_url.rstrip("/")
    meeting, call = order.meeting.start.astimezone(COPENHAGEN), order.call_at.astimezone(COPENHAGEN)
    async with browser(60) as http:
        form = await get_page(http, f"{base}/bestil")
        key = re.search(r'name="submission" value="([^"]+)"', form.text)
        fields = {
            "submission": key.group(1) if key else "demo",
            "package": order.package,
            "cluster.name": order.cluster.name,
            "cluster.region": order.cluster.region.value,
            "coordinator.name": order.coordinator.name,
            "coordinator.email": order.coordinator.email,
            "meeting.date": f"{meeting:%Y-%m-%d}",
            "meeting.time": f"{meeting:%H:%M}",
            "meeting.mode": order.meeting.mode.value,
            "meeting.location": order.meeting.location or "",
            "meeting.program_variant": order.meeting.program_variant or "",
            "call.date": f"{call:%Y-%m-%d}",
            "call.time": f"{call:%H:%M}",
            "members": member_lines(order.members),
            "municipality.name": order.partner.name,
            "municipality.jobcenter_contact.name": order.partner.jobcenter_contact.name,
            "municipality.jobcenter_contact.email": order.partner.jobcenter_contact.email,
            "demo_seconds_per_day": str(seconds_per_day),
        }
        if klynge is not None:  # ordered from the cluster's page: the form carries it
            fields["klynge"] = klynge
        return await post_form(http, f"{base}/bestil", data=fields)


async def edit_and_send_survey(coordinator_page: str) -> str:
    """The coordinator adds a question of the cluster's own to the survey and sends it."""
    async with browser(60) as http:
        page = await get_page(http, f"{coordinator_page}/spoergeskema")
        values = _form_values(page.text)
        free = max((int(k[1:].split("_")[0]) for k in values if re.match(r"q\d+_", k)), default=0)
        values |= {
            "action": "gem",
            f"q{free}_text": "Hvad vil du gerne drøfte med jobcenteret på mødet?",
            f"q{free}_type": "free_text",
            f"q{free}_place": str(free + 1),
        }
        values.pop(f"q{free}_required", None)
        saved = await post_form(http, f"{coordinator_page}/spoergeskema", data=values)
        sent = await post_form(http, f"{coordinator_page}/spoergeskema", data={"action": "send"})
    return f"{shown(saved, 'spørgsmål')} {shown(sent, 'sendes')}"


def _form_values(page: str) -> dict[str, str]:
    """What a page's forms hold now, as a browser would send them back."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input\b([^>]*)>", page):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        kind, name = attrs.get("type", "text"), attrs.get("name")
        if name is None or kind in ("file", "submit"):
            continue
        if kind in ("checkbox", "radio") and not re.search(r"\schecked\b", tag):
            continue
        values[html.unescape(name)] = html.unescape(attrs.get("value", ""))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = html.unescape(body)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        if chosen:
            values[name] = chosen.group(1)
    values.pop("action", None)
    return values


def unanswered_invitations(
    settings: Settings, order: OrderRequest, order_id: str, answering: Collection[str]
) -> dict[str, str]:
    """The personal links in the invitations that have arrived and are not yet ``answering``
    (a round's links differ from the last round's), with the member's address; the last
    member stays silent, so the reminders show they go only to those who have not answered."""
    silent = order.members[-1].email.lower()
    waiting = {}
    for message in mails(settings, order_id, "survey_invitation"):
        to = message["To"].addresses[0].addr_spec.lower()
        links = _links(message, "/s/")
        if links and to != silent and links[0] not in answering:
            waiting[links[0]] = to
    return waiting


async def members_answering_their_mail(
    settings: Settings,
    order: OrderRequest,
    order_id: str,
    rounds: list[list[SurveyResponse]],
    stop: asyncio.Event,
) -> list[int]:
    """Each member opens an invitation as soon as it is in their inbox and answers, in each
    round with that round's answers (the follow-up meeting's second round too); until
    ``stop``, then the answers still under way are finished. How many the form confirmed, per
    round."""
    answering: dict[str, tuple[int, asyncio.Task[bool]]] = {}
    seen: Counter[str] = Counter()
    expected = len(rounds) * (len(order.members) - 1)
    async with asyncio.TaskGroup() as group:
        # Until everyone but the silent member has had every invitation (then nothing is left
        # to read, and the benchmarks' many demos stop parsing the mail folder).
        while not stop.is_set() and len(answering) < expected:
            for url, member in unanswered_invitations(settings, order, order_id, answering).items():
                seen[member] += 1
                responses = rounds[min(seen[member], len(rounds)) - 1]
                answer = member_answering(order, member, url, responses)
                answering[url] = (seen[member], group.create_task(answer))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
    confirmed = [0] * len(rounds)
    for number, answered in answering.values():
        if number <= len(rounds):
            confirmed[number - 1] += answered.result()
    return confirmed


async def member_answering(
    order: OrderRequest, member: str, url: str, responses: list[SurveyResponse]
) -> bool:
    """The member opens the link in their invitation and answers on the form with their own
    row of the round's export (member n, row n), on their own time: the coordinator, the job
    centre and the other members go on meanwhile."""
    row = {m.email.lower(): n for n, m in enumerate(order.members)}
    response = responses[row.get(member, 0) % len(responses)]
    fields = {f"q_{qid}": value for qid, value in response.answers.items() if value}
    return await _answer(url, fields, exported={f"q_{qid}" for qid in response.answers})


async def _answer(
    url: str, fields: dict[str, Any], patience: float = 180, exported: Collection[str] = ()
) -> bool:
    """Open the link and send; whether the page confirmed it. When the page says the survey
    cannot be reached right now (503: Temporal restarting, a worker gone), the member tries
    again a little later, as the page asks, for a few minutes; any other answer is final."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    attempt = 0
    async with browser(30) as http:
        while loop.time() < give_up:
            try:
                page = await http.get(url)
                opened = page.status_code
                if opened == 200:
                    own = _own_questions(page.text, exported)
                    posted = await http.post(url, data=own | fields, headers=BROWSER)
                    if posted.status_code != 503:
                        return posted.status_code == 200
                elif opened != 503:
                    return False  # the round has closed, or the link is not (any longer) good
            except httpx.TransportError:
                pass
            attempt += 1
            # Soon: on compressed time a round is open for seconds, not weeks.
            await asyncio.sleep(min(0.5 * attempt, 2))
    return False


# What a member writes under a question the coordinator added (the export has no column for it).
OWN_QUESTION_ANSWER = "Hvordan vi får svar hurtigere, når en attest haster"


def _own_questions(page: str, exported: Collection[str]) -> dict[str, str]:
    """The form's free-text questions the export has no column for (the coordinator's own),
    answered with the line a member would write."""
    asked = re.findall(r'<textarea[^>]*name="(q_[^"]+)"', page)
    return {name: OWN_QUESTION_ANSWER for name in asked if name not in exported}


async def set_premeeting(coordinator_page: str, at: datetime) -> httpx.Response:
    local = at.astimezone(COPENHAGEN)
    async with browser(60) as http:
        return await post_form(
            http,
            f"{coordinator_page}/formoede",
            data={"action": "planlaeg", "date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}"},
        )


async def hold_premeeting(coordinator_page: str, minutes: dict[str, int], topic: str) -> str:
    """Record the pre-meeting with new minutes for some items: first the preview of the new
    program's clock times, then the confirmation, as the page asks."""
    async with browser(60) as http:
        page = await http.get(f"{coordinator_page}/formoede")
        values = _form_values(page.text)
        items = re.findall(r'<label for="f-item(\d+)">([^<]+)</label>', page.text)
        for number, title in items:
            if html.unescape(title) in minutes:
                values[f"item{number}"] = str(minutes[html.unescape(title)])
        values |= {
            "topics": topic,
            "notes": "Programmet er godkendt; jobcenteret holder begge oplæg",
        }
        preview = await post_form(
            http, f"{coordinator_page}/formoede", data={**values, "action": "vis"}
        )
        held = await post_form(
            http, f"{coordinator_page}/formoede", data={**values, "action": "registrer"}
        )
    clock = len(re.findall(r"<td>\d\d[.:]\d\d–", preview.text))
    return f"Formødet: programmet vist med {clock} klokkeslæt; {shown(held, 'registreret')}"


async def download(coordinator_page: str, name: str) -> int:
    async with browser(60) as http:
        response = await get_page(http, f"{coordinator_page}/dokumenter/{name}")
    return len(response.content) if response.status_code == 200 else 0


async def mark_agreement_done(link: str) -> str:
    """The owner opens the link in the reminder (which changes nothing) and presses the one
    button on it."""
    async with browser(60) as http:
        page = await get_page(http, link)
        if page.status_code != 200:
            return f"Aftalelinket svarede {page.status_code}"
        done = await post_form(http, link)
    return shown(done, "udført")


async def staff_login(settings: Settings, user: str) -> httpx.AsyncClient | None:
    """A KiAP colleague logs in at the workbench through the OpenID provider's form; None
    where the stack has no login (the benchmarks' stack: the consultant uses the client)."""
    base = settings.public_base_url.rstrip("/")
    http = browser(60)
    # Not through get_page: a stack without a provider answers 503 for good, not for now.
    start = await http.get(f"{base}/konsulent/login?next=/konsulent")
    if start.status_code != 302:
        await http.aclose()
        return None
    form = await http.get(start.headers["location"])
    if form.status_code != 200:
        await http.aclose()
        return None
    back = await http.post(str(form.url), data={"sub": user})
    landed = await http.get(back.headers["location"], follow_redirects=True)
    if landed.status_code != 200 or "Mine opgaver" not in landed.text:
        await http.aclose()
        return None
    return http


async def consultation_on_the_workbench(
    settings: Settings, http: httpx.AsyncClient, order_id: str
) -> str:
    """The consultant opens the order from their task list, takes it (so their colleague
    sees who has it) and records the call."""
    base = settings.public_base_url.rstrip("/")
    tasks = await get_page(http, f"{base}/konsulent")
    if f"/konsulent/ordre/{order_id}" not in tasks.text:
        return "(ordren er ikke på opgavelisten endnu)"
    order_page = await get_page(http, f"{base}/konsulent/ordre/{order_id}")
    if "Du har opgaven" not in order_page.text:
        await post_form(http, f"{base}/konsulent/ordre/{order_id}/opgave", data={"action": "claim"})
    done = await post_form(
        http,
        f"{base}/konsulent/ordre/{order_id}/samtale",
        data={
            "contact_by": "kiap",
            "mode": "fysisk",
            "practice_labels": "ja",
            "notes": "Klyngen ønsker fokus på LÆ 265 og svartider",
        },
    )
    return shown(done, "registreret")
