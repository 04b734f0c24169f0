"""What the workflow worker asks for once it polls: the project's Temporal Schedules (the
morning overview) brought up to date, and the previews of the catalog it loaded. Either failing
is logged; the worker serves on."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from temporalio.client import Client

from klyngepakke import bootstrap
from klyngepakke.config import Settings
from klyngepakke.demo.preview import request_previews

log = structlog.get_logger(__name__)


async def at_start(settings: Settings, temporal: Client) -> None:
    client = bootstrap.klyngepakke_client(settings, temporal)
    try:
        schedule = await client.schedules.apply()
    except Exception:
        log.exception("schedules_not_applied")
    else:
        log.info("schedules_applied", schedules=[schedule])
    try:
        ids = await request_previews(settings, client, datetime.now(UTC))
    except Exception:
        log.exception("package_previews_not_requested")
    else:
        log.info("package_previews_requested", workflows=ids)
