"""The web app on the time-skipping server, as people use it: the pages through HTTP (an ASGI
client, as a browser sends forms), the links taken from the mails they got."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import httpx
import uvicorn

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from schemas.shared.links import LinkSigner
from tests.eventually import eventually
from tests.workflows.harness import Harness
from web.app import create_app
from web.config import WebConfig
from web.staff_auth import StaffConfig

BASE = "http://localhost:8000"
# What a browser sends with a form it posts from the page itself.
SAME_ORIGIN = {"sec-fetch-site": "same-origin", "origin": BASE}


def web_for(h: Harness, staff: StaffConfig | None = None) -> httpx.AsyncClient:
    settings = h.settings
    clients = bootstrap.klyngepakke_client(settings, h.env.client, h.env.get_current_time)

    async def backend() -> KlyngepakkeClient:
        return clients

    signer = LinkSigner(bootstrap.link_secret(settings))
    config = WebConfig(
        signer=signer,
        artifacts=bootstrap.artifact_store(settings),
        uploads=bootstrap.upload_store(settings),
        staff_directory=bootstrap.staff_directory(settings),
        catalog=bootstrap.catalog(settings),
        public_base_url=BASE,
        staff=staff or StaffConfig(),
    )
    app = create_app(backend, signer, config=config)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, headers=SAME_ORIGIN, timeout=60
    )


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def links(message: EmailMessage, prefix: str) -> list[str]:
    """The paths under ``prefix`` in a mail's text (the site's own address left off)."""
    return [u.removeprefix(BASE) for u in re.findall(rf"{BASE}{prefix}\S+", body(message))]


def link(message: EmailMessage, prefix: str) -> str:
    found = links(message, prefix)
    assert found, f"no {prefix} link in the mail {message['Subject']!r}"
    return found[0]


def field_errors(page: httpx.Response) -> dict[str, str]:
    """The error summary: field id -> message."""
    return dict(re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', page.text))


def order_form_values(now: Any, weeks: float = 9, **changes: str) -> dict[str, str]:
    """A filled-in order form for a meeting about ``weeks`` after ``now``."""
    from tests import factories

    data = factories.order_data(now, weeks)
    meeting = data["meeting"]["start"]
    call = data["call_at"]
    values = {
        "submission": "form-key-1",
        "package": data["package"],
        "cluster.name": data["cluster"]["name"],
        "cluster.region": data["cluster"]["region"],
        "coordinator.name": data["coordinator"]["name"],
        "coordinator.email": data["coordinator"]["email"],
        "meeting.date": meeting[:10],
        "meeting.time": meeting[11:16],
        "meeting.mode": "fysisk",
        "meeting.location": "Lægehuset, mødelokale 2",
        "meeting.program_variant": "standard",
        "call.date": call[:10],
        "call.time": call[11:16],
        "members": "\n".join(
            f"{m['name']};{m['email']};{m['ydernummer']}" for m in data["members"]
        ),
        "municipality.name": data["municipality"]["name"],
        "municipality.jobcenter_contact.name": data["municipality"]["jobcenter_contact"]["name"],
        "municipality.jobcenter_contact.email": data["municipality"]["jobcenter_contact"]["email"],
    }
    values.update(changes)
    return values


@contextlib.asynccontextmanager
async def served(h: Harness, port: int) -> AsyncIterator[str]:
    """The web app on a real port (for a browser), talking to the time-skipping server."""
    settings = h.settings
    clients = bootstrap.klyngepakke_client(settings, h.env.client, h.env.get_current_time)

    async def backend() -> KlyngepakkeClient:
        return clients

    signer = LinkSigner(bootstrap.link_secret(settings))
    base = f"http://127.0.0.1:{port}"
    config = WebConfig(
        signer=signer,
        artifacts=bootstrap.artifact_store(settings),
        uploads=bootstrap.upload_store(settings),
        catalog=bootstrap.catalog(settings),
        public_base_url=base,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(backend, signer, config=config),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        await eventually("the web app starting", _started(server))
        yield base
    finally:
        server.should_exit = True
        await serving


def _started(server: uvicorn.Server) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool(server.started)

    return check
